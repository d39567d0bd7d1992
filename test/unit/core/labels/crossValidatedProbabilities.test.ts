/**
 * Out-of-fold class probabilities: a sample's own label never reaches the fit
 * that scores it (changing it leaves its row unchanged), rows are
 * distributions, and separated classes are told apart.
 */
import assert from 'node:assert/strict';
import { crossValidatedProbabilities } from '../../../../src/core/labels';
import { MAX_FIT_DIMENSIONS, projectIfWide } from '../../../../src/core/labels/crossValidatedProbabilities';
import { seededNormal } from '../../../../src/core/random';
import type { DenseMatrix } from '../../../../src/core/types';

/** Three Gaussian blobs in 3-D, 40 points each, centres 4 apart; one sample unlabelled. */
function blobs(): { points: DenseMatrix; labels: Int32Array } {
  const normal = seededNormal(31);
  const rows = 120;
  const data = new Float32Array(rows * 3);
  const labels = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    labels[i] = i % 3;
    for (let d = 0; d < 3; d++) data[i * 3 + d] = normal() + (d === labels[i] ? 4 : 0);
  }
  labels[7] = -1;
  return { points: { rows, dim: 3, data }, labels };
}

describe('core/labels crossValidatedProbabilities', () => {
  it('gives each labelled sample a distribution that favours its true class; unlabelled rows uniform', async () => {
    const { points, labels } = blobs();
    const p = await crossValidatedProbabilities(points, labels, 3);
    for (let i = 0; i < points.rows; i++) {
      const row = Array.from(p.subarray(i * 3, i * 3 + 3));
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12, `row ${i} sums to 1`);
      if (labels[i] < 0) assert.deepEqual(row, [1 / 3, 1 / 3, 1 / 3]);
      else assert.equal(row.indexOf(Math.max(...row)), labels[i], `row ${i}: ${row}`);
    }
  });

  it('scores a sample with a fit that never saw its label', async () => {
    const { points, labels } = blobs();
    const before = await crossValidatedProbabilities(points, labels, 3);
    const flipped = Int32Array.from(labels);
    flipped[10] = (labels[10] + 1) % 3;
    const after = await crossValidatedProbabilities(points, flipped, 3);
    // Its own row is unchanged, and it still points at the true class against the wrong label.
    assert.deepEqual(Array.from(after.subarray(30, 33)), Array.from(before.subarray(30, 33)));
    const own = Array.from(after.subarray(30, 33));
    assert.equal(own.indexOf(Math.max(...own)), labels[10]);
    // Some other rows did change: the flipped label trained the other folds.
    assert.ok(after.some((value, t) => value !== before[t]));
  });

  it('uses one binary fit for two classes (complementary columns)', async () => {
    const { points, labels } = blobs();
    const two = Int32Array.from(labels, (c) => (c < 0 ? -1 : c === 0 ? 0 : 1));
    const p = await crossValidatedProbabilities(points, two, 2);
    for (let i = 0; i < points.rows; i++) assert.ok(Math.abs(p[i * 2] + p[i * 2 + 1] - 1) < 1e-12);
  });

  it('fits wide points (1,000-d) on a random projection that keeps distances and classes', async () => {
    // Three blobs whose centres differ on the first 3 of 1,000 dimensions; the rest is noise.
    const normal = seededNormal(41);
    const rows = 90;
    const dim = 1000;
    const data = new Float32Array(rows * dim);
    const labels = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      labels[i] = i % 3;
      for (let d = 0; d < dim; d++) data[i * dim + d] = 0.1 * normal() + (d === labels[i] ? 3 : 0);
    }
    const points = { rows, dim, data };
    const narrow = { rows: 4, dim: MAX_FIT_DIMENSIONS, data: new Float32Array(4 * MAX_FIT_DIMENSIONS) };
    assert.equal(projectIfWide(narrow, 1), narrow, 'points at most 128 wide are fitted as they are');
    const projected = projectIfWide(points, 7);
    assert.equal(projected.dim, MAX_FIT_DIMENSIONS);
    // Johnson–Lindenstrauss: squared distances kept within 35% at 128 dimensions (checked pair by pair).
    const distance = (m: { dim: number; data: Float32Array }, a: number, b: number) => {
      let total = 0;
      for (let d = 0; d < m.dim; d++) total += (m.data[a * m.dim + d] - m.data[b * m.dim + d]) ** 2;
      return total;
    };
    for (const [a, b] of [
      [0, 1],
      [0, 3],
      [4, 11],
      [20, 65],
    ]) {
      const ratio = distance(projected, a, b) / distance(points, a, b);
      assert.ok(ratio > 0.65 && ratio < 1.35, `pair ${a}, ${b}: ratio ${ratio}`);
    }
    const p = await crossValidatedProbabilities(points, labels, 3);
    let right = 0;
    for (let i = 0; i < rows; i++) {
      const row = Array.from(p.subarray(i * 3, i * 3 + 3));
      if (row.indexOf(Math.max(...row)) === labels[i]) right++;
    }
    assert.ok(right >= 85, `${right} of ${rows} rows favour their class`);
  });
});
