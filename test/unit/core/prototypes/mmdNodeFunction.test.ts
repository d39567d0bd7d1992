import assert from 'node:assert/strict';
import { exactKnn } from '../../../../src/core/knn';
import { kernelRowSums, mmdNodeFunction } from '../../../../src/core/prototypes';
import type { DenseMatrix, KnnResult } from '../../../../src/core/types';
import { seededNormal } from '../../../../src/core/random';

function gaussianPoints(rows: number, dim: number, seed: number): DenseMatrix {
  const normal = seededNormal(seed);
  return { rows, dim, data: Float32Array.from({ length: rows * dim }, normal) };
}

function kernel(points: DenseMatrix, a: number, b: number, gamma: number): number {
  let d2 = 0;
  for (let c = 0; c < points.dim; c++)
    d2 += (points.data[a * points.dim + c] - points.data[b * points.dim + c]) ** 2;
  return Math.exp(-gamma * d2);
}

/** The textbook (biased) MMD between the empirical distributions of two lists of rows. */
function naiveMmd(points: DenseMatrix, p: number[], q: number[], gamma: number): number {
  const mean = (a: number[], b: number[]) => {
    let sum = 0;
    for (const i of a) for (const j of b) sum += kernel(points, i, j, gamma);
    return sum / (a.length * b.length);
  };
  return Math.sqrt(Math.max(mean(p, p) - 2 * mean(p, q) + mean(q, q), 0));
}

/** f(i) = MMD(X̄ᵢ, X̄ᵢ ∪ {xᵢ}), X̄ᵢ = every row but i and its kNN, from the definition: O(n²) per node. */
function naiveNodeFunction(points: DenseMatrix, knn: KnnResult, gamma: number): number[] {
  return Array.from({ length: points.rows }, (_, i) => {
    const removed = new Set([i, ...knn.indices.subarray(i * knn.k, (i + 1) * knn.k)]);
    const rest = Array.from({ length: points.rows }, (_, row) => row).filter((row) => !removed.has(row));
    return rest.length === 0 ? 0 : naiveMmd(points, rest, [...rest, i], gamma);
  });
}

async function incremental(points: DenseMatrix, k: number, gamma: number) {
  const knn = await exactKnn(points, k);
  const { rowSums } = await kernelRowSums(points, gamma, { method: 'exact' });
  return { knn, f: await mmdNodeFunction(points, knn, gamma, rowSums) };
}

describe('core/prototypes mmdNodeFunction', () => {
  it('equals the naive MMD formula on small random data', async () => {
    const points = gaussianPoints(40, 3, 11);
    const gamma = 0.3;
    const { knn, f } = await incremental(points, 5, gamma);
    const expected = naiveNodeFunction(points, knn, gamma);
    f.forEach((value, i) =>
      assert.ok(Math.abs(value - expected[i]) < 1e-12, `node ${i}: ${value} vs ${expected[i]}`),
    );
    // Not a constant: an outlier must stand out.
    assert.ok(Math.max(...f) > 1.5 * Math.min(...f));
  });

  it('equals the naive formula with duplicate points (zero distances)', async () => {
    const base = gaussianPoints(12, 2, 5);
    const data = new Float32Array(24 * 2);
    data.set(base.data);
    data.set(base.data, 24); // every point twice
    const points = { rows: 24, dim: 2, data };
    const { knn, f } = await incremental(points, 3, 0.5);
    const expected = naiveNodeFunction(points, knn, 0.5);
    f.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-12));
    assert.ok(f.every(Number.isFinite));
  });

  it('is 0 when a node and its neighbours are the whole set', async () => {
    const points = gaussianPoints(3, 2, 9);
    const { f } = await incremental(points, 2, 1);
    assert.deepEqual(Array.from(f), [0, 0, 0]);
  });

  it('is larger for an isolated point than for a point in a cluster (by hand)', async () => {
    // A cluster of 8 points near 0 and one point at 10: with k = 1 the far point's removal
    // set is itself and a cluster point, and nothing left resembles it.
    const rows = [0, 0.1, -0.1, 0.2, -0.2, 0.05, -0.05, 0.15, 10];
    const points = { rows: rows.length, dim: 1, data: Float32Array.from(rows) };
    const { f } = await incremental(points, 1, 1);
    assert.equal(f.indexOf(Math.max(...f)), 8);
  });
});
