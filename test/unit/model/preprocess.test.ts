/**
 * writeImage: one HWC uint8 image into a float batch, in the model's layout,
 * normalised per channel. The expected values are written out by hand from
 * x = (pixel · scale − mean[c]) / std[c].
 */
import assert from 'node:assert/strict';
import { writeImage } from '../../../src/model/preprocess';
import type { InputConfig } from '../../../src/model/sidecar';

/** A 1 × 2 RGB image, HWC: pixel 0 = (10, 20, 30), pixel 1 = (40, 50, 60). */
const image = { width: 2, height: 1, channels: 3, pixels: Uint8Array.of(10, 20, 30, 40, 50, 60) };

function input(layout: InputConfig['layout']): InputConfig {
  return {
    name: 'x',
    layout,
    channels: 3,
    height: 1,
    width: 2,
    scale: 0.1,
    mean: [1, 2, 3],
    std: [2, 4, 0.5],
    resize: 'stretch',
  };
}

// Channel 0: (10·0.1 − 1)/2 = 0, (40·0.1 − 1)/2 = 1.5; channel 1: (2 − 2)/4 = 0, (5 − 2)/4 = 0.75;
// channel 2: (3 − 3)/0.5 = 0, (6 − 3)/0.5 = 6.
const channel0 = [0, 1.5];
const channel1 = [0, 0.75];
const channel2 = [0, 6];

describe('writeImage', () => {
  it('writes NCHW: one plane per channel, at the image slot', () => {
    const batch = new Float32Array(2 * 6).fill(NaN);
    writeImage(image, input('NCHW'), batch, 1);
    assert.ok(batch.subarray(0, 6).every(Number.isNaN), 'slot 0 untouched');
    assert.deepEqual(Array.from(batch.subarray(6)), [...channel0, ...channel1, ...channel2]);
  });

  it('writes NHWC: channels interleaved per pixel, at the image slot', () => {
    const batch = new Float32Array(2 * 6).fill(NaN);
    writeImage(image, input('NHWC'), batch, 1);
    assert.ok(batch.subarray(0, 6).every(Number.isNaN), 'slot 0 untouched');
    assert.deepEqual(Array.from(batch.subarray(6)), [
      channel0[0],
      channel1[0],
      channel2[0],
      channel0[1],
      channel1[1],
      channel2[1],
    ]);
  });

  it('uses one mean and std for every channel when the sidecar gives one', () => {
    const grey = { width: 3, height: 1, channels: 1, pixels: Uint8Array.of(0, 100, 255) };
    const config = { ...input('NCHW'), channels: 1, width: 3, scale: 1 / 255, mean: [0.5], std: [0.25] };
    const batch = new Float32Array(3);
    writeImage(grey, config, batch, 0);
    const expected = [0, 100, 255].map((p) => Math.fround((p / 255 - 0.5) / 0.25));
    batch.forEach((value, i) => assert.ok(Math.abs(value - expected[i]) < 1e-6, `${value} vs ${expected[i]}`));
  });
});
