/** The IG/DeepLIFT reference inputs, against values worked out by hand. */
import assert from 'node:assert/strict';
import { isInputError } from '../../../src/core/errors';
import {
  channelMeanImage,
  defaultBaseline,
  gaussianBlur,
  makeBaseline,
  referenceInput,
  type PixelSpace,
} from '../../../src/model/attribution/baselines';
import { float32, maxAbsDifference } from './analyticModels';

describe('attribution/baselines', () => {
  it('zeros is all zeros', () => {
    assert.deepEqual(Array.from(makeBaseline('zeros', float32([1, 2, 3, 4]), [1, 2, 2])), [0, 0, 0, 0]);
  });

  it('mean replaces each channel by its mean over H×W (NCHW)', () => {
    // Channel 0 = (1, 2, 3, 6): mean 3; channel 1 = (−1, −1, 0, 10): mean 2.
    const x = float32([1, 2, 3, 6, -1, -1, 0, 10]);
    assert.deepEqual(Array.from(makeBaseline('mean', x, [2, 2, 2])), [3, 3, 3, 3, 2, 2, 2, 2]);
  });

  it('mean of a rank-1 input is the mean of all its features', () => {
    assert.deepEqual(Array.from(channelMeanImage(float32([1, 2, 6]), [3])), [3, 3, 3]);
  });

  it('blur falls back to zeros below rank 2', () => {
    assert.deepEqual(Array.from(makeBaseline('blur', float32([1, 2, 3]), [3])), [0, 0, 0]);
  });

  it('blur keeps a constant image constant, borders included', () => {
    const x = new Float32Array(2 * 9 * 7);
    x.fill(1.5, 0, 63);
    x.fill(-2, 63);
    const blurred = makeBaseline('blur', x, [2, 9, 7]);
    assert.ok(maxAbsDifference(blurred, x) < 1e-6);
  });

  it('blur spreads a point as a separable Gaussian, channel by channel', () => {
    // A unit impulse at the centre of a 41×41 plane, σ = 2: away from the border
    // the response at offset (dy, dx) is k(dy)·k(dx) / (Σk)², k(d) = exp(−d²/2σ²), |d| ≤ 6.
    const side = 41;
    const x = new Float32Array(2 * side * side);
    x[20 * side + 20] = 1;
    const blurred = gaussianBlur(x, [2, side, side], 2);
    const k = (d: number) => Math.exp(-(d * d) / 8);
    let norm = 0;
    for (let d = -6; d <= 6; d++) norm += k(d);
    for (const [dy, dx] of [
      [0, 0],
      [1, 0],
      [0, 3],
      [-2, 5],
      [6, -6],
    ]) {
      const expected = (k(dy) * k(dx)) / (norm * norm);
      assert.ok(Math.abs(blurred[(20 + dy) * side + 20 + dx] - expected) < 1e-7, `offset (${dy}, ${dx})`);
    }
    assert.equal(blurred[20 * side + 27], 0); // beyond 3σ
    assert.ok(Math.abs(blurred.subarray(0, side * side).reduce((s, v) => s + v, 0) - 1) < 1e-6); // mass kept
    assert.ok(blurred.subarray(side * side).every((v) => v === 0)); // the other channel untouched
  });

  it('blur uses σ = min(H, W)/8', () => {
    // An impulse in a 16×32 image: σ = 2, as in the test above.
    const x = new Float32Array(16 * 32);
    x[8 * 32 + 16] = 1;
    const expected = gaussianBlur(x, [16, 32], 2);
    assert.ok(maxAbsDifference(makeBaseline('blur', x, [1, 16, 32]), expected) === 0);
  });
});

