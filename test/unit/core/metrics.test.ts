import assert from 'node:assert/strict';
import { InputError } from '../../../src/core/errors';
import {
  auroc,
  averagePrecision,
  precisionAtK,
  recallAtFraction,
  recallAtK,
} from '../../../src/core/metrics';

/**
 * Ranking [3, 0, 4, 1, 2] (sample 3 first), positives {0, 2}:
 *   rank 1: 3 (no)  rank 2: 0 (yes)  rank 3: 4 (no)  rank 4: 1 (no)  rank 5: 2 (yes)
 */
const ranked = Int32Array.from([3, 0, 4, 1, 2]);
const positives = new Set([0, 2]);
const mask = [true, false, true, false, false];

describe('core/metrics', () => {
  it('recall@k by hand', () => {
    // top 1: {3} → 0 of 2; top 2: {3, 0} → 1/2; top 4 → 1/2; top 5 → 2/2
    assert.equal(recallAtK(ranked, positives, 1), 0);
    assert.equal(recallAtK(ranked, positives, 2), 0.5);
    assert.equal(recallAtK(ranked, positives, 4), 0.5);
    assert.equal(recallAtK(ranked, positives, 5), 1);
    assert.equal(recallAtK(ranked, positives, 50), 1, 'k past the end is clamped');
    assert.equal(recallAtK(ranked, mask, 2), 0.5, 'boolean mask form');
  });

  it('precision@k by hand', () => {
    // top 2: 1 hit / 2; top 3: 1 / 3; top 5: 2 / 5; k = 0 → 0
    assert.equal(precisionAtK(ranked, positives, 2), 1 / 2);
    assert.equal(precisionAtK(ranked, positives, 3), 1 / 3);
    assert.equal(precisionAtK(ranked, mask, 5), 2 / 5);
    assert.equal(precisionAtK(ranked, positives, 0), 0);
  });

  it('average precision by hand', () => {
    // positives at ranks 2 and 5: AP = (P@2 + P@5) / 2 = (1/2 + 2/5) / 2 = 0.45
    assert.ok(Math.abs(averagePrecision(ranked, positives) - 0.45) < 1e-15);
    assert.ok(Math.abs(averagePrecision(ranked, mask) - 0.45) < 1e-15);
    // A perfect ranking has AP 1: [0, 2, ...]
    assert.equal(averagePrecision([0, 2, 1, 3, 4], positives), 1);
    // A positive missing from a partial ranking counts as not found: ranks [0] only → (1/1) / 2
    assert.equal(averagePrecision([0], positives), 0.5);
    // No positives → 0
    assert.equal(averagePrecision(ranked, new Set()), 0);
    assert.equal(recallAtK(ranked, new Set(), 3), 0);
  });

  it('recall at a fraction uses k = ⌈fraction · n⌉', () => {
    // 0.4 · 5 = 2 → k = 2 → 1/2; 0.5 · 5 = 2.5 → k = 3 → 1/2; 0.9 · 5 = 4.5 → 5 → 1
    assert.equal(recallAtFraction(ranked, positives, 0.4), 0.5);
    assert.equal(recallAtFraction(ranked, positives, 0.5), 0.5);
    assert.equal(recallAtFraction(ranked, positives, 0.9), 1);
    assert.equal(recallAtFraction(ranked, positives, 0), 0);
    // 0.1 · 30 is 3.0000000000000004 in floating point; k must be 3, not 4.
    // Ranking 0..29 with positives {3}: index 3 sits at rank 4, outside the top 3.
    const thirty = Array.from({ length: 30 }, (_, i) => i);
    assert.equal(recallAtFraction(thirty, new Set([3]), 0.1), 0);
    assert.equal(recallAtFraction(thirty, new Set([2]), 0.1), 1);
  });

  it('rejects a fraction outside [0, 1] and a negative or fractional k', () => {
    assert.throws(() => recallAtFraction(ranked, positives, 1.5), InputError);
    assert.throws(() => recallAtFraction(ranked, positives, NaN), InputError);
    assert.throws(() => recallAtK(ranked, positives, -1), InputError);
    assert.throws(() => precisionAtK(ranked, positives, 2.5), InputError);
  });
});

describe('core/metrics auroc', () => {
  it('equals the share of (positive, negative) pairs ranked right, ties counting one half', () => {
    // Positives 0.9, 0.4, 0.4; negatives 0.4, 0.1. Pairs: 0.9 beats both (2);
    // each 0.4 positive ties the 0.4 negative (½) and beats 0.1 (1): 2 · 1.5 = 3. Total 5 / 6.
    assert.equal(auroc([0.9, 0.4, 0.4, 0.4, 0.1], [true, true, true, false, false]), 5 / 6);
  });

  it('is 1 for a perfect ranking, 0 for a reversed one, ½ for a constant score, NaN without both classes', () => {
    assert.equal(auroc([3, 2, 1], [true, false, false]), 1);
    assert.equal(auroc([1, 2, 3], [true, false, false]), 0);
    assert.equal(auroc([7, 7, 7, 7], [true, false, true, false]), 0.5);
    assert.ok(Number.isNaN(auroc([1, 2], [true, true])));
  });

  it('agrees with a brute-force count over every pair on random scores with ties', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const scores = Array.from({ length: 200 }, () => Math.round(random() * 20) / 20);
    const labels = scores.map(() => random() < 0.3);
    let wins = 0;
    let pairs = 0;
    for (let i = 0; i < scores.length; i++) {
      for (let j = 0; j < scores.length; j++) {
        if (!labels[i] || labels[j]) continue;
        pairs++;
        wins += scores[i] > scores[j] ? 1 : scores[i] === scores[j] ? 0.5 : 0;
      }
    }
    assert.ok(Math.abs(auroc(scores, labels) - wins / pairs) < 1e-12);
  });
});
