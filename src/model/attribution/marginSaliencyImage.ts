/**
 * The picture MARGIN's superpixels are computed on (SLIC wants HWC values in
 * 0..1, intensity or sRGB).
 *
 * Decoded pixels when the input was an image (ExplainInput.pixels): SLIC's
 * compactness weighs colour differences in 0..1 units against distances in
 * grid steps (scikit-image's img_as_float, which the reference code used), so
 * the superpixels are the ones the paper's pipeline would draw on the same
 * file. Otherwise (a .npy model input) the model input rescaled to 0..1 per
 * channel: the sidecar's preprocessing is a per-channel affine map with a
 * positive gain, so min–max rescaling recovers pixel/255 exactly for every
 * image whose channels span 0..255, and only stretches the contrast of dimmer
 * ones (which moves segment borders a little, never the method's maths).
 * Inputs with other than 1 or 3 channels are segmented on their channel mean.
 */
import type { SlicImage } from '../../core/saliency';
import { pixelOffset, type SpatialLayout } from './occlusion';
import type { ExplainInput, PixelImage } from './types';

export function slicImageOf(input: ExplainInput, layout: SpatialLayout): SlicImage {
  const { height, width } = layout;
  const pixels = input.pixels;
  if (pixels && pixels.width === width && pixels.height === height) return toSlicImage(pixels);
  const channels = layout.channels;
  const data = new Float32Array(height * width * channels);
  for (let c = 0; c < channels; c++) {
    let low = Infinity;
    let high = -Infinity;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const value = input.x[pixelOffset(layout, c, y, x)];
        low = Math.min(low, value);
        high = Math.max(high, value);
      }
    }
    const span = high > low ? high - low : 1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++)
        data[(y * width + x) * channels + c] = (input.x[pixelOffset(layout, c, y, x)] - low) / span;
    }
  }
  return toSlicImage({ width, height, channels, data });
}

/** 1 or 3 channels as they are; any other count averaged into one intensity. */
function toSlicImage(pixels: PixelImage): SlicImage {
  const { width, height, channels, data } = pixels;
  if (channels === 1 || channels === 3) return { width, height, channels, data };
  const grey = new Float32Array(width * height);
  for (let p = 0; p < grey.length; p++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += data[p * channels + c];
    grey[p] = sum / channels;
  }
  return { width, height, channels: 1, data: grey };
}

/** Decoded 8-bit pixels (HWC) as ExplainInput.pixels. */
export function pixelImageOf(image: {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
}): PixelImage {
  const data = new Float32Array(image.pixels.length);
  for (let i = 0; i < data.length; i++) data[i] = image.pixels[i] / 255;
  return { width: image.width, height: image.height, channels: image.channels, data };
}
