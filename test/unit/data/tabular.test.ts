import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDataset } from '../../../src/data/open';
import { makeTempDir, rejectsInput } from './helpers';

describe('data/tabular: numeric tables', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => (temp = await makeTempDir()));
  after(() => temp.cleanup());

  const write = async (name: string, text: string) => {
    const file = join(temp.dir, name);
    await writeFile(file, text);
    return file;
  };

  it('uses every numeric column but the label as features, in row order', async () => {
    const file = await write(
      'iris.csv',
      'name,sepal,petal,label\na,5.1,1.4e0,setosa\nb,-4.9,.2,versicolor\nc,+6,3.,setosa\n',
    );
    const dataset = await openDataset(file);
    assert.equal(dataset.kind, 'tabular');
    assert.deepEqual(dataset.labels, ['setosa', 'versicolor', 'setosa']);
    assert.deepEqual(
      dataset.samples.map((sample) => sample.id),
      ['#0', '#1', '#2'],
    );
    // `name` holds no numbers, so it is not a feature.
    assert.equal(dataset.features!.dim, 2);
    assert.deepEqual([...dataset.features!.data], [5.1, 1.4, -4.9, 0.2, 6, 3].map(Math.fround));
  });

  it('reads TSV and JSONL tables, and the columns named by --features and --label-column', async () => {
    const tsv = await openDataset(await write('t.tsv', 'x\ty\tkind\n1\t2\tp\n3\t4\tq\n'), {
      labelColumn: 'kind',
      featureColumns: ['y'],
    });
    assert.deepEqual([...tsv.features!.data], [2, 4]);
    assert.deepEqual(tsv.labels, ['p', 'q']);
    const jsonl = await openDataset(
      await write('t.jsonl', '{"x": 1, "y": 2.5, "class": "p"}\n\n{"x": 3, "y": 4, "class": "q"}\n'),
    );
    assert.deepEqual([...jsonl.features!.data], [1, 2.5, 3, 4]);
    assert.deepEqual(jsonl.labels, ['p', 'q']);
  });

  it('refuses a non-numeric or empty cell, naming the row and the column', async () => {
    const file = await write('bad.csv', 'a,b,label\n1,2,x\n3,oops,y\n5,6,z\n');
    await rejectsInput(
      openDataset(file),
      file,
      /^row 2 \(line 3\), column "b" holds "oops", which is not a number$/,
    );
    const empty = await write('empty-cell.csv', 'a,b,label\n1,2,x\n3,,y\n5,6,z\n');
    await rejectsInput(openDataset(empty), empty, /^row 2 \(line 3\), column "b" is empty$/);
  });

  it('refuses a table without numeric columns, a ragged CSV and a bad JSONL line', async () => {
    const words = await write('words.csv', 'a,b\nx,y\n');
    await rejectsInput(
      openDataset(words),
      words,
      /has no numeric feature columns \(its columns are: "a", "b"\)/,
    );
    const ragged = await write('ragged.csv', 'a,b\n1,2\n3,4,5\n');
    await rejectsInput(openDataset(ragged), ragged, /is not valid CSV: .*line 3/);
    const jsonl = await write('broken.jsonl', '{"a": 1}\n{"a": \n');
    await rejectsInput(openDataset(jsonl), jsonl, /line 2 is not valid JSON/);
    const empty = await write('empty.csv', '');
    await rejectsInput(openDataset(empty), empty, /is empty/);
  });
});
