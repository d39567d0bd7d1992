/**
 * The one size images are compared at without a model: chosen from every
 * header, so the same whatever the order.
 */
import assert from 'node:assert/strict';
import { commonImageSize } from '../../../src/data/commonImageSize';
import type { ImageSource, StoredImageSize } from '../../../src/data/types';

/** An ImageSource that knows only its images' stored sizes (undefined: a header that cannot be read). */
function sizesOnly(sizes: (StoredImageSize | undefined)[]): ImageSource {
  return {
    count: sizes.length,
    read: () => Promise.reject(new Error('not decoded in this test')),
    storedSize: (index) =>
      sizes[index] ? Promise.resolve(sizes[index]) : Promise.reject(new Error('broken')),
  };
}

const grey = (width: number, height: number): StoredImageSize => ({ width, height, channels: 1 });
const rgb = (width: number, height: number): StoredImageSize => ({ width, height, channels: 3 });

describe('data/commonImageSize', () => {
  it('takes the most common size and channel count, in any order', async () => {
    const sizes = [rgb(40, 30), grey(28, 28), grey(28, 28), undefined, grey(28, 28)];
    for (const order of [sizes, [...sizes].reverse()]) {
      assert.deepEqual(await commonImageSize(sizesOnly(order)), {
        channels: 1,
        fit: { width: 28, height: 28, resize: 'shorter-side' },
      });
    }
  });

  it('breaks a tie by the smaller area, then the narrower; channels by RGB', async () => {
    const tie = [rgb(30, 20), grey(20, 30), rgb(30, 20), grey(20, 30), grey(10, 60), grey(10, 60)];
    // 30×20, 20×30 and 10×60 all have area 600 and two images each: the narrowest, 10×60, wins.
    assert.deepEqual((await commonImageSize(sizesOnly(tie)))?.fit, {
      width: 10,
      height: 60,
      resize: 'shorter-side',
    });
    assert.equal((await commonImageSize(sizesOnly([rgb(5, 5), grey(5, 5)])))?.channels, 3);
  });

  it('scales a large common size down to at most 64×64 pixels of area, keeping its aspect', async () => {
    // 200×100: scale √(4096 / 20000) = 0.4525 → 90.5 × 45.25 → 90×45.
    assert.deepEqual((await commonImageSize(sizesOnly([rgb(200, 100)])))?.fit, {
      width: 90,
      height: 45,
      resize: 'shorter-side',
    });
  });

  it('is undefined when no header can be read', async () => {
    assert.equal(await commonImageSize(sizesOnly([undefined, undefined])), undefined);
  });
});
