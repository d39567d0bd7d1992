/** The IG/DeepLIFT reference inputs, against values worked out by hand. */
import assert from 'node:assert/strict';
import { channelMeanImage, gaussianBlur, makeBaseline } from '../../../src/model/attribution/baselines';
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
