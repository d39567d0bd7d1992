/**
 * The line each table row starts on (Sample.line, for diagnostics on a
 * manifest's row) and the table's origin (Dataset.table). Expected lines are
 * counted here while the files are written, piece by piece, independently of
 * the reader: header and blank lines count, a quoted cell that spans lines
 * keeps its row on its first line, and CRLF, CR and LF files number alike.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDataset } from '../../../src/data/open';
import { readTable } from '../../../src/data/table';
import { FMNIST, makeTempDir } from './helpers';

/** A file built from pieces; each row records the 1-based line it starts on and the one it ends on. */
class FileBuilder {
  text = '';
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** 1-based line the next character goes on. */
  private line = 1;
  constructor(private readonly newline: string) {}

  private append(piece: string): void {
    this.text += piece;
    this.line += piece.split(this.newline).length - 1;
  }
  /** A line that is not a row (header, blank). */
  plain(content: string): this {
    this.append(content + this.newline);
    return this;
  }
  /** A row whose cells may hold newlines; `last` leaves the final newline out. */
  row(cells: string[], last = false): this {
    this.starts.push(this.line);
    this.append(cells.join(','));
    this.ends.push(this.line);
    if (!last) this.append(this.newline);
    return this;
  }
}

const quoted = (text: string) => `"${text.replace(/"/g, '""')}"`;

describe('data/table: the line each row starts on', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  for (const [name, newline] of [
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ] as const) {
    it(`numbers rows of a ${name} CSV with blank lines and a quoted cell spanning lines`, async () => {
      const file = new FileBuilder(newline)
        .plain('')
        .plain('path,label')
        .plain('')
        .row(['a.png', 'cat'])
        .row(['b.png', quoted(`two${newline}lines`)])
        .plain('')
        .plain('')
        .row([quoted(`c${newline}${newline}d.png`), 'dog'])
        .row(['e.png', 'é'])
        .plain('')
        .row(['f.png', 'last'], true);
      const path = join(dir, `${name}.csv`);
      await writeFile(path, file.text);
      const table = await readTable(path);
      assert.equal(table.rows.length, 5);
      assert.deepEqual(table.rows[2], [`c${newline}${newline}d.png`, 'dog']);
      assert.deepEqual(table.firstLines, file.starts);
      assert.deepEqual(table.lines, file.ends);
      // By hand for the LF file: blank, header, blank, a (4), b (5–6), two blanks, c (9–11), e (12), blank, f (14).
      if (name === 'LF') assert.deepEqual(table.firstLines, [4, 5, 9, 12, 14]);
    });
  }

  it('numbers rows after a byte-order mark and across 64 KiB read chunks (CRLF, multi-line cells)', async () => {
    const file = new FileBuilder('\r\n').plain('\uFEFFid,label,note');
    for (let row = 0; row < 8000; row++) {
      const note =
        row % 7 === 3 ? quoted(`line one\r\nline two of ${row}\r\nthree`) : `note ${'x'.repeat(row % 40)}`;
      if (row % 11 === 5) file.plain('');
      file.row([`r${row}`, row % 2 ? 'a' : 'b', note]);
    }
    assert.ok(Buffer.byteLength(file.text) > 3 * 65536, 'spans several read chunks');
    const path = join(dir, 'long.csv');
    await writeFile(path, file.text);
    const table = await readTable(path);
    assert.equal(table.rows.length, 8000);
    assert.deepEqual(table.firstLines, file.starts);
    assert.deepEqual(table.lines, file.ends);
  });

  it('keeps blank lines as rows of a labels file and numbers them', async () => {
    const path = join(dir, 'labels.csv');
    await writeFile(path, 'label\r\ncat\r\n\r\ndog\r\n');
    const table = await readTable(path, { keepEmptyLines: true });
    assert.deepEqual(table.rows, [['cat'], [''], ['dog']]);
    assert.deepEqual(table.firstLines, [2, 3, 4]);
  });

  it('numbers JSONL objects by their line, blank lines counted', async () => {
    const path = join(dir, 'rows.jsonl');
    await writeFile(
      path,
      '{"path": "a.png", "label": "x"}\r\n\r\n{"path": "b.png", "label": "y"}\n\n\n{"path": "c.png"}',
    );
    const table = await readTable(path);
    assert.deepEqual(table.firstLines, [1, 3, 6]);
  });
});

describe('data/open: Sample.line and Dataset.table', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  it('gives every row of the Fashion-MNIST manifests its line (CSV, TSV, JSONL)', async () => {
    // Label columns as the fixtures' first lines name them.
    for (const [file, firstRowLine, labelColumn] of [
      ['manifest.csv', 2, 'label'],
      ['manifest.tsv', 2, 'class'],
      ['manifest.jsonl', 1, 'label'],
    ] as const) {
      const dataset = await openDataset(join(FMNIST, file));
      // These fixtures have no blank lines or quoting: row i sits on line i + firstRowLine.
      assert.deepEqual(
        dataset.samples.map((sample) => sample.line),
        dataset.samples.map((_, index) => index + firstRowLine),
        file,
      );
      assert.deepEqual(dataset.table, { file: join(FMNIST, file), labelColumn }, file);
    }
  });

  it('names the label column the user chose, and none when the labels come from another file', async () => {
    const table = join(dir, 't.csv');
    await writeFile(table, 'a,b,Kind\n1,2,x\n\n3,4,y\n"5",6,"z\nz"\n7,8,x\n');
    const tabular = await openDataset(table, { labelColumn: 'Kind' });
    assert.equal(tabular.kind, 'tabular');
    assert.deepEqual(tabular.table, { file: table, labelColumn: 'Kind' });
    assert.deepEqual(
      tabular.samples.map((sample) => sample.line),
      [2, 4, 5, 7],
    );
    const labels = join(dir, 'labels.txt');
    await writeFile(labels, 'p\nq\nr\ns\n');
    const relabelled = await openDataset(table, { labelsPath: labels });
    assert.deepEqual(relabelled.table, { file: table });
    assert.deepEqual(relabelled.labels, ['p', 'q', 'r', 's']);
  });

  it('gives text rows their line and leaves array and folder datasets without one', async () => {
    const text = join(dir, 'texts.csv');
    await writeFile(
      text,
      'text,label\n"first text\nspans two lines",a\n\nsecond text here,b\nthird text,a\n',
    );
    const dataset = await openDataset(text);
    assert.equal(dataset.kind, 'text');
    assert.deepEqual(
      dataset.samples.map((sample) => sample.line),
      [2, 5, 6],
    );
    assert.deepEqual(dataset.table, { file: text, labelColumn: 'label' });
    const folder = await openDataset(join(FMNIST, 'noisy'));
    assert.equal(folder.table, undefined);
    assert.ok(folder.samples.every((sample) => sample.line === undefined));
  });
});
