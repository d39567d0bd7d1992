/**
 * Standardising a table's features against scikit-learn's StandardScaler
 * (outputs committed by scripts/make-tabular-fixtures.py) and by hand, and
 * reading a table's columns by name (what a vector model's input.features does).
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDataset } from '../../../src/data/open';
import { standardizeColumns } from '../../../src/data/tabular';
import { maxAbsDifference, readFloat32 } from '../model/helpers';
import { FIXTURES, makeTempDir, rejectsInput } from './helpers';

const TABULAR = join(FIXTURES, 'tabular');
const SCALER = join(TABULAR, 'standard-scaler');

describe('data/tabular: standardised features', () => {
  it('standardises by hand: (x − mean) / population sd, per column', () => {
    // Column 0: mean 2, population sd 1 (the sample sd would be √2). Column 1: mean 20, sd 10.
    const { matrix, constantColumns } = standardizeColumns({
      rows: 2,
      dim: 2,
      data: Float32Array.of(1, 10, 3, 30),
    });
    assert.deepEqual([...matrix.data], [-1, -1, 1, 1]);
    assert.deepEqual(constantColumns, []);
  });

  it("equals scikit-learn's StandardScaler on the wine table within 1e-5", async () => {
    const dataset = await openDataset(join(TABULAR, 'wine.csv'));
    const expected = await readFloat32(join(SCALER, 'wine.npy'));
    assert.deepEqual(expected.shape, [178, 13]);
    const { matrix, constantColumns } = standardizeColumns(dataset.features!);
    assert.deepEqual([matrix.rows, matrix.dim], [178, 13]);
    assert.ok(maxAbsDifference(matrix.data, expected.data) < 1e-5);
    assert.deepEqual(constantColumns, []);
  });

  it('leaves a constant column at 0 and says which, as StandardScaler does; an almost constant one still scales to ±1', async () => {
    const dataset = await openDataset(join(SCALER, 'constant-column.csv'));
    assert.deepEqual(dataset.columns?.features, ['alcohol', 'malic_acid', 'ash', 'constant', 'tiny']);
    const expected = await readFloat32(join(SCALER, 'constant-column.npy'));
    const { matrix, constantColumns } = standardizeColumns(dataset.features!);
    assert.ok(maxAbsDifference(matrix.data, expected.data) < 1e-5);
    assert.deepEqual(constantColumns, [3]);
    for (let r = 0; r < matrix.rows; r++) {
      assert.equal(matrix.data[r * 5 + 3], 0);
      // 5 and 5.001 alternate: each is one population sd from the mean.
      assert.ok(Math.abs(Math.abs(matrix.data[r * 5 + 4]) - 1) < 1e-3);
    }
  });

  describe('table columns by name', () => {
    let temp: Awaited<ReturnType<typeof makeTempDir>>;
    before(async () => (temp = await makeTempDir()));
    after(() => temp.cleanup());

    it('lists every column, the feature columns and the label, and reads any numeric columns in the order asked', async () => {
      const file = join(temp.dir, 't.csv');
      await writeFile(file, 'id,a,b,label,c\nx,1,2,p,3\ny,4,5,q,6\n');
      const dataset = await openDataset(file);
      const columns = dataset.columns!;
      assert.deepEqual(columns.all, ['id', 'a', 'b', 'label', 'c']);
      assert.deepEqual(columns.features, ['a', 'b', 'c']);
      assert.equal(columns.label, 'label');
      const picked = columns.select(['c', 'a']);
      assert.deepEqual([picked.rows, picked.dim, ...picked.data], [2, 2, 3, 1, 6, 4]);
      await rejectsInput(
        Promise.resolve().then(() => columns.select(['id'])),
        file,
        /^row 1 \(line 2\), column "id" holds "x", which is not a number$/,
      );
    });
  });
});
