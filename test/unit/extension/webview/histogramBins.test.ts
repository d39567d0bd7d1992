import assert from 'node:assert/strict';
import { binCount, median, sharedBins } from '../../../../webview/results/histogramBins';

describe('webview/results/histogramBins', () => {
  it('cuts every series by the same equal-width edges over all finite values', () => {
    // Values 0…4 and 2…8: range [0, 8], 4 bins of width 2 (already round).
    const histogram = sharedBins(
      [
        { name: 'reference', values: [0, 1, 2, 3, 4] },
        { name: 'test', values: [2, 6, 8, 8] },
      ],
      4,
    );
    assert.deepEqual(histogram.edges, [0, 2, 4, 6, 8]);
    // [0,2): 0 1 · [2,4): 2 3 · [4,6): 4 · [6,8]: the right edge belongs to the last bin.
    assert.deepEqual(histogram.series[0].counts, [2, 2, 1, 0]);
    assert.deepEqual(histogram.series[1].counts, [0, 1, 0, 3]);
    // Shares of each set, so sets of different sizes compare.
    assert.deepEqual(histogram.series[0].shares, [0.4, 0.4, 0.2, 0]);
    assert.deepEqual(histogram.series[1].shares, [0, 0.25, 0, 0.75]);
    assert.equal(histogram.series[0].median, 2);
    assert.equal(histogram.series[1].median, 7);
  });

  it('counts NaN and infinities apart and leaves them out of the range', () => {
    const histogram = sharedBins([{ name: 'a', values: [1, NaN, 3, Infinity, -Infinity] }], 2);
    assert.deepEqual(histogram.edges, [1, 2, 3]);
    assert.deepEqual(histogram.series[0].counts, [1, 1]);
    assert.equal(histogram.series[0].finite, 2);
    assert.equal(histogram.series[0].nonFinite, 3);
    assert.deepEqual(histogram.series[0].shares, [0.5, 0.5]);
  });

  it('gives one repeated value a unit-wide range centred on it', () => {
    const histogram = sharedBins([{ name: 'a', values: [5, 5, 5] }], 2);
    assert.deepEqual(histogram.edges, [4.5, 5, 5.5]);
    assert.deepEqual(histogram.series[0].counts, [0, 3]);
  });

  it('has no bins when no series has a finite value, and keeps an empty set at zero shares', () => {
    const none = sharedBins([
      { name: 'a', values: [NaN] },
      { name: 'b', values: [] },
    ]);
    assert.deepEqual(none.edges, []);
    assert.deepEqual(
      none.series.map((entry) => [entry.counts, entry.finite, entry.nonFinite, entry.median]),
      [
        [[], 0, 1, undefined],
        [[], 0, 0, undefined],
      ],
    );
    const oneEmpty = sharedBins(
      [
        { name: 'a', values: [0, 1] },
        { name: 'b', values: [] },
      ],
      2,
    );
    assert.deepEqual(oneEmpty.series[1].shares, [0, 0]);
    assert.equal(oneEmpty.series[1].median, undefined);
  });

  it('uses about √n bins for the largest set, between 10 and 40', () => {
    assert.equal(binCount(0), 10);
    assert.equal(binCount(50), 10); // √50 ≈ 7.1
    assert.equal(binCount(300), 17); // √300 ≈ 17.3
    assert.equal(binCount(1000), 32); // √1000 ≈ 31.6
    assert.equal(binCount(60000), 40); // √60000 ≈ 245
  });

  it('rounds the edges so bins line up with the axis ticks', () => {
    // 0…299 asks for √300 ≈ 17 bins: 299 / 17 ≈ 17.6 rounds to a step of 20, so 0, 20, …, 300: 15 bins.
    const histogram = sharedBins([{ name: 'a', values: Array.from({ length: 300 }, (_, i) => i) }]);
    assert.deepEqual(
      histogram.edges,
      Array.from({ length: 16 }, (_, i) => i * 20),
    );
    assert.deepEqual(histogram.series[0].counts, new Array(15).fill(20));
    // 0.13…0.91 in 4 bins: 0.78 / 4 = 0.195 rounds to a step of 0.2, from 0 to 1: 5 bins.
    const scores = sharedBins([{ name: 'a', values: [0.13, 0.52, 0.91] }], 4);
    assert.deepEqual(scores.edges, [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(scores.series[0].counts, [1, 0, 1, 0, 1]);
  });

  it('falls back to one plain bin where round steps do not exist', () => {
    const histogram = sharedBins([{ name: 'a', values: [-1e308, 1e308] }], 4);
    assert.equal(
      histogram.series[0].counts.reduce((a, b) => a + b, 0),
      2,
    );
    assert.ok(histogram.edges.every(Number.isFinite));
  });

  it('takes the middle value, or the mean of the two middle ones', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(median([-1]), -1);
  });
});
