import assert from 'node:assert/strict';
import { medianHeuristicGamma, rbf, squaredDistance } from '../../../../src/core/prototypes';
import type { DenseMatrix } from '../../../../src/core/types';

const matrix = (rows: number[][]): DenseMatrix => ({
  rows: rows.length,
  dim: rows[0].length,
  data: Float32Array.from(rows.flat()),
});

describe('core/prototypes kernel', () => {
  it('computes squared distances and the RBF kernel by hand', () => {
    const points = matrix([
      [0, 0],
      [3, 4],
    ]);
    assert.equal(squaredDistance(points, 0, 1), 25);
    assert.equal(rbf(points, 0, 1, 0.1), Math.exp(-2.5));
    assert.equal(rbf(points, 1, 1, 0.1), 1);
  });

  it('takes γ = scale / median squared distance over every pair', () => {
    // Points 0, 1, 3 on a line: squared distances 1, 9, 4 → median 4.
    const points = matrix([[0], [1], [3]]);
    assert.equal(medianHeuristicGamma(points), 1 / 4);
    assert.equal(medianHeuristicGamma(points, { scale: 4 }), 1);
    // Four points 0, 1, 2, 4: pairs 1, 4, 16, 1, 9, 4 → sorted 1 1 4 4 9 16 → median (4 + 4) / 2.
    assert.equal(medianHeuristicGamma(matrix([[0], [1], [2], [4]])), 1 / 4);
  });

  it('leaves duplicate pairs out, and returns the scale when every point is the same', () => {
    // 0, 0, 0, 2: pairs 0, 0, 4, 0, 4, 4 → positive ones 4, 4, 4.
    assert.equal(medianHeuristicGamma(matrix([[0], [0], [0], [2]])), 1 / 4);
    assert.equal(medianHeuristicGamma(matrix([[5], [5], [5]]), { scale: 2 }), 2);
  });

  it('samples pairs with a seed above maxPairs, the same on every call', () => {
    const rows = Array.from({ length: 200 }, (_, i) => [i % 17, Math.floor(i / 17)]);
    const a = medianHeuristicGamma(matrix(rows), { maxPairs: 500, seed: 3 });
    const b = medianHeuristicGamma(matrix(rows), { maxPairs: 500, seed: 3 });
    assert.equal(a, b);
    // A sampled median stays near the exact one (19,900 pairs).
    const exact = medianHeuristicGamma(matrix(rows), { maxPairs: 20_000 });
    assert.ok(Math.abs(a / exact - 1) < 0.25, `sampled γ ${a} vs exact ${exact}`);
  });
});
