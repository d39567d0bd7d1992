import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { densityFilter, percentile, trustScores } from '../../../../src/core/boundary';
import { InputError } from '../../../../src/core/errors';
import { seededNormal } from '../../../../src/core/random';

/** Made by fixtures/make-reference.py (scikit-learn KDTree, numpy percentile); see that script. */
const reference = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'reference.json'), 'utf8')).trust as {
  alpha: number;
  k: number;
  dim: number;
  reference: number[];
  referenceLabels: number[];
  queries: number[];
  predicted: number[];
  kept: number[];
  trust: number[];
};

const matrix = (values: number[], dim: number) => ({
  rows: values.length / dim,
  dim,
  data: Float32Array.from(values),
});
const points = matrix(reference.reference, reference.dim);
const labels = Int32Array.from(reference.referenceLabels);
const queries = matrix(reference.queries, reference.dim);
const predicted = Int32Array.from(reference.predicted);

describe('core/boundary trust score (Jiang et al. 2018)', () => {
  it('keeps the α-high-density points of each class as the scikit-learn reference does', async () => {
    const kept = await densityFilter(points, labels, 3, { alpha: reference.alpha, k: reference.k });
    assert.deepEqual(Array.from(kept), reference.kept);
  });

  it('matches the reference trust scores, and scores 1 / (1 + trust)', async () => {
    const result = await trustScores(queries, predicted, points, labels, 3, {
      alpha: reference.alpha,
      k: reference.k,
    });
    reference.trust.forEach((expected, i) => {
      assert.ok(
        Math.abs(result.trust[i] - expected) <= 1e-6 * expected,
        `query ${i}: ${result.trust[i]} vs ${expected}`,
      );
      assert.equal(result.score[i], 1 / (1 + result.trust[i]));
    });
    assert.deepEqual(result.missingClasses, []);
  });

  it("leaves each query's own reference row out when asked (leave-one-out), as brute force does", async () => {
    // Queries = the first 10 reference points themselves; α = 0 keeps every point.
    const rows = Int32Array.from({ length: 10 }, (_, i) => i * 6);
    const own = matrix(
      Array.from(rows).flatMap((r) => reference.reference.slice(r * 4, r * 4 + 4)),
      4,
    );
    const guess = Int32Array.from(rows, (r) => (labels[r] + 1) % 3);
    const result = await trustScores(own, guess, points, labels, 3, { alpha: 0, exclude: rows });
    rows.forEach((row, i) => {
      const nearest = [Infinity, Infinity, Infinity];
      for (let j = 0; j < points.rows; j++) {
        if (j === row) continue;
        let d2 = 0;
        for (let c = 0; c < 4; c++) d2 += (points.data[row * 4 + c] - points.data[j * 4 + c]) ** 2;
        nearest[labels[j]] = Math.min(nearest[labels[j]], Math.sqrt(d2));
      }
      const other = Math.min(...nearest.filter((_, c) => c !== guess[i]));
      const expected = other / (nearest[guess[i]] + 1e-12);
      assert.ok(Math.abs(result.trust[i] - expected) <= 1e-6 * expected, `row ${row}`);
    });
  });

  it('handles duplicate points (zero distances) without NaN: on the predicted class → full trust; on two classes → none', async () => {
    // Reference: class 0 at 0 and 10, class 1 at 0 (a duplicate of the first, another label) and at 4.
    const ref = matrix([0, 10, 0, 4], 1);
    const refLabels = Int32Array.from([0, 0, 1, 1]);
    const result = await trustScores(matrix([10, 0, 3], 1), Int32Array.from([0, 0, 1]), ref, refLabels, 2, {
      alpha: 0,
    });
    // 10: on a class-0 point (d = 0), nearest class 1 at 4 → trust 6 / 1e-12: huge, score ≈ 0.
    assert.ok(result.trust[0] > 1e12 && result.score[0] < 1e-12);
    // 0: on points of both classes → trust 0 / 1e-12 = 0, score 1 (the most suspect).
    assert.equal(result.trust[1], 0);
    assert.equal(result.score[1], 1);
    // 3 predicted 1: nearest class 1 at 1 (point 4), nearest class 0 at 3 → trust 3.
    assert.ok(Math.abs(result.trust[2] - 3) < 1e-9);
    for (const value of [...result.trust, ...result.score]) assert.ok(!Number.isNaN(value));
  });

  it('gives trust 0 to predictions of a class the reference lacks, and says which', async () => {
    const result = await trustScores(
      matrix([1], 1),
      Int32Array.from([2]),
      matrix([0, 5], 1),
      Int32Array.from([0, 1]),
      3,
      { alpha: 0 },
    );
    assert.deepEqual(result.missingClasses, [2]);
    assert.equal(result.trust[0], 0);
    assert.equal(result.score[0], 1);
  });

  it('refuses a reference of one class only', async () => {
    await assert.rejects(
      trustScores(matrix([1], 1), Int32Array.from([0]), matrix([0, 5], 1), Int32Array.from([1, 1]), 2),
      (error: unknown) => error instanceof InputError && /samples of one class only/.test(error.message),
    );
  });

  it('keeps every point of a class smaller than the density ball, and drops the sparsest share α of larger ones', async () => {
    const normal = seededNormal(9);
    const values = Array.from({ length: 40 }, () => normal());
    values.push(50); // an outlier of class 0
    const refLabels = Int32Array.from([...Array(41).fill(0), 1, 1]);
    values.push(7, 8);
    const kept = await densityFilter(matrix(values, 1), refLabels, 2, { alpha: 0.1, k: 5 });
    assert.equal(kept[40], 0, 'the outlier is dropped');
    assert.equal(kept[41] + kept[42], 2, 'class 1 (2 points < k) is kept whole');
    // (1 − α) percentile of 41 radii keeps ⌈0.9·40⌉ + 1 = 37 of them (numpy's linear interpolation).
    assert.equal(
      Array.from(kept.subarray(0, 41)).reduce((a, b) => a + b, 0),
      37,
    );
  });

  it('interpolates percentiles as numpy does', () => {
    // np.percentile([1, 2, 3, 4], 90) = 3.7; np.percentile([5], 50) = 5
    assert.ok(Math.abs(percentile(Float64Array.from([4, 1, 3, 2]), 90) - 3.7) < 1e-12);
    assert.equal(percentile(Float64Array.from([5]), 50), 5);
  });
});
