import assert from 'node:assert/strict';
import {
  BANDWIDTH_FACTORS,
  classKernelDensity,
  EXACT_CONSTANT_ROWS,
  medianDistance,
  mmdGlobal,
  selectBandwidth,
} from '../../../../src/core/adversarial/kernelDensity';
import type { DenseMatrix } from '../../../../src/core/types';
import { seededNormal } from '../../../../src/core/random';

const k = (x: number[], y: number[], sigma: number) =>
  Math.exp(-x.reduce((s, v, d) => s + (v - y[d]) ** 2, 0) / (2 * sigma * sigma));
const row = (m: DenseMatrix, i: number) => Array.from(m.data.subarray(i * m.dim, (i + 1) * m.dim));

function random(rows: number, dim: number, seed: number): DenseMatrix {
  const normal = seededNormal(seed);
  return { rows, dim, data: Float32Array.from({ length: rows * dim }, () => normal()) };
}

describe('core/adversarial/kernelDensity', () => {
  const reference = random(24, 3, 11);
  const classes = Array.from({ length: 24 }, (_, i) => i % 3);
  const query = random(5, 3, 12);

  it('class KDE equals −log((1/n_c) Σ_{j in class} exp(−‖x − r_j‖²/(2σ²)))', async () => {
    const queryClass = [0, 1, 2, 1, 0];
    const ours = await classKernelDensity(query, queryClass, reference, classes, 0.8);
    for (let i = 0; i < query.rows; i++) {
      const members = classes.flatMap((c, j) => (c === queryClass[i] ? [j] : []));
      const density =
        members.reduce((s, j) => s + k(row(query, i), row(reference, j), 0.8), 0) / members.length;
      assert.ok(Math.abs(ours[i] + Math.log(density)) < 1e-9, `query ${i}`);
    }
  });

  it('a class without reference samples falls back to the whole reference; far samples stay finite', async () => {
    const far: DenseMatrix = { rows: 1, dim: 3, data: Float32Array.from([1e3, 1e3, 1e3]) };
    const [missing] = await classKernelDensity(query, [9], reference, classes, 0.8).then((s) => [s[0]]);
    const everyone =
      Array.from({ length: 24 }, (_, j) => j).reduce(
        (s, j) => s + k(row(query, 0), row(reference, j), 0.8),
        0,
      ) / 24;
    assert.ok(Math.abs(missing + Math.log(everyone)) < 1e-9);
    const [distant] = await classKernelDensity(far, [0], reference, classes, 0.8);
    assert.ok(Number.isFinite(distant) && distant > 1e5);
  });

  it('duplicates (distance 0) give a kernel of 1, not a division by zero', async () => {
    const dupes: DenseMatrix = { rows: 3, dim: 2, data: Float32Array.from([1, 1, 1, 1, 1, 1]) };
    const [score] = await classKernelDensity(
      { rows: 1, dim: 2, data: Float32Array.from([1, 1]) },
      [0],
      dupes,
      [0, 0, 0],
      0.5,
    );
    assert.equal(score, -0);
    assert.equal(medianDistance(dupes), 1, 'no positive distance: the heuristic falls back to 1');
  });

  it('MMD-global equals the biased MMD² between R and R ∪ {x} from their Gram matrices', async () => {
    const sigma = 1.3;
    const ours = await mmdGlobal(query, reference, sigma);
    const n = reference.rows;
    const r = Array.from({ length: n }, (_, j) => row(reference, j));
    for (let i = 0; i < query.rows; i++) {
      const y = [...r, row(query, i)];
      let kxx = 0;
      for (const a of r) for (const b of r) kxx += k(a, b, sigma);
      let kyy = 0;
      for (const a of y) for (const b of y) kyy += k(a, b, sigma);
      let kxy = 0;
      for (const a of r) for (const b of y) kxy += k(a, b, sigma);
      const mmd2 = kxx / (n * n) + kyy / ((n + 1) * (n + 1)) - (2 * kxy) / (n * (n + 1));
      assert.ok(Math.abs(ours[i] - mmd2) < 1e-12, `query ${i}: ${ours[i]} vs ${mmd2}`);
    }
  });

  it('past EXACT_CONSTANT_ROWS references the n² constant is estimated: the scores only shift, by the same amount', async () => {
    const big = random(EXACT_CONSTANT_ROWS + 50, 2, 13);
    const points = random(5, 2, 14);
    const sigma = 0.7;
    const n = big.rows;
    const ours = await mmdGlobal(points, big, sigma);
    // The exact mean kernel over all n² pairs (plain loops: 17M pairs).
    const d = big.data;
    let exactConstant = 0;
    for (let j = 0; j < n; j++) {
      for (let l = 0; l < n; l++) {
        const dx = d[2 * j] - d[2 * l];
        const dy = d[2 * j + 1] - d[2 * l + 1];
        exactConstant += Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
      }
    }
    exactConstant /= n * n;
    const shifts = Array.from(ours, (value, i) => {
      let cross = 0;
      for (let j = 0; j < n; j++) cross += k(row(points, i), row(big, j), sigma);
      return value - (1 - (2 * cross) / n + exactConstant) / ((n + 1) * (n + 1));
    });
    for (const shift of shifts) assert.ok(Math.abs(shift - shifts[0]) < 1e-15, `shifts ${shifts}`);
    assert.ok(Math.abs(shifts[0]) < 1e-3 / ((n + 1) * (n + 1)), `shift ${shifts[0]}`);
  });

  it('median distance by hand: points 0, 1, 3 on a line have distances 1, 2, 3', () => {
    assert.equal(medianDistance({ rows: 3, dim: 1, data: Float32Array.from([0, 1, 3]) }), 2);
  });

  it('selectBandwidth picks the candidate with the best leave-one-out log likelihood', () => {
    const median = medianDistance(reference);
    const candidates = BANDWIDTH_FACTORS.map((f) => f * median);
    const likelihood = (sigma: number) => {
      let total = 0;
      let count = 0;
      for (let i = 0; i < reference.rows; i++) {
        const others = classes.flatMap((c, j) => (c === classes[i] && j !== i ? [j] : []));
        const density =
          others.reduce((s, j) => s + k(row(reference, i), row(reference, j), sigma), 0) /
          others.length /
          (2 * Math.PI * sigma * sigma) ** (reference.dim / 2);
        total += Math.log(density);
        count++;
      }
      return total / count;
    };
    const expected = candidates.reduce((best, sigma) =>
      likelihood(sigma) > likelihood(best) ? sigma : best,
    );
    assert.equal(selectBandwidth(reference, classes, candidates), expected);
  });
});
