import assert from 'node:assert/strict';
import { LID_CAP, lidFromDistances, lidScores } from '../../../../src/core/adversarial/lid';
import type { DenseMatrix } from '../../../../src/core/types';
import { seededNormal } from '../../../../src/core/random';

describe('core/adversarial/lid', () => {
  it('the MLE by hand: distances 1, 2, 4 with k = 3 give 3 / log 8', () => {
    // −((1/3)(log(1/4) + log(2/4) + log(4/4)))⁻¹ = 3 / (log 4 + log 2) = 3 / log 8
    assert.ok(Math.abs(lidFromDistances(Float64Array.from([4, 1, 2]), 3) - 3 / Math.log(8)) < 1e-12);
    // k = 2 uses the two nearest: −((1/2) log(1/2))⁻¹ = 2 / log 2
    assert.ok(Math.abs(lidFromDistances(Float64Array.from([4, 1, 2]), 2) - 2 / Math.log(2)) < 1e-12);
  });

  it('duplicates (zero distances) are skipped, not divided by', () => {
    assert.ok(Math.abs(lidFromDistances(Float64Array.from([0, 4, 0, 1, 2]), 3) - 3 / Math.log(8)) < 1e-12);
    assert.equal(lidFromDistances(Float64Array.from([0, 0, 0]), 3), 0);
    // Equal distances: mean log-ratio 0, the estimate is capped instead of infinite.
    assert.equal(lidFromDistances(Float64Array.from([2, 2, 2]), 3), LID_CAP);
  });

  it('with a batch as large as the reference, equals the brute-force MLE over all reference points', async () => {
    const normal = seededNormal(5);
    const reference: DenseMatrix = {
      rows: 30,
      dim: 3,
      data: Float32Array.from({ length: 90 }, () => normal()),
    };
    const query: DenseMatrix = { rows: 7, dim: 3, data: Float32Array.from({ length: 21 }, () => normal()) };
    const ours = await lidScores(query, reference, { k: 5, batchSize: 30 });
    for (let i = 0; i < query.rows; i++) {
      const distances: number[] = [];
      for (let j = 0; j < reference.rows; j++) {
        let s = 0;
        for (let d = 0; d < 3; d++) s += (query.data[i * 3 + d] - reference.data[j * 3 + d]) ** 2;
        distances.push(Math.sqrt(s));
      }
      distances.sort((a, b) => a - b);
      const r = distances.slice(0, 5);
      const expected = -1 / (r.reduce((s, v) => s + Math.log(v / r[4]), 0) / 5);
      assert.ok(Math.abs(ours[i] - expected) < 1e-9, `query ${i}: ${ours[i]} vs ${expected}`);
    }
  });

  it('draws seeded mini-batches: same seed, same scores; a query inside a duplicate-rich batch stays finite', async () => {
    const reference: DenseMatrix = { rows: 200, dim: 2, data: new Float32Array(400) };
    for (let j = 0; j < 200; j++) reference.data.set([j % 10, Math.floor(j / 10) % 3], j * 2);
    const query: DenseMatrix = { rows: 3, dim: 2, data: Float32Array.from([0, 0, 5, 1, 2.5, 0.5]) };
    const a = await lidScores(query, reference, { k: 20, batchSize: 100, seed: 3 });
    const b = await lidScores(query, reference, { k: 20, batchSize: 100, seed: 3 });
    assert.deepEqual(a, b);
    for (const value of a) assert.ok(Number.isFinite(value) && value >= 0);
  });
});
