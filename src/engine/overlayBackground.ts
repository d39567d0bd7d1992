/**
 * The grey picture under a PNG overlay: the input image itself, or a .npy
 * input de-normalised by the sidecar's preprocessing, or (no preprocessing
 * known) its channel mean stretched to 0…255.
 */
import { pixelOffset, type SpatialLayout } from '../model/attribution/occlusion';
import type { InputConfig } from '../model/sidecar';
import type { RawImage } from '../data/types';

/** The input as the model takes it, and as pixels when it was an image. */
export interface LoadedInput {
  x: Float32Array;
  image?: RawImage;
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
