/**
 * The geometry of bringing an image to the model's size, against torchvision's
 * formulas worked by hand: Resize(s) scales the shorter side to s and the other
 * to int(s · long / short); CenterCrop starts at int(round((size − crop) / 2))
 * with Python's round (halves to even).
 */
import assert from 'node:assert/strict';
import { fitGeometry, roundHalfToEven } from '../../../src/data/imageFit';

const square = { width: 32, height: 32, resize: 'shorter-side' as const };

describe('data/imageFit: resize and centre-crop geometry', () => {
  it("rounds halves to even, as Python's round", () => {
    assert.deepEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5].map(roundHalfToEven), [0, 2, 2, 4, 4, 6, 6]);
    assert.deepEqual([4.4, 4.6, 5, 0].map(roundHalfToEven), [4, 5, 5, 0]);
  });

  it('landscape: 97×64 → 48×32 (int(32 · 97 / 64) = int(48.5)), crop from x = 8', () => {
    assert.deepEqual(fitGeometry(97, 64, square), { resizeWidth: 48, resizeHeight: 32, left: 8, top: 0 });
  });

  it('portrait: 48×80 → 32×53 (int(53.33)), crop from y = round(10.5) = 10', () => {
    assert.deepEqual(fitGeometry(48, 80, square), { resizeWidth: 32, resizeHeight: 53, left: 0, top: 10 });
  });

  it('odd margins round halves to even: 43 wide → x = round(5.5) = 6, 41 wide → x = round(4.5) = 4', () => {
    assert.equal(fitGeometry(43, 32, square).left, 6);
    assert.equal(fitGeometry(41, 32, square).left, 4);
  });

  it('enlarges a smaller image the same way: 20×24 → 32×38 (int(38.4)), y = 3', () => {
    assert.deepEqual(fitGeometry(20, 24, square), { resizeWidth: 32, resizeHeight: 38, left: 0, top: 3 });
  });

  it('a square image of another size is only resized', () => {
    assert.deepEqual(fitGeometry(500, 500, square), { resizeWidth: 32, resizeHeight: 32, left: 0, top: 0 });
  });

  it('a non-square input is covered: 100×100 into 64×32 scales to 64×64 and crops y = 16', () => {
    const wide = { width: 64, height: 32, resize: 'shorter-side' as const };
    assert.deepEqual(fitGeometry(100, 100, wide), { resizeWidth: 64, resizeHeight: 64, left: 0, top: 16 });
    // 300×100 is wider than 2:1: its height sets the scale, 32 → width int(32 · 300 / 100) = 96, x = 16.
    assert.deepEqual(fitGeometry(300, 100, wide), { resizeWidth: 96, resizeHeight: 32, left: 16, top: 0 });
  });

  it('stretch resizes to the input size and never crops', () => {
    assert.deepEqual(fitGeometry(97, 64, { ...square, resize: 'stretch' }), {
      resizeWidth: 32,
      resizeHeight: 32,
      left: 0,
      top: 0,
    });
  });
});
