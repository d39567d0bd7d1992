/**
 * The pictures of a PNG map: the grey picture under the overlay and the
 * original shown beside it (in colour when it has colour). Each is the input
 * image itself, or a .npy input de-normalised by the sidecar's preprocessing,
 * or (no preprocessing known) its channel mean stretched to 0…255.
 */
import { pixelOffset, type SpatialLayout } from '../model/attribution/occlusion';
import type { InputConfig } from '../model/sidecar';
import type { RawImage } from '../data/types';

/** The input as the model takes it, and as pixels when it was an image. */
export interface LoadedInput {
  x: Float32Array;
  image?: RawImage;
  /** What reading it took (resized, converted, …), one sentence each, naming the file. */
  notices?: string[];
}

/** The input as RGB pixels (height × width × 3): the image as the model saw it, else de-normalised, else grey. */
export function originalRgb(
  sample: LoadedInput,
  layout: SpatialLayout,
  input: InputConfig | undefined,
): Uint8Array {
  const { height, width } = layout;
  const rgb = new Uint8Array(height * width * 3);
  const image = sample.image;
  if (image && image.width === width && image.height === height && (image.channels === 3 || image.channels === 1)) {
    for (let p = 0; p < height * width; p++)
      for (let c = 0; c < 3; c++) rgb[p * 3 + c] = image.pixels[p * image.channels + (image.channels === 3 ? c : 0)];
    return rgb;
  }
  const colour =
    input && layout.channels === 3 && input.channels === 3 && input.height === height && input.width === width;
  if (colour) {
    const at = (list: number[], c: number) => list[list.length === 1 ? 0 : c];
    for (let y = 0; y < height; y++) {
      for (let xx = 0; xx < width; xx++) {
        for (let c = 0; c < 3; c++) {
          const value = sample.x[pixelOffset(layout, c, y, xx)];
          rgb[(y * width + xx) * 3 + c] = clampByte((value * at(input.std, c) + at(input.mean, c)) / input.scale);
        }
      }
    }
    return rgb;
  }
  const grey = greyBackground(sample, layout, input);
  for (let p = 0; p < grey.length; p++) rgb[p * 3] = rgb[p * 3 + 1] = rgb[p * 3 + 2] = grey[p];
  return rgb;
}

/** The overlay's background: the image itself, or the input de-normalised (a .npy input). */
export function greyBackground(
  sample: LoadedInput,
  layout: SpatialLayout,
  input: InputConfig | undefined,
): Uint8Array {
  const { height, width, channels } = layout;
  const grey = new Uint8Array(height * width);
  if (sample.image && sample.image.width === width && sample.image.height === height) {
    const { pixels, channels: imageChannels } = sample.image;
    for (let p = 0; p < grey.length; p++) {
      grey[p] =
        imageChannels === 3
          ? luminance(pixels[p * 3], pixels[p * 3 + 1], pixels[p * 3 + 2])
          : pixels[p * imageChannels];
    }
    return grey;
  }
  const { x } = sample;
  const perChannel = (c: number, y: number, xx: number) => x[pixelOffset(layout, c, y, xx)];
  const geometryMatches =
    input && input.channels === channels && input.height === height && input.width === width;
  if (geometryMatches) {
    // pixel = (x · std + mean) / scale, the inverse of the sidecar's preprocessing.
    const at = (list: number[], c: number) => list[list.length === 1 ? 0 : c];
    const pixel = (c: number, y: number, xx: number) =>
      (perChannel(c, y, xx) * at(input.std, c) + at(input.mean, c)) / input.scale;
    for (let y = 0; y < height; y++) {
      for (let xx = 0; xx < width; xx++) {
        grey[y * width + xx] =
          channels === 3
            ? luminance(pixel(0, y, xx), pixel(1, y, xx), pixel(2, y, xx))
            : clampByte(pixel(0, y, xx));
      }
    }
    return grey;
  }
  // No preprocessing known: stretch the channel mean to 0…255.
  const mean = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let xx = 0; xx < width; xx++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += perChannel(c, y, xx);
      mean[y * width + xx] = sum / channels;
    }
  }
  let low = Infinity;
  let high = -Infinity;
  for (const value of mean) {
    low = Math.min(low, value);
    high = Math.max(high, value);
  }
  const span = high > low ? high - low : 1;
  for (let p = 0; p < grey.length; p++) grey[p] = clampByte(((mean[p] - low) / span) * 255);
  return grey;
}

function luminance(r: number, g: number, b: number): number {
  return clampByte(0.299 * r + 0.587 * g + 0.114 * b);
}

function clampByte(value: number): number {
  return Number.isFinite(value) ? Math.max(0, Math.min(255, Math.round(value))) : 0;
}
