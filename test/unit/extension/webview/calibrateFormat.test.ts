import assert from 'node:assert/strict';
import {
  attainableRecall,
  formatPercent,
  formatRecall,
  seedsTooltip,
} from '../../../../webview/calibrate/format';

describe('webview/calibrate/format', () => {
  it('the best recall a top fraction can reach, by hand', () => {
    // 100 labelled, 10 flipped: top 5% = 5 samples → 0.5; top 10% = 10 → 1.
    assert.equal(attainableRecall(0.05, 100, 10), 0.5);
    assert.equal(attainableRecall(0.1, 100, 10), 1);
    // 1,000 labelled, 100 flipped: top 5% = 50 → 0.5. 30 labelled, 9 flipped: 5% → ⌈1.5⌉ = 2 → 2/9.
    assert.equal(attainableRecall(0.05, 1000, 100), 0.5);
    assert.equal(attainableRecall(0.05, 30, 9), 2 / 9);
    // 0.1 · 30 is 3.0000000000000004 in floating point: still 3 samples.
    assert.equal(attainableRecall(0.1, 30, 6), 0.5);
  });

  it('percentages, recalls and the per-seed tooltip', () => {
    assert.equal(formatPercent(0.05), '5%');
    assert.equal(formatPercent(0.125), '12.5%');
    assert.equal(formatRecall(0.4), '0.400');
    assert.equal(
      seedsTooltip({ fraction: 0.1, mean: 0.5, sd: 0.1, perSeed: [0.4, 0.6] }, [1, 2]),
      'seed 1: 0.400 · seed 2: 0.600',
    );
  });
});
