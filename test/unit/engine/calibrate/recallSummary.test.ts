import assert from 'node:assert/strict';
import {
  meanAndSd,
  recallAtFractions,
  recommendScorer,
  summariseRecall,
} from '../../../../src/engine/calibrate/recallSummary';
import type { CalibrationScorer } from '../../../../src/protocol/engine';

/** A scorer with the given mean recall at 5, 10, 20, 30%. */
function scorer(name: string, means: number[], unavailable?: string): CalibrationScorer {
  const fractions = [0.05, 0.1, 0.2, 0.3];
  return {
    scorer: name,
    description: name,
    recall: unavailable
      ? []
      : fractions.map((fraction, i) => ({ fraction, mean: means[i], sd: 0, perSeed: [means[i]] })),
    ...(unavailable ? { unavailable } : {}),
  };
}

describe('engine/calibrate/recallSummary', () => {
  it('recall of the flips in the top 5/10/20/30% of a ranking, by hand', () => {
    // 40 samples ranked 39, 38, …, 0; flipped: 39, 37, 30, 25, 12.
    // top 5% = ⌈2⌉ = 2: {39, 38} → 1 of 5; top 10% = 4: {39…36} → 2; top 20% = 8: {39…32} → 2;
    // top 30% = 12: {39…28} → 3.
    const ranked = Array.from({ length: 40 }, (_, i) => 39 - i);
    const flipped = new Set([39, 37, 30, 25, 12]);
    assert.deepEqual(recallAtFractions(ranked, flipped), [1 / 5, 2 / 5, 2 / 5, 3 / 5]);
    // 30 samples: 5% of 30 = 1.5 → 2; 10% = 3; 20% = 6; 30% = 9 (3.0000000000000004 reads as 3).
    const short = Array.from({ length: 30 }, (_, i) => i);
    // Flipped 2, 3, 8, 29: top 2 {0, 1} → 0; top 3 → {2}; top 6 → {2, 3}; top 9 → {2, 3, 8}.
    assert.deepEqual(recallAtFractions(short, new Set([2, 3, 8, 29])), [0, 1 / 4, 2 / 4, 3 / 4]);
  });

  it('mean and sample standard deviation over seeds', () => {
    const { mean, sd } = meanAndSd([0.5, 0.7, 0.9]);
    assert.ok(Math.abs(mean - 0.7) < 1e-12);
    assert.ok(Math.abs(sd - 0.2) < 1e-12, 'sqrt((0.04 + 0 + 0.04) / 2) = 0.2');
    assert.deepEqual(meanAndSd([0.25]), { mean: 0.25, sd: 0 });
    const summary = summariseRecall(
      [
        [0.1, 0.5],
        [0.3, 0.7],
      ],
      [0.05, 0.1],
    );
    assert.equal(summary.length, 2);
    assert.deepEqual(summary[1].perSeed, [0.5, 0.7]);
    assert.equal(summary[1].fraction, 0.1);
    assert.ok(Math.abs(summary[0].mean - 0.2) < 1e-12 && Math.abs(summary[0].sd - Math.sqrt(0.02)) < 1e-12);
  });

  it('recommends the best mean recall@10%, ties to the better recall@30%, then to the earlier scorer', () => {
    assert.equal(
      recommendScorer([scorer('a', [0.5, 0.8, 0.9, 0.95]), scorer('b', [0.4, 0.85, 0.9, 0.9])]),
      'b',
    );
    assert.equal(
      recommendScorer([scorer('a', [0.5, 0.8, 0.9, 0.95]), scorer('b', [0.6, 0.8, 0.9, 0.97])]),
      'b',
    );
    assert.equal(
      recommendScorer([scorer('a', [0.5, 0.8, 0.9, 0.97]), scorer('b', [0.6, 0.8, 0.9, 0.95])]),
      'a',
    );
    assert.equal(
      recommendScorer([scorer('a', [0.5, 0.8, 0.9, 0.95]), scorer('b', [0.6, 0.8, 0.9, 0.95])]),
      'a',
    );
    // Means of the same ratios summed in another order differ in the last bit: still a tie.
    const noisy = (0.1 + 0.2 + 0.3) / 3;
    const exact = 0.2;
    assert.notEqual(noisy, exact);
    assert.equal(recommendScorer([scorer('a', [0, exact, 0, 0.5]), scorer('b', [0, noisy, 0, 0.6])]), 'b');
  });

  it('never recommends an unavailable scorer', () => {
    assert.equal(recommendScorer([scorer('a', [], 'needs a model'), scorer('b', [0.1, 0.2, 0.3, 0.4])]), 'b');
    assert.equal(recommendScorer([scorer('a', [], 'needs a model')]), undefined);
  });
});
