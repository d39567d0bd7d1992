/**
 * Pixel conversions and Pillow's bilinear resampling on values worked out by
 * hand from Pillow's formulas (Convert.c, Resample.c). The same functions are
 * checked against Pillow/torchvision's own output on real photos in
 * mixedImages.test.ts.
 */
import assert from 'node:assert/strict';
import {
  cmykToRgb,
  flattenOverWhite,
  greyToRgb,
  highBytes,
  rgbToGrey,
  toRequest,
} from '../../../src/data/imagePixels';
import { cropPixels, resampleBilinear } from '../../../src/data/imageResample';

const row = (values: number[]) => ({
  width: values.length,
  height: 1,
  channels: 1,
  pixels: Uint8Array.from(values),
});

describe('data/imagePixels: conversions as Pillow does them', () => {
  it('keeps the high byte of 16-bit samples', () => {
    assert.deepEqual([...highBytes(Uint16Array.from([0, 255, 256, 0x12ff, 0xffff]))], [0, 0, 1, 0x12, 255]);
  });

  it('composites alpha over white: round((v·a + 255·(255 − a)) / 255)', () => {
    // (10, 20, 30) at alpha 0 → white; at 255 → itself; (100, 0, 200) at 128:
    // (12800 + 32385) / 255 = 177.2 → 177; 32385 / 255 = 127; (25600 + 32385) / 255 = 227.4 → 227.
    const rgba = Uint8Array.from([10, 20, 30, 0, 10, 20, 30, 255, 100, 0, 200, 128]);
    assert.deepEqual([...flattenOverWhite(rgba, 4)], [255, 255, 255, 10, 20, 30, 177, 127, 227]);
    // Grey + alpha: 60 at alpha 51 → (3060 + 52020) / 255 = 216.
    assert.deepEqual([...flattenOverWhite(Uint8Array.from([60, 51]), 2)], [216]);
  });

  it("converts CMYK with Pillow's formula (255 − K) − C·(255 − K)/255", () => {
    const cmyk = Uint8Array.from([0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0, 255, 100, 50, 0, 128]);
    // Last: 255 − K = 127; C = 100 → 127 − round(12700 / 255 = 49.8) = 77; M = 50 → 127 − 25 = 102; Y = 0 → 127.
    assert.deepEqual([...cmykToRgb(cmyk)], [255, 255, 255, 0, 255, 255, 0, 0, 0, 77, 102, 127]);
  });

  it("converts RGB to grey with Pillow's luma (R·19595 + G·38470 + B·7471 + 2¹⁵) >> 16", () => {
    // Pure red, green, blue and white: 76, 150, 29, 255 (Pillow's convert('L') gives the same).
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]);
    assert.deepEqual([...rgbToGrey(rgb)], [76, 150, 29, 255]);
    assert.deepEqual([...greyToRgb(Uint8Array.from([7, 200]))], [7, 7, 7, 200, 200, 200]);
  });
});

describe('data/imageResample: Pillow bilinear', () => {
  it('enlarges [0, 255] to 4 pixels as [0, 64, 191, 255]', () => {
    // Pillow: centres 0.25, 0.75, 1.25, 1.75; the inner two weigh (0.75, 0.25) and (0.25, 0.75):
    // 255 · 0.25 = 63.75 → 64 after Pillow's fixed-point rounding, 191.25 → 191.
    assert.deepEqual([...resampleBilinear(row([0, 255]), 4, 1).pixels], [0, 64, 191, 255]);
  });

  it('shrinks [0, 100, 200, 255] by 2 with the widened (antialiasing) triangle: [71, 209]', () => {
    // Scale 2 widens the support to 2: output 0 reads x = 0..2 with weights 3/7, 3/7, 1/7 → 500/7 = 71.4;
    // output 1 reads x = 1..3 with 1/7, 3/7, 3/7 → 1465/7 = 209.3.
    assert.deepEqual([...resampleBilinear(row([0, 100, 200, 255]), 2, 1).pixels], [71, 209]);
  });

  it('resamples columns like rows, and each channel alike', () => {
    const column = { width: 1, height: 4, channels: 1, pixels: Uint8Array.from([0, 100, 200, 255]) };
    assert.deepEqual([...resampleBilinear(column, 1, 2).pixels], [71, 209]);
    const rgb = { width: 2, height: 1, channels: 3, pixels: Uint8Array.from([0, 10, 20, 255, 10, 220]) };
    const out = resampleBilinear(rgb, 4, 1).pixels;
    assert.deepEqual([out[0], out[3], out[6], out[9]], [0, 64, 191, 255]);
    assert.deepEqual([out[1], out[4], out[7], out[10]], [10, 10, 10, 10]);
  });

  it('crops a window and refuses one outside the image', () => {
    const image = { width: 3, height: 2, channels: 1, pixels: Uint8Array.from([1, 2, 3, 4, 5, 6]) };
    assert.deepEqual([...cropPixels(image, 1, 0, 2, 2).pixels], [2, 3, 5, 6]);
    assert.throws(() => cropPixels(image, 2, 0, 2, 2), RangeError);
  });

  it('records what it did: channels first, then the fit', () => {
    const grey = { width: 2, height: 1, channels: 1, pixels: Uint8Array.from([0, 255]) };
    const out = toRequest(grey, 3, { width: 4, height: 1, resize: 'stretch' });
    assert.equal(out.channels, 3);
    assert.deepEqual(
      [...out.pixels].filter((_, i) => i % 3 === 0),
      [0, 64, 191, 255],
    );
    assert.deepEqual(out.adjusted, { resized: true, conversions: ['grey-to-rgb'] });
    assert.equal(toRequest(grey, 1, { width: 2, height: 1, resize: 'stretch' }).adjusted, undefined);
  });
});
