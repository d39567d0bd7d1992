/**
 * The saliency webview's pure drawing and text functions (webview/saliency/),
 * against values worked out by hand from the ColorBrewer stops.
 */
import assert from 'node:assert/strict';
import { DIVERGING, SEQUENTIAL, colourOf } from '../../../../src/protocol/saliencyColours';
import { colourScale, formatTick, legendTicks } from '../../../../webview/saliency/colourMap';
import {
  describeProgress,
  figuresOf,
  formatProbability,
  parseCount,
  progressFraction,
  topClasses,
} from '../../../../webview/saliency/format';
import {
  NO_IMAGE_GREY,
  SEGMENT_COLOURS,
  blendOverlay,
  blendSegments,
  greyBackground,
  legendPixels,
  segmentEdges,
} from '../../../../webview/saliency/overlay';
import type { SaliencyMap } from '../../../../src/protocol/saliencyPanel';

const grey = (value: number, pixels: number) => {
  const rgba = new Uint8ClampedArray(pixels * 4).fill(value);
  for (let p = 0; p < pixels; p++) rgba[p * 4 + 3] = 255;
  return rgba;
};
const rgbOf = (rgba: Uint8ClampedArray) => {
  const pixels: number[][] = [];
  for (let p = 0; p < rgba.length; p += 4) pixels.push([rgba[p], rgba[p + 1], rgba[p + 2]]);
  return pixels;
};

describe('webview/saliency drawing', () => {
  describe('colourOf', () => {
    it('signed: blue at −1, the neutral near-white at 0, red at +1', () => {
      assert.deepEqual(colourOf(-1, 'signed'), [33, 102, 172]);
      assert.deepEqual(colourOf(0, 'signed'), [247, 247, 247]);
      assert.deepEqual(colourOf(1, 'signed'), [178, 24, 43]);
      assert.deepEqual(colourOf(0.5, 'signed'), DIVERGING[3]);
    });

    it('signed: halfway between two stops is their mean, rounded', () => {
      // 0.25 is halfway between the neutral (247,247,247) and (244,165,130).
      assert.deepEqual(colourOf(0.25, 'signed'), [246, 206, 189]);
    });

    it('absolute: light yellow at 0, dark red at 1', () => {
      assert.deepEqual(colourOf(0, 'absolute'), [255, 255, 178]);
      assert.deepEqual(colourOf(1, 'absolute'), [189, 0, 38]);
      assert.deepEqual(colourOf(0.5, 'absolute'), SEQUENTIAL[2]);
    });

    it('clips values beyond the ends and treats NaN as 0', () => {
      assert.deepEqual(colourOf(7, 'signed'), colourOf(1, 'signed'));
      assert.deepEqual(colourOf(-7, 'signed'), colourOf(-1, 'signed'));
      assert.deepEqual(colourOf(-0.5, 'absolute'), colourOf(0, 'absolute'));
      assert.deepEqual(colourOf(Number.NaN, 'signed'), [247, 247, 247]);
    });
  });

  describe('colourScale', () => {
    it('is the 99th percentile of |value|, index ⌊0.99·(n − 1)⌋ as in the exported PNG', () => {
      const values = Array.from({ length: 200 }, (_, i) => (i % 2 ? -(i + 1) : i + 1));
      assert.equal(colourScale(values), 198, 'index ⌊0.99 · 199⌋ = 197 of 1…200');
      assert.equal(colourScale([1, -3, 2]), 2, 'index ⌊0.99 · 2⌋ = 1 of 1, 2, 3');
    });

    it('falls back to the largest |value| for a sparse map, and to 1 for an all-zero one', () => {
      const sparse = new Array(100).fill(0);
      sparse[17] = -5;
      assert.equal(colourScale(sparse), 5);
      assert.equal(colourScale([0, 0, 0]), 1);
      assert.equal(colourScale([]), 1);
    });
  });

  describe('blendOverlay', () => {
    // Scale 2 (the 99th percentile of |[2, −2, 0, 1]|), grey 100 behind, opacity 0.8.
    const values = [2, -2, 0, 1];
    const background = grey(100, 4);

    it('signed: full strength shows red / blue at the opacity, zero leaves the image, half blends half as much', () => {
      const pixels = rgbOf(blendOverlay({ background, values, mode: 'signed', opacity: 0.8 }));
      // 100·0.2 + (178, 24, 43)·0.8 and 100·0.2 + (33, 102, 172)·0.8
      assert.deepEqual(pixels[0], [162, 39, 54]);
      assert.deepEqual(pixels[1], [46, 102, 158]);
      assert.deepEqual(pixels[2], [100, 100, 100]);
      // t = 0.5: α = 0.4 of (244, 165, 130)
      assert.deepEqual(pixels[3], [158, 126, 112]);
    });

    it('absolute: both signs show as magnitude, in the sequential colours', () => {
      const pixels = rgbOf(blendOverlay({ background, values, mode: 'absolute', opacity: 0.8 }));
      // 100·0.2 + (189, 0, 38)·0.8
      assert.deepEqual(pixels[0], [171, 20, 50]);
      assert.deepEqual(pixels[1], [171, 20, 50]);
      assert.deepEqual(pixels[2], [100, 100, 100]);
      // t = 0.5: 100·0.6 + (253, 141, 60)·0.4
      assert.deepEqual(pixels[3], [161, 116, 84]);
    });

    it('opacity 0 shows the image alone, and every alpha is opaque', () => {
      const rgba = blendOverlay({ background, values, mode: 'signed', opacity: 0 });
      assert.deepEqual(rgbOf(rgba), [
        [100, 100, 100],
        [100, 100, 100],
        [100, 100, 100],
        [100, 100, 100],
      ]);
      assert.deepEqual([rgba[3], rgba[7], rgba[11], rgba[15]], [255, 255, 255, 255]);
    });
  });

  it('greyBackground turns colour into luma, and no image into mid grey', () => {
    const red = new Uint8ClampedArray([255, 0, 0, 255, 0, 0, 255, 255]);
    // 0.299·255 = 76.2 and 0.114·255 = 29.1
    assert.deepEqual(rgbOf(greyBackground(red, 2)), [
      [76, 76, 76],
      [29, 29, 29],
    ]);
    assert.deepEqual(rgbOf(greyBackground(undefined, 1)), [[NO_IMAGE_GREY, NO_IMAGE_GREY, NO_IMAGE_GREY]]);
  });

  it('segmentEdges marks pixels whose right or lower neighbour is another region', () => {
    // 0 0 1
    // 0 2 1
    assert.deepEqual(segmentEdges([0, 0, 1, 0, 2, 1], 3, 2), [false, true, false, true, true, false]);
  });

  it('blendSegments tints each region with its colour and darkens its edges', () => {
    const pixels = rgbOf(blendSegments(grey(0, 2), [0, 1], 2, 1, 1));
    // Pixel 0 borders region 1 on its right: its colour at 0.45; pixel 1 is inside.
    const [r, g, b] = SEGMENT_COLOURS[0];
    assert.deepEqual(
      pixels[0],
      [r * 0.45, g * 0.45, b * 0.45].map((v) => Math.round(v)),
    );
    assert.deepEqual(pixels[1], [...SEGMENT_COLOURS[1]]);
  });

  it('the colour bar runs from one end of the scale to the other, through the neutral for signed maps', () => {
    assert.deepEqual(rgbOf(legendPixels(3, 'signed')), [
      [33, 102, 172],
      [247, 247, 247],
      [178, 24, 43],
    ]);
    assert.deepEqual(rgbOf(legendPixels(2, 'absolute')), [
      [255, 255, 178],
      [189, 0, 38],
    ]);
    assert.deepEqual(legendTicks(0.5, 'signed'), [-0.5, 0, 0.5]);
    assert.deepEqual(legendTicks(0.5, 'absolute'), [0, 0.5]);
    assert.deepEqual(
      [formatTick(0), formatTick(0.4267), formatTick(-1.5831), formatTick(0.00048)],
      ['0', '0.427', '-1.58', '4.8e-4'],
    );
  });
});

