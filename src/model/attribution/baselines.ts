/**
 * Reference inputs for Integrated Gradients and DeepLIFT (and the fill value of
 * the deletion measure): the "absence of signal" each attribution is measured
 * against. Sturmfels, Lundberg & Lee, "Visualizing the Impact of Feature
 * Attribution Baselines" (Distill, 2020) compare these choices.
 *
 * - zeros: all zeros in model-input space. For inputs normalised as
 *   (pixel·scale − mean)/std that is the dataset's mean colour, not black.
 * - blur: the input blurred by a Gaussian per channel over its last two
 *   dimensions (H, W), σ = min(H, W)/8 pixels (3.5 px on 28×28, 28 px on
 *   224×224): it keeps the colours and removes the shapes, and the fraction
 *   keeps that true at any resolution. A per-sample input of rank < 2 has no
 *   image plane to blur: it gets zeros.
 * - mean: every value replaced by its channel's mean over H×W (a rank-1 input
 *   counts as one channel, so every feature gets the mean of all features).
 *
 * The per-sample layout is NCHW without the batch: [C, H, W], with any leading
 * dimensions folded into C.
 */
import type { Baseline } from './types';

/** The blur's σ as a fraction of the image's shorter side. */
export const BLUR_SIGMA_FRACTION = 1 / 8;

export function makeBaseline(kind: Baseline, x: Float32Array, sampleShape: readonly number[]): Float32Array {
  switch (kind) {
    case 'zeros':
      return new Float32Array(x.length);
    case 'mean':
      return channelMeanImage(x, sampleShape);
    case 'blur': {
      const plane = imagePlane(sampleShape);
      if (!plane) return new Float32Array(x.length);
      return gaussianBlur(x, sampleShape, Math.min(plane.height, plane.width) * BLUR_SIGMA_FRACTION);
    }
    default:
      throw new RangeError(`unknown baseline "${kind as string}"`);
  }
}

/** Channels × H × W of a per-sample shape of rank ≥ 2; undefined for rank < 2. */
export function imagePlane(
  sampleShape: readonly number[],
): { channels: number; height: number; width: number } | undefined {
  if (sampleShape.length < 2) return undefined;
  const height = sampleShape[sampleShape.length - 2];
  const width = sampleShape[sampleShape.length - 1];
  const channels = sampleShape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { channels, height, width };
}

/** Each value replaced by the mean of its channel (all features form one channel below rank 2). */
export function channelMeanImage(x: Float32Array, sampleShape: readonly number[]): Float32Array {
  const plane = imagePlane(sampleShape);
  const channels = plane ? plane.channels : 1;
  const perChannel = x.length / channels;
  const out = new Float32Array(x.length);
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    for (let i = c * perChannel; i < (c + 1) * perChannel; i++) sum += x[i];
    out.fill(sum / perChannel, c * perChannel, (c + 1) * perChannel);
  }
  return out;
}

/**
 * Separable Gaussian blur of every channel over (H, W), kernel truncated at
 * 3σ. Near the border the kernel is renormalised over the pixels that exist,
 * so a constant image stays constant (no dark frame, as zero padding would give).
 */
export function gaussianBlur(x: Float32Array, sampleShape: readonly number[], sigma: number): Float32Array {
  const plane = imagePlane(sampleShape);
  if (!plane)
    throw new RangeError(
      `gaussianBlur needs a per-sample shape of rank ≥ 2, got [${sampleShape.join(', ')}]`,
    );
  const { channels, height, width } = plane;
  if (!(sigma > 0)) return x.slice();
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float64Array(2 * radius + 1);
  for (let k = -radius; k <= radius; k++) kernel[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));

  const out = new Float32Array(x.length);
  const rows = new Float64Array(height * width);
  for (let c = 0; c < channels; c++) {
    const base = c * height * width;
    // Along W.
    for (let y = 0; y < height; y++) {
      for (let col = 0; col < width; col++) {
        let sum = 0;
        let weight = 0;
        for (let k = Math.max(-radius, -col); k <= Math.min(radius, width - 1 - col); k++) {
          sum += kernel[k + radius] * x[base + y * width + col + k];
          weight += kernel[k + radius];
        }
        rows[y * width + col] = sum / weight;
      }
    }
    // Along H.
    for (let y = 0; y < height; y++) {
      for (let col = 0; col < width; col++) {
        let sum = 0;
        let weight = 0;
        for (let k = Math.max(-radius, -y); k <= Math.min(radius, height - 1 - y); k++) {
          sum += kernel[k + radius] * rows[(y + k) * width + col];
          weight += kernel[k + radius];
        }
        out[base + y * width + col] = sum / weight;
      }
    }
  }
  return out;
}