describe('attribution/baselines in pixel space', () => {
  // Two channels of 3×4 pixels, x = (pixel/255 − mean[c]) / std[c].
  const pixelSpace = (layout: 'NCHW' | 'NHWC'): PixelSpace => ({
    layout,
    channels: 2,
    height: 3,
    width: 4,
    scale: 1 / 255,
    mean: [0.5, 0.25],
    std: [0.25, 0.5],
  });
  /** Channel-first pixels 0…255, a different value at every position. */
  const pixelsChw = Float64Array.from({ length: 24 }, (_, i) => (i * 53) % 256);
  /** Normalises channel-first pixels and lays them out as `layout`, written out index by index. */
  function modelInput(chw: ArrayLike<number>, layout: 'NCHW' | 'NHWC'): Float32Array {
    const space = pixelSpace(layout);
    const out = new Float32Array(24);
    for (let c = 0; c < 2; c++) {
      for (let p = 0; p < 12; p++) {
        const value = (chw[c * 12 + p] / 255 - space.mean[c]) / space.std[c];
        out[layout === 'NCHW' ? c * 12 + p : p * 2 + c] = value;
      }
    }
    return out;
  }

  for (const layout of ['NCHW', 'NHWC'] as const) {
    it(`black is pixel 0 normalised, −mean/std per channel (${layout})`, () => {
      const x = modelInput(pixelsChw, layout);
      const black = referenceInput('black', x, [24], pixelSpace(layout));
      // Channel 0: −0.5/0.25 = −2; channel 1: −0.25/0.5 = −0.5.
      assert.deepEqual(Array.from(black), Array.from(modelInput(new Float64Array(24), layout)));
      const first = layout === 'NCHW' ? [black[0], black[12]] : [black[0], black[1]];
      assert.deepEqual(first, [-2, -0.5]);
    });

    it(`blur of the model input = the blurred pixels, normalised (${layout})`, () => {
      const x = modelInput(pixelsChw, layout);
      // σ = min(3, 4)/8 on the pixels, channel by channel, then the sidecar's normalisation.
      const blurredPixels = gaussianBlur(Float32Array.from(pixelsChw), [2, 3, 4], 3 / 8);
      const expected = modelInput(blurredPixels, layout);
      assert.ok(maxAbsDifference(referenceInput('blur', x, [24], pixelSpace(layout)), expected) < 1e-5);
    });

    it(`mean is each channel's mean pixel, normalised (${layout})`, () => {
      const x = modelInput(pixelsChw, layout);
      const meanPixels = new Float64Array(24);
      for (let c = 0; c < 2; c++) {
        let sum = 0;
        for (let p = 0; p < 12; p++) sum += pixelsChw[c * 12 + p];
        meanPixels.fill(sum / 12, c * 12, (c + 1) * 12);
      }
      const expected = modelInput(meanPixels, layout);
      assert.ok(maxAbsDifference(referenceInput('mean', x, [24], pixelSpace(layout)), expected) < 1e-5);
    });
  }

  it('zeros stays 0 in model-input space, pixels or not', () => {
    const x = modelInput(pixelsChw, 'NCHW');
    assert.ok(referenceInput('zeros', x, [2, 3, 4], pixelSpace('NCHW')).every((v) => v === 0));
  });

  it('reads a flattened input by the image geometry, not by its rank', () => {
    // The model declares [24]; without pixels blur would see no image plane and give zeros.
    const x = modelInput(pixelsChw, 'NCHW');
    const blurred = referenceInput('blur', x, [24], pixelSpace('NCHW'));
    assert.ok(maxAbsDifference(blurred, makeBaseline('blur', x, [2, 3, 4])) < 1e-6);
    assert.ok(blurred.some((v) => v !== 0));
  });

  it('refuses black without pixels, as a parameter error that offers the others', () => {
    assert.throws(
      () => referenceInput('black', float32([1, 2, 3]), [3]),
      (error: unknown) =>
        isInputError(error) &&
        (error as { parameter?: string }).parameter === 'baseline' &&
        /no pixels.*zeros, mean or blur/.test((error as Error).message),
    );
    assert.throws(() => makeBaseline('black', float32([1, 2, 3]), [3]), /no pixels/);
  });

  it('passes a reference input through, and refuses one of another size', () => {
    const reference = float32([4, 5, 6]);
    assert.equal(makeBaseline(reference, float32([1, 2, 3]), [3]), reference);
    assert.throws(() => makeBaseline(float32([1, 2]), float32([1, 2, 3]), [3]), /2 values, the input 3/);
  });

  it('defaults: the per-method choice on image models, zeros without pixels or for other methods', () => {
    assert.equal(defaultBaseline('ig', true), 'blur');
    assert.equal(defaultBaseline('deeplift', true), 'zeros');
    assert.equal(defaultBaseline('occlusion', true), 'mean');
    assert.equal(defaultBaseline('gradient', true), 'zeros');
    for (const method of ['ig', 'deeplift', 'occlusion']) assert.equal(defaultBaseline(method, false), 'zeros');
  });
});
