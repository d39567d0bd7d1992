import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readLabelsFile } from '../../../src/data/labelsFile';
import { FMNIST, makeTempDir, npyBytes, rejectsInput, t10kReference } from './helpers';

describe('data/labelsFile: --labels', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => (temp = await makeTempDir()));
  after(() => temp.cleanup());

  const write = async (name: string, text: string) => {
    const file = join(temp.dir, name);
    await writeFile(file, text);
    return file;
  };

  it('reads IDX labels, raw and gzipped, as decimal strings', async () => {
    const expected = Array.from({ length: 300 }, (_, i) => String(t10kReference().label(i)));
    assert.deepEqual(await readLabelsFile(join(FMNIST, 'idx', 't10k-labels-idx1-ubyte')), expected);
    assert.deepEqual(await readLabelsFile(join(FMNIST, 'idx', 't10k-labels-idx1-ubyte.gz')), expected);
  });

  it('reads one label per line, skipping a `label` header, trailing blank lines and CRLF', async () => {
    assert.deepEqual(await readLabelsFile(await write('plain.txt', 'cat\ndog\n cat \n\n')), [
      'cat',
      'dog',
      'cat',
    ]);
    assert.deepEqual(await readLabelsFile(await write('header.txt', 'label\r\ncat\r\ndog\r\n')), [
      'cat',
      'dog',
    ]);
    assert.deepEqual(await readLabelsFile(await write('one.csv', 'Label\n3\n"a, b"\n')), ['3', 'a, b']);
    assert.deepEqual(await readLabelsFile(await write('noheader.csv', '3\n1\n')), ['3', '1']);
  });

  it('takes the label column of a wider CSV or JSONL', async () => {
    assert.deepEqual(await readLabelsFile(await write('wide.csv', 'id,label\n7,cat\n8,dog\n')), [
      'cat',
      'dog',
    ]);
    assert.deepEqual(await readLabelsFile(await write('rows.jsonl', '{"label": 1}\n{"label": "x"}\n')), [
      '1',
      'x',
    ]);
    const noLabel = await write('nolabel.csv', 'id,name\n7,cat\n');
    await rejectsInput(
      readLabelsFile(noLabel),
      noLabel,
      /has no label column \(its columns are: "id", "name"\)/,
    );
  });

  it('reads an empty cell (CSV), null (JSONL) and a negative number (.npy) as an unlabelled sample', async () => {
    assert.deepEqual(await readLabelsFile(await write('gaps.csv', 'id,label\n1,cat\n2,\n3,dog\n')), [
      'cat',
      undefined,
      'dog',
    ]);
    assert.deepEqual(
      await readLabelsFile(await write('gaps.jsonl', '{"label": "cat"}\n{"label": null}\n{"id": 3}\n')),
      ['cat', undefined, undefined],
    );
    const int64 = new BigInt64Array([3n, -1n, 0n, -1n]);
    const file = join(temp.dir, 'partial.npy');
    await writeFile(file, npyBytes('<i8', [4], new Uint8Array(int64.buffer)));
    assert.deepEqual(await readLabelsFile(file), ['3', undefined, '0', undefined]);
    // A one-column CSV: every empty line is an unlabelled sample, the last ones too (the final newline ends a row).
    assert.deepEqual(await readLabelsFile(await write('column.csv', 'label\n3\n\n\n1\n\n')), [
      '3',
      undefined,
      undefined,
      '1',
      undefined,
    ]);
    const ragged = await write('ragged.csv', 'id,label\n1,cat\n2\n');
    await rejectsInput(readLabelsFile(ragged), ragged, /line 3 has 1 fields, the header 2/);
    // A labels file with no label at all is refused, whatever its form.
    await rejectsInput(
      readLabelsFile(await write('none.csv', 'id,label\n1,\n2,\n')),
      join(temp.dir, 'none.csv'),
      /holds no labels/,
    );
  });

  it('refuses a blank line among the labels, a missing file and an empty file', async () => {
    const gap = await write('gap.txt', 'cat\n\ndog\n');
    await rejectsInput(readLabelsFile(gap), gap, /line 2 is empty: a plain list needs one label per line/);
    const missing = join(temp.dir, 'nope.txt');
    await rejectsInput(readLabelsFile(missing), missing, /^does not exist$/);
    const empty = await write('empty.txt', '\n');
    await rejectsInput(readLabelsFile(empty), empty, /holds no labels/);
  });
});
