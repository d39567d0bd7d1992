/**
 * The onnxruntime kNN and Gram backends against the pure-TypeScript references
 * in core/ (which are themselves tested against brute force and by hand).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { exactKnn } from '../../../src/core/knn';
import { gramReference } from '../../../src/core/pca';
import type { DenseMatrix, KnnResult } from '../../../src/core/types';
import { ortGram, ortKnn } from '../../../src/model';
import { seededNormal } from '../../../src/core/random';
import { FMNIST, readFloat32 } from './helpers';

function randomMatrix(rows: number, dim: number, seed: number, offset = 0): DenseMatrix {
  const normal = seededNormal(seed);
  return { rows, dim, data: Float32Array.from({ length: rows * dim }, () => normal() + offset) };
}

/**
 * Same neighbour lists as the reference, except where two candidates are tied
 * within float32 rounding (then either order is right); distances within 1e-5 relative.
 */
function assertSameNeighbours(actual: KnnResult, expected: KnnResult): void {
  assert.deepEqual([actual.n, actual.k], [expected.n, expected.k]);
  let differing = 0;
  for (let t = 0; t < expected.indices.length; t++) {
    const scale = Math.max(1e-6, expected.distances[t]);
    assert.ok(Math.abs(actual.distances[t] - expected.distances[t]) / scale < 1e-5, `distance ${t}`);
    if (actual.indices[t] !== expected.indices[t]) differing++;
  }
  // Ties within rounding are rare in continuous data: at most a handful of swaps.
  assert.ok(differing <= expected.indices.length * 1e-3, `${differing} neighbour indices differ`);
}

describe('model/ortKnn (onnxruntime MatMul + TopK) vs core exactKnn', () => {
  it('finds the same neighbours on random data far from the origin', async () => {
    // The offset makes ‖x‖² large: without centring, float32 cancellation would reorder neighbours.
    const points = randomMatrix(700, 24, 7, 50);
    assertSameNeighbours(await ortKnn(points, 10), await exactKnn(points, 10));
  });

  it('finds the same neighbours on the fixture CNN embeddings', async () => {
    const features = await readFloat32(join(FMNIST, 'npy', 'features.npy'));
    const points = { rows: features.shape[0], dim: features.shape[1], data: features.data };
    assertSameNeighbours(await ortKnn(points, 20), await exactKnn(points, 20));
  });

  it('excludes the point itself but keeps its exact duplicates', async () => {
    const data = Float32Array.from([0, 0, 0, 0, 1, 0, 5, 5, 0, 0]);
    const result = await ortKnn({ rows: 5, dim: 2, data }, 2);
    // Rows 0, 1 and 4 are the same point: each one's neighbours are the other two, at distance 0.
    assert.deepEqual([...result.indices.subarray(0, 2)], [1, 4]);
    assert.deepEqual([...result.indices.subarray(2, 4)], [0, 4]);
    assert.deepEqual([...result.distances.subarray(0, 2)], [0, 0]);
    assert.deepEqual([...result.indices.subarray(4, 6)], [0, 1]);
  });

  it('rejects k ≥ n and non-finite values like the reference', async () => {
    await assert.rejects(ortKnn(randomMatrix(5, 2, 1), 5), { name: 'InputError' });
    await assert.rejects(ortKnn({ rows: 3, dim: 1, data: Float32Array.from([0, NaN, 1]) }, 1), {
      name: 'InputError',
    });
  });

  it('reports progress up to n and stops when cancelled', async () => {
    const points = randomMatrix(300, 8, 3);
    const seen: number[] = [];
    await ortKnn(points, 5, { onProgress: (done, total) => seen.push(done / total) });
    assert.equal(seen.at(-1), 1);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(ortKnn(points, 5, { signal: controller.signal }), { name: 'CancelledError' });
  });
});

describe('model/ortGram (onnxruntime Gemm) vs core gramReference', () => {
  it('computes XᵀX within float32 accuracy, over several row blocks', async () => {
    const x = randomMatrix(9000, 40, 11);
    const [fast, reference] = await Promise.all([ortGram(x), gramReference(x)]);
    let worst = 0;
    for (let t = 0; t < reference.length; t++) {
      // Relative to the diagonal scale (≈ rows), the natural size of every entry's rounding.
      worst = Math.max(worst, Math.abs(fast[t] - reference[t]) / 9000);
    }
    assert.ok(worst < 1e-5, `worst relative error ${worst}`);
  });
});