describe('webview/saliency text', () => {
  it('topClasses: the five most probable, ties by index', () => {
    const classes = [0.1, 0.3, 0.05, 0.3, 0.2, 0.05].map((probability, index) => ({
      index,
      label: `c${index}`,
      probability,
    }));
    assert.deepEqual(
      topClasses(classes).map((entry) => entry.index),
      [1, 3, 4, 0, 2],
    );
  });

  it('formatProbability', () => {
    assert.deepEqual([1, 0.9996, 0.5, 0.0123, 0.0004, 0].map(formatProbability), [
      '100%',
      '100%',
      '50.0%',
      '1.2%',
      '<0.1%',
      '0%',
    ]);
  });

  it('figuresOf: deletion, insertion and sparsity to 3 decimals; none without metrics', () => {
    const map = { metrics: { deletionAuc: 0.05512, insertionAuc: 0.7729, sparsity: 0.5 } } as SaliencyMap;
    assert.deepEqual(
      figuresOf(map).map((figure) => [figure.key, figure.value]),
      [
        ['deletion', '0.055'],
        ['insertion', '0.773'],
        ['sparsity', '0.500'],
      ],
    );
    assert.deepEqual(figuresOf({} as SaliencyMap), []);
  });

  it('progress text and fraction', () => {
    assert.equal(
      describeProgress({ stage: 'explaining (ig)', done: 1200, total: 3000 }),
      'explaining (ig) 1,200/3,000',
    );
    assert.equal(describeProgress({ stage: 'reading the model', done: 0, total: 1 }), 'reading the model');
    assert.equal(describeProgress(undefined), 'starting…');
    assert.equal(progressFraction({ stage: 's', done: 3, total: 4 }), 0.75);
    assert.equal(progressFraction({ stage: 's', done: 0, total: 0 }), undefined);
  });

  it('parseCount takes whole numbers ≥ 1 only', () => {
    assert.deepEqual(['16', ' 3 ', '0', '-2', '2.5', 'abc', ''].map(parseCount), [
      16,
      3,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
