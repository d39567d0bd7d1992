/**
 * Reading a kNN graph built elsewhere (src/data/knnGraphFile.ts): every form
 * scikit-learn/SciPy wrote in test/fixtures/knn (scripts/make-knn-fixtures.py)
 * gives the same neighbour lists as scikit-learn's exact search, and every
 * malformed graph is an InputError naming the file and the problem.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { neighboursForRows, readKnnGraph } from '../../../src/data/knnGraphFile';
import { npyToFloat32, readNpy } from '../../../src/data/npy';
import type { DenseMatrix } from '../../../src/core/types';
import { FIXTURES, FMNIST, makeTempDir, npyBytes, rejectsInput } from './helpers';

const KNN = join(FIXTURES, 'knn');
const K = 10;

async function features(): Promise<DenseMatrix> {
  const array = await readNpy(join(FMNIST, 'npy', 'features.npy'));
  return { rows: array.shape[0], dim: array.shape[1], data: npyToFloat32(array) };
}

/** sklearn's lists from the E × 3 edge file, read here with the NPY spec alone (float64 triples). */
async function sklearnLists(): Promise<number[][]> {
  const bytes = await readNpy(join(KNN, 'features-edges.npy'));
  const values = new Float64Array(bytes.data.buffer, bytes.data.byteOffset, bytes.data.byteLength / 8);
  const lists: number[][] = Array.from({ length: 200 }, () => []);
  for (let e = 0; e < values.length / 3; e++) lists[values[e * 3]].push(values[e * 3 + 1]);
  return lists;
}

const int32 = (values: number[]) => new Uint8Array(Int32Array.from(values).buffer);
const float64 = (values: number[]) => new Uint8Array(Float64Array.from(values).buffer);
const identity = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('data/knnGraphFile', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  before(async () => ({ dir, cleanup } = await makeTempDir()));
  after(() => cleanup());

  for (const form of [
    'features-csr.npz',
    'features-coo.npz',
    'features-faiss.npz',
    'features-edges.npy',
    'features-csr',
  ]) {
    it(`reads ${form} as scikit-learn's exact 10 nearest neighbours`, async () => {
      const points = await features();
      const lists = await readKnnGraph(join(KNN, form), 200, 'features.npy');
      const knn = neighboursForRows(lists, points, identity(200), K);
      const expected = await sklearnLists();
      for (let row = 0; row < 200; row++) {
        const found = Array.from(knn.indices.subarray(row * K, (row + 1) * K));
        assert.deepEqual(found, expected[row], `row ${row}`);
        // Distances are measured on the points, ascending, and agree with sklearn's Euclidean ones.
        for (let j = 1; j < K; j++) assert.ok(knn.distances[row * K + j] >= knn.distances[row * K + j - 1]);
      }
    });
  }

  it('keeps the k nearest listed when a row lists more, and maps rows through the samples that were read', async () => {
    const points = { rows: 3, dim: 1, data: Float32Array.from([0, 10, 3]) };
    // Samples 0..3; sample 1 could not be read, so rows are samples 0, 2, 3.
    const file = join(dir, 'four.npy');
    const edges = [0, 1, 0, 2, 0, 3, 2, 0, 2, 3, 2, 1, 3, 0, 3, 2, 3, 3];
    await writeFile(file, npyBytes('<i4', [9, 2], int32(edges)));
    const lists = await readKnnGraph(file, 4, 'data');
    const knn = neighboursForRows(lists, points, Int32Array.from([0, 2, 3]), 1);
    // Sample 0's listed neighbours that were read: 2 (row 1, distance 10) and 3 (row 2, distance 3).
    assert.deepEqual(Array.from(knn.indices), [1, 0, 0]);
    assert.deepEqual(Array.from(knn.distances), [10, 10, 3]);
  });

  describe('bad graphs', () => {
    const write = async (name: string, descr: string, shape: number[], data: Uint8Array) => {
      const file = join(dir, name);
      await writeFile(file, npyBytes(descr, shape, data));
      return file;
    };

    it('a graph on another number of samples', async () => {
      const file = join(dir, 'wrong-n');
      await import('node:fs/promises').then((fs) => fs.mkdir(file));
      await writeFile(join(file, 'indptr.npy'), npyBytes('<i4', [4], int32([0, 1, 2, 3])));
      await writeFile(join(file, 'indices.npy'), npyBytes('<i4', [3], int32([1, 2, 0])));
      await rejectsInput(
        readKnnGraph(file, 200, 'features.npy'),
        file,
        /graph on 3 samples, but features\.npy has 200/,
      );
    });

    it('a negative index (FAISS marks a missing neighbour with −1)', async () => {
      const file = await write('negative.npy', '<i4', [2, 2], int32([0, 1, 1, -1]));
      await rejectsInput(readKnnGraph(file, 2, 'data'), file, /edge 1 ends at the negative index -1/);
    });

    it('an index outside the data', async () => {
      const file = await write('outside.npy', '<f8', [1, 3], float64([0, 7, 0.5]));
      await rejectsInput(
        readKnnGraph(file, 5, 'data.npy'),
        file,
        /index 7, outside 0\.\.4 \(data\.npy has 5 samples\)/,
      );
    });

    it('fractional indices, a wrong shape, a non-finite distance', async () => {
      const fractional = await write('fractional.npy', '<f8', [1, 2], float64([0, 1.5]));
      await rejectsInput(readKnnGraph(fractional, 3, 'data'), fractional, /not whole numbers/);
      const wide = await write('wide.npy', '<i4', [1, 4], int32([0, 1, 2, 3]));
      await rejectsInput(readKnnGraph(wide, 4, 'data'), wide, /E × 2 .* or E × 3/);
      const nan = await write('nan.npy', '<f8', [1, 3], float64([0, 1, NaN]));
      await rejectsInput(readKnnGraph(nan, 2, 'data'), nan, /non-finite distance/);
    });

    it('offsets that do not cover the neighbours', async () => {
      const file = join(dir, 'offsets');
      await import('node:fs/promises').then((fs) => fs.mkdir(file));
      await writeFile(join(file, 'indptr.npy'), npyBytes('<i4', [3], int32([0, 2, 1])));
      await writeFile(join(file, 'indices.npy'), npyBytes('<i4', [1], int32([1])));
      await rejectsInput(readKnnGraph(file, 2, 'data'), file, /decrease at row 1/);
    });

    it('too few neighbours for k', async () => {
      const file = await write('short.npy', '<i4', [3, 2], int32([0, 1, 1, 0, 1, 1]));
      const lists = await readKnnGraph(file, 2, 'data');
      const points = { rows: 2, dim: 1, data: Float32Array.from([0, 1]) };
      assert.throws(
        () => neighboursForRows(lists, points, identity(2), 2),
        (error: Error & { file?: string }) =>
          error.file === file && /1 usable neighbours for sample 0 .*fewer than k = 2/.test(error.message),
      );
    });

    it('a file that is missing, unreadable or of another kind', async () => {
      const missing = join(dir, 'missing.npz');
      await rejectsInput(readKnnGraph(missing, 2, 'data'), missing, /does not exist/);
      const garbage = join(dir, 'garbage.npz');
      await writeFile(garbage, 'not a zip archive at all');
      await rejectsInput(readKnnGraph(garbage, 2, 'data'), garbage, /not a readable \.npz archive/);
      const text = join(dir, 'graph.csv');
      await writeFile(text, '0,1\n');
      await rejectsInput(readKnnGraph(text, 2, 'data'), text, /not a graph file/);
    });
  });
});
