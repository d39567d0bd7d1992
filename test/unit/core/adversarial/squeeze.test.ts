import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { medianFilter, reduceBitDepth, softmaxL1 } from '../../../../src/core/adversarial/squeeze';

/** scipy.ndimage.median_filter references from scripts/make-adversarial-fixtures.py. */
const reference = JSON.parse(
  readFileSync(
    join(__dirname, '..', '..', '..', 'fixtures', 'adversarial', 'squeeze-reference.json'),
    'utf8',
  ),
) as {
  grey: {
    height: number;
    width: number;
    images: number[];
    median3: number[];
    bits1: number[];
    bits4: number[];
  };
  colourHwc: { height: number; width: number; channels: number; image: number[]; median3: number[] };
};

function assertClose(actual: ArrayLike<number>, expected: number[], what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) < 1e-6, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
}

describe('core/adversarial/squeeze', () => {
  it('3×3 median smoothing equals scipy median_filter(mode="reflect") on two grey images', () => {
    const images = Float32Array.from(reference.grey.images);
    const ours = medianFilter(images, { height: 28, width: 28, channels: 1, layout: 'NCHW' });
    assertClose(ours, reference.grey.median3, 'median3');
  });

  it('per channel on an interleaved (NHWC) colour image, and on the same image as planes (NCHW)', () => {
    const { height, width, channels, image, median3 } = reference.colourHwc;
    assertClose(
      medianFilter(Float32Array.from(image), { height, width, channels, layout: 'NHWC' }),
      median3,
      'NHWC',
    );
    const planes = (hwc: number[]) => {
      const out = new Float32Array(hwc.length);
      for (let c = 0; c < channels; c++)
        for (let p = 0; p < height * width; p++) out[c * height * width + p] = hwc[p * channels + c];
      return out;
    };
    assertClose(
      medianFilter(planes(image), { height, width, channels, layout: 'NCHW' }),
      Array.from(planes(median3)),
      'NCHW',
    );
  });

  it('bit-depth reduction: round(u (2^b − 1)) / (2^b − 1)', () => {
    const images = Float32Array.from(reference.grey.images);
    assertClose(reduceBitDepth(images, 1), reference.grey.bits1, 'bits1');
    assertClose(reduceBitDepth(images, 4), reference.grey.bits4, 'bits4');
    assert.deepEqual(Array.from(reduceBitDepth(Float32Array.from([-0.2, 0.49, 0.51, 1.3]), 1)), [0, 0, 1, 1]);
  });

  it('the squeezing score is the L1 distance of the softmaxes (by hand)', () => {
    // softmax([0, 0]) = (½, ½); softmax([log 3, 0]) = (¾, ¼): L1 = ¼ + ¼ = ½.
    const [d] = softmaxL1([0, 0], [Math.log(3), 0], 2);
    assert.ok(Math.abs(d - 0.5) < 1e-12);
  });
});
