import assert from 'node:assert/strict';
import { rgbToLab } from '../../../../src/core/saliency/cielab';
import { compactLabels, enforceConnectivity } from '../../../../src/core/saliency/labelConnectivity';
import { gridCentres, regularGrid, roundHalfEven } from '../../../../src/core/saliency/slicGrid';

describe('core/saliency cielab', () => {
  it('matches skimage.color.rgb2lab on primaries, white, grey, a dark colour and black', () => {
    // Values printed by skimage 0.19.3's rgb2lab for these sRGB colours.
    const cases: Array<[number[], number[]]> = [
      [
        [1, 0, 0],
        [53.2405879437449, 80.0923082256922, 67.2027510444287],
      ],
      [
        [0, 1, 0],
        [87.73509948831895, -86.18302974439501, 83.17970317538452],
      ],
      [
        [0, 0, 1],
        [32.29567256501351, 79.18559091176556, -107.85730020669489],
      ],
      [
        [1, 1, 1],
        [100.0, -0.0024549378620508655, 0.004653421154054982],
      ],
      [
        [0.5, 0.5, 0.5],
        [53.38896474111431, -0.0014684965237155012, 0.0027835868653625084],
      ],
      [
        [0.02, 0.01, 0.03],
        [0.9487425492476795, 1.3759023328237807, -1.6949227202632144],
      ],
      [
        [0, 0, 0],
        [0, 0, 0],
      ],
    ];
    const lab = rgbToLab(
      cases.flatMap(([rgb]) => rgb),
      cases.length,
    );
    cases.forEach(([, expected], p) => {
      for (let c = 0; c < 3; c++)
        assert.ok(Math.abs(lab[3 * p + c] - expected[c]) < 1e-9, `colour ${p} channel ${c}`);
    });
  });
});

describe('core/saliency slicGrid', () => {
  it('rounds halves to even, as NumPy', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4, 2.6, 3].map(roundHalfEven), [0, 2, 2, 4, 2, 3, 3]);
  });

  it("places points as skimage's regular_grid (its docstring examples and printed cases)", () => {
    assert.deepEqual(regularGrid([20, 40], 8), [
      { start: 5, step: 10 },
      { start: 5, step: 10 },
    ]);
    assert.deepEqual(regularGrid([20, 40], 32), [
      { start: 2, step: 5 },
      { start: 2, step: 5 },
    ]);
    assert.deepEqual(regularGrid([3, 20, 40], 8), [
      { start: 1, step: 3 },
      { start: 5, step: 10 },
      { start: 5, step: 10 },
    ]);
    // regular_grid((1, 28, 28), 100) and ((1, 5, 200), 10), printed by skimage 0.19.3.
    assert.deepEqual(regularGrid([1, 28, 28], 100), [
      { start: 0, step: 1 },
      { start: 1, step: 3 },
      { start: 1, step: 3 },
    ]);
    assert.deepEqual(regularGrid([1, 5, 200], 10), [
      { start: 0, step: 1 },
      { start: 2, step: 5 },
      { start: 10, step: 20 },
    ]);
    // No more room than points: every position is a point.
    assert.deepEqual(regularGrid([1, 2, 3], 6), [
      { start: 0, step: 1 },
      { start: 0, step: 1 },
      { start: 0, step: 1 },
    ]);
  });

  it('lists the centres row by row with the grid step', () => {
    // 28×28 at 50: step √(784/50) ≈ 3.96 → 4, start 1 → 1, 5, …, 25 on each axis: 7 × 7.
    const { centres, step } = gridCentres(28, 28, 50);
    assert.equal(step, 4);
    assert.equal(centres.length, 2 * 49);
    assert.deepEqual(Array.from(centres.slice(0, 6)), [1, 1, 1, 5, 1, 9]);
    assert.deepEqual(Array.from(centres.slice(-2)), [25, 25]);
  });
});

describe('core/saliency labelConnectivity', () => {
  it('splits a label in two pieces and merges a piece below the minimum size into its neighbour', () => {
    // 5×4: label 1 appears in two separate places; the lone 2 at (3, 3) is one pixel.
    // prettier-ignore
    const labels = Int32Array.from([
      1, 1, 0, 0, 0,
      1, 1, 0, 0, 0,
      0, 0, 0, 1, 1,
      0, 0, 0, 1, 2,
    ]);
    const { labels: out, count } = enforceConnectivity(labels, 5, 4, 2, 100);
    // Pieces numbered in raster order of first pixel: top-left 1s → 0, the 0s → 1,
    // the right 1s → 2; the single 2 (size 1 < 2) joins its numbered neighbours' segment, 2.
    // prettier-ignore
    assert.deepEqual(Array.from(out), [
      0, 0, 1, 1, 1,
      0, 0, 1, 1, 1,
      1, 1, 1, 2, 2,
      1, 1, 1, 2, 2,
    ]);
    assert.equal(count, 3);
  });

  it('cuts a piece at the maximum size, as the bounded search of skimage does', () => {
    // One row of 7 equal labels, maxSize 3: pieces of 3, 3 and 1; the last (1 < minSize 2) merges left.
    const { labels, count } = enforceConnectivity(new Int32Array(7), 7, 1, 2, 3);
    assert.deepEqual(Array.from(labels), [0, 0, 0, 1, 1, 1, 1]);
    assert.equal(count, 2);
  });

  it('renumbers labels by first appearance', () => {
    const { labels, count } = compactLabels(Int32Array.from([7, 7, -1, 3, 7, 3]));
    assert.deepEqual(Array.from(labels), [0, 0, 1, 2, 0, 2]);
    assert.equal(count, 3);
  });
});
