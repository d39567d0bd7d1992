/**
 * Pixel conversions on decoded HWC arrays, each as Pillow does it, since a
 * model trained with torchvision saw Pillow's pixels (its ImageFolder loader
 * is `Image.open(f).convert('RGB')`). Where Pillow does something a model
 * cannot have been trained on (it clips 16-bit greyscale to 255), we say so.
 */
import { fitGeometry, type ImageFit } from './imageFit';
import { cropPixels, resampleBilinear, type Pixels8 } from './imageResample';
import type { ImageAdjustments, RawImage } from './types';

/** 16-bit samples to 8 bits by their high byte, as Pillow reads 16-bit RGB(A) PNGs. */
export function highBytes(samples: Uint16Array): Uint8Array {
  const out = new Uint8Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = samples[i] >> 8;
  return out;
}

/**
 * Composites interleaved colour + alpha samples over white and drops the alpha:
 * round((v·a + 255·(255 − a)) / 255), which is what pasting the image on a
 * white canvas with its alpha as the mask gives in Pillow.
 */
export function flattenOverWhite(samples: Uint8Array, bandsWithAlpha: number): Uint8Array {
  const colours = bandsWithAlpha - 1;
  const count = samples.length / bandsWithAlpha;
  const out = new Uint8Array(count * colours);
  for (let p = 0; p < count; p++) {
    const alpha = samples[p * bandsWithAlpha + colours];
    for (let c = 0; c < colours; c++) {
      const value = samples[p * bandsWithAlpha + c];
      out[p * colours + c] = Math.round((value * alpha + 255 * (255 - alpha)) / 255);
    }
  }
  return out;
}

/** Pillow's MULDIV255: a·b / 255, rounded, in integers. */
function mulDiv255(a: number, b: number): number {
  const t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

/** CMYK → RGB by Pillow's formula R = (255 − K) − C·(255 − K)/255 (not colour-managed, as torchvision's loader). */
export function cmykToRgb(cmyk: Uint8Array): Uint8Array {
  const count = cmyk.length / 4;
  const rgb = new Uint8Array(count * 3);
  for (let p = 0; p < count; p++) {
    const notBlack = 255 - cmyk[4 * p + 3];
    for (let c = 0; c < 3; c++) rgb[3 * p + c] = Math.max(0, notBlack - mulDiv255(cmyk[4 * p + c], notBlack));
  }
  return rgb;
}

/** Pillow's RGB → L: ITU-R 601-2 luma, (R·19595 + G·38470 + B·7471 + 2¹⁵) >> 16. */
export function rgbToGrey(rgb: Uint8Array): Uint8Array {
  const count = rgb.length / 3;
  const grey = new Uint8Array(count);
  for (let p = 0; p < count; p++) {
    grey[p] = (rgb[3 * p] * 19595 + rgb[3 * p + 1] * 38470 + rgb[3 * p + 2] * 7471 + 0x8000) >>> 16;
  }
  return grey;
}

export function greyToRgb(grey: Uint8Array): Uint8Array {
  const rgb = new Uint8Array(grey.length * 3);
  for (let p = 0; p < grey.length; p++) rgb[3 * p] = rgb[3 * p + 1] = rgb[3 * p + 2] = grey[p];
  return rgb;
}

/**
 * An 8-bit grey or RGB image to the channels and size asked for: channels
 * first (Pillow's loader converts before torchvision resizes), then the fit.
 * `earlier` is what decoding already did (a conversion, or the resize when the
 * decoder shrank a large image itself); the result's `adjusted` records
 * everything, so that a scan can count it.
 */
export function toRequest(
  image: Pixels8,
  channels: number | undefined,
  fit: ImageFit | undefined,
  earlier: ImageAdjustments = { resized: false, conversions: [] },
): RawImage {
  const conversions = [...earlier.conversions];
  let current = image;
  if (channels !== undefined && channels !== current.channels) {
    const pixels = channels === 3 ? greyToRgb(current.pixels) : rgbToGrey(current.pixels);
    conversions.push(channels === 3 ? 'grey-to-rgb' : 'rgb-to-grey');
    current = { ...current, channels, pixels };
  }
  const resizing = fit !== undefined && (current.width !== fit.width || current.height !== fit.height);
  if (resizing) {
    const geometry = fitGeometry(current.width, current.height, fit);
    current = resampleBilinear(current, geometry.resizeWidth, geometry.resizeHeight);
    current = cropPixels(current, geometry.left, geometry.top, fit.width, fit.height);
  }
  const result: RawImage = {
    width: current.width,
    height: current.height,
    channels: current.channels,
    pixels: current.pixels,
  };
  const resized = earlier.resized || resizing;
  if (resized || conversions.length > 0) result.adjusted = { resized, conversions };
  return result;
}
