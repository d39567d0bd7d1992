/**
 * ScanResult.map: the first two principal components of the points, by
 * dataset index. Checked against a PCA computed here by other means (power
 * iteration with deflation on a covariance summed in float64), on points with
 * a known principal plane, signs ignored (a component's sign is arbitrary).
 * Also: samples without a point, one-feature points, and the time at 60,000 × 64.
 */
import assert from 'node:assert/strict';
import { seededUniform } from '../../../src/core/random';
import type { DenseMatrix } from '../../../src/core/types';
import { sampleMap } from '../../../src/engine/sampleMap';
import { ortGram } from '../../../src/model';
import { pcaProjection, referenceAxes } from '../../support/pcaReference';

/** Gaussian via Box–Muller on a seeded uniform stream. */
function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Points in `dim` dimensions spread most along two known orthonormal directions. */
function planarCloud(
  rows: number,
  dim: number,
  seed: number,
): { points: DenseMatrix; u: number[]; w: number[] } {
  const random = seededUniform(seed);
  const u = Array.from({ length: dim }, (_, i) => (i === 0 ? 3 / 5 : i === 1 ? 4 / 5 : 0));
  const w = Array.from({ length: dim }, (_, i) => (i === 2 ? 1 : 0));
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const a = 10 * gaussian(random);
    const b = 4 * gaussian(random);
    for (let c = 0; c < dim; c++) data[r * dim + c] = 5 + a * u[c] + b * w[c] + 0.1 * gaussian(random);
  }
  return { points: { rows, dim, data }, u, w };
}

/** Correlation-free check: |Σ x·e| / (‖x‖‖e‖) close to 1 means equal up to sign. */
function absoluteCosine(a: number[], b: number[]): number {
  const dot = a.reduce((sum, value, i) => sum + value * b[i], 0);
  return Math.abs(dot) / (Math.hypot(...a) * Math.hypot(...b));
}

describe('engine/sampleMap: the 2-D PCA map', () => {
  it('places every sample on the two principal components, as an independent PCA does', async () => {
    const { points, u, w } = planarCloud(400, 6, 7);
    const keptIndices = Int32Array.from({ length: 400 }, (_, i) => i);
    const map = (await sampleMap({ points, keptIndices }, 400))!;
    assert.equal(map.method, 'pca');
    const { mean, axes } = referenceAxes(points);
    // The reference found the plane the points were drawn on.
    assert.ok(absoluteCosine(axes[0], u) > 0.999, 'first axis is u');
    assert.ok(absoluteCosine(axes[1], w) > 0.999, 'second axis is w');
    for (const [coordinates, axis] of [
      [map.x, axes[0]],
      [map.y, axes[1]],
    ] as const) {
      const expected = Array.from({ length: 400 }, (_, row) => pcaProjection(points, row, mean, axis));
      const sign = Math.sign(coordinates[0] * expected[0]);
      for (let row = 0; row < 400; row++) {
        assert.ok(
          Math.abs(coordinates[row] - sign * expected[row]) < 1e-3 * (1 + Math.abs(expected[row])),
          `row ${row}: ${coordinates[row]} vs ${sign * expected[row]}`,
        );
      }
    }
  });

  it('puts coordinates at dataset indices and NaN where a sample has no point', async () => {
    const { points } = planarCloud(50, 4, 11);
    // Dataset of 53 samples; samples 0, 20 and 52 could not be read.
    const keptIndices = Int32Array.from({ length: 50 }, (_, row) => (row < 19 ? row + 1 : row + 2));
    const map = (await sampleMap({ points, keptIndices }, 53))!;
    assert.equal(map.x.length, 53);
    for (const missing of [0, 20, 52])
      assert.ok(Number.isNaN(map.x[missing]) && Number.isNaN(map.y[missing]));
    const whole = (await sampleMap(
      { points, keptIndices: Int32Array.from({ length: 50 }, (_, i) => i) },
      50,
    ))!;
    for (let row = 0; row < 50; row++) {
      assert.equal(map.x[keptIndices[row]], whole.x[row]);
      assert.equal(map.y[keptIndices[row]], whole.y[row]);
    }
  });

  it('gives one-feature points y = 0 and x = the centred value (up to sign), and no map for one point', async () => {
    const values = [3, -1, 4, 1, -5, 9];
    const points = { rows: 6, dim: 1, data: Float32Array.from(values) };
    const map = (await sampleMap({ points, keptIndices: Int32Array.from([0, 1, 2, 3, 4, 5]) }, 6))!;
    const mean = values.reduce((a, b) => a + b) / values.length;
    const sign = Math.sign(map.x[0] / (values[0] - mean));
    // Coordinates keep 5 significant digits.
    values.forEach((value, i) => assert.ok(Math.abs(map.x[i] - sign * (value - mean)) < 1e-4, `${map.x[i]}`));
    assert.deepEqual(map.y, [0, 0, 0, 0, 0, 0]);
    const single = { rows: 1, dim: 3, data: Float32Array.from([1, 2, 3]) };
    assert.equal(await sampleMap({ points: single, keptIndices: Int32Array.from([0]) }, 1), undefined);
  });

  it('maps 60,000 × 64 points in about a second or less (time printed)', async function () {
    const rows = 60_000;
    const dim = 64;
    const random = seededUniform(3);
    const data = new Float32Array(rows * dim);
    for (let t = 0; t < data.length; t++) data[t] = gaussian(random) * (1 + (t % dim) / 8);
    const input = {
      points: { rows, dim, data },
      keptIndices: Int32Array.from({ length: rows }, (_, i) => i),
    };
    const times: Record<string, number[]> = { onnxruntime: [], reference: [] };
    let size = 0;
    for (let run = 0; run < 3; run++) {
      for (const [name, gram] of [
        ['onnxruntime', ortGram],
        ['reference', undefined],
      ] as const) {
        const started = performance.now();
        const map = await sampleMap(input, rows, gram ? { gram } : {});
        times[name].push(Math.round(performance.now() - started));
        size = JSON.stringify(map).length;
      }
    }
    console.log(
      `      60,000 × 64 map (ms, 3 runs): ${JSON.stringify(times)}, ${(size / 1e6).toFixed(2)} MB of JSON`,
    );
    // Generous against a shared 2-core machine; the scan uses onnxruntime's Gram product.
    assert.ok(Math.min(...times.onnxruntime) < 3000, `${times.onnxruntime}`);
    assert.ok(size < 1.5e6, `${size} bytes`);
  });
});
