import assert from 'node:assert/strict';
import { EXACT_KERNEL_SUMS_LIMIT, kernelRowSums } from '../../../../src/core/prototypes';
import type { DenseMatrix } from '../../../../src/core/types';
import { seededNormal } from '../../../../src/core/random';

function gaussianPoints(rows: number, dim: number, seed: number): DenseMatrix {
  const normal = seededNormal(seed);
  return { rows, dim, data: Float32Array.from({ length: rows * dim }, normal) };
}

/** Σ_b exp(−γ‖x_a − x_b‖²) over every b, self included, straight from the definition. */
function bruteRowSums(points: DenseMatrix, gamma: number): number[] {
  const { rows, dim, data } = points;
  return Array.from({ length: rows }, (_, a) => {
    let sum = 0;
    for (let b = 0; b < rows; b++) {
      let d2 = 0;
      for (let c = 0; c < dim; c++) d2 += (data[a * dim + c] - data[b * dim + c]) ** 2;
      sum += Math.exp(-gamma * d2);
    }
    return sum;
  });
}

describe('core/prototypes kernelRowSums', () => {
  it('exact sums equal the definition', async () => {
    const points = gaussianPoints(70, 5, 1);
    const { rowSums, method } = await kernelRowSums(points, 0.1);
    assert.equal(method, 'exact');
    const expected = bruteRowSums(points, 0.1);
    rowSums.forEach((value, a) => assert.ok(Math.abs(value - expected[a]) < 1e-9 * expected[a]));
  });

  it('counts duplicates as kernel value 1', async () => {
    const points: DenseMatrix = { rows: 3, dim: 1, data: Float32Array.from([2, 2, 2]) };
    assert.deepEqual(Array.from((await kernelRowSums(points, 5)).rowSums), [3, 3, 3]);
  });

  it('random Fourier features estimate the mean kernel within a few 1/√D', async () => {
    // Each kernel value k(a, b) is estimated by (1/D) Σ_t cos(ω_t·δ), δ = x_a − x_b, a mean of D
    // independent terms of variance (1 + k(2δ))/2 − k(δ)² = (1 + k⁴)/2 − k² ≤ 1/2 (Gaussian
    // kernel), so its error has sd ≤ 1/√(2D); by Minkowski so does the row mean r(a)/n.
    // With D = 4,096: sd ≤ 0.011; we allow 4 sd.
    const points = gaussianPoints(300, 8, 2);
    const gamma = 0.05;
    const exact = bruteRowSums(points, gamma);
    const { rowSums, method } = await kernelRowSums(points, gamma, {
      method: 'random-features',
      frequencies: 4096,
      seed: 7,
    });
    assert.equal(method, 'random-features');
    let worst = 0;
    rowSums.forEach((value, a) => (worst = Math.max(worst, Math.abs(value - exact[a]) / points.rows)));
    assert.ok(worst < 4 / Math.sqrt(2 * 4096), `largest error of the mean kernel: ${worst}`);
  });

  it('chooses exact sums up to the limit and random features above it', async () => {
    assert.equal((await kernelRowSums(gaussianPoints(10, 2, 3), 1)).method, 'exact');
    const large = gaussianPoints(EXACT_KERNEL_SUMS_LIMIT + 1, 1, 4);
    assert.equal((await kernelRowSums(large, 1, { frequencies: 4 })).method, 'random-features');
  });
});
