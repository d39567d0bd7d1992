/**
 * Pixels → model input: x = (pixel · scale − mean[c]) / std[c], laid out as
 * the sidecar says (NCHW or NHWC), written straight into the batch buffer.
 */
import type { RawImage } from '../data/types';
import type { InputConfig } from './sidecar';

export function pixelsPerImage(input: InputConfig): number {
  return input.channels * input.height * input.width;
}

/** Writes one HWC uint8 image (already checked to match the input size) into `batch` at image slot `slot`. */
export function writeImage(image: RawImage, input: InputConfig, batch: Float32Array, slot: number): void {
  const { channels, height, width, scale } = input;
  const plane = height * width;
  const offset = slot * channels * plane;
  for (let c = 0; c < channels; c++) {
    // Folding the affine map into one multiply-add per pixel: (p·scale − m)/s = p·(scale/s) − m/s.
    const std = input.std[input.std.length === 1 ? 0 : c];
    const mean = input.mean[input.mean.length === 1 ? 0 : c];
    const gain = scale / std;
    const shift = mean / std;
    for (let p = 0; p < plane; p++) {
      const value = image.pixels[p * channels + c] * gain - shift;
      if (input.layout === 'NCHW') batch[offset + c * plane + p] = value;
      else batch[offset + p * channels + c] = value;
    }
  }
}

/** The input tensor's dimensions for a batch of `count` images, following the model's declared rank. */
export function batchDims(input: InputConfig, declaredRank: number, count: number): number[] {
  const { channels, height, width } = input;
  if (declaredRank === 2) return [count, channels * height * width];
  if (declaredRank === 3) return [count, height, width];
  return input.layout === 'NCHW' ? [count, channels, height, width] : [count, height, width, channels];
}

/** Why an image cannot be fed to the model, or undefined when its size matches. */
export function sizeMismatch(image: RawImage, input: InputConfig, modelName: string): string | undefined {
  if (image.height === input.height && image.width === input.width) return undefined;
  return (
    `is ${image.width}×${image.height} pixels, but ${modelName} expects ${input.width}×${input.height} ` +
    `(${input.channels}×${input.height}×${input.width} input); MARGIN Lens does not resize images silently — resize them or use a matching model`
  );
}
