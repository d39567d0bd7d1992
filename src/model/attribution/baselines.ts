/**
 * Reference inputs for Integrated Gradients, DeepLIFT and occlusion's fill
 * (and the fill value of the deletion measure): the "absence of signal" each
 * attribution is measured against. Sturmfels, Lundberg & Lee, "Visualizing
 * the Impact of Feature Attribution Baselines" (Distill, 2020) compare these choices.
 *
 * For an image model the reference is defined on the pixels, then brought to
 * the model's input by the sidecar's x = (pixel·scale − mean[c]) / std[c]:
 *
 * - black: every pixel 0, i.e. x = −mean[c]/std[c]. On dark-background data
 *   (Fashion-MNIST, MNIST) the background then equals the reference, so it
 *   gets no attribution: the map is about the object.
 * - blur: the image blurred by a Gaussian per channel over (H, W), σ =
 *   min(H, W)/8 pixels (3.5 px on 28×28, 28 px on 224×224): it keeps the
 *   colours and removes the shapes, and the fraction keeps that true at any
 *   resolution.
 * - mean: every pixel replaced by its channel's mean over the image.
 * - zeros: 0 in model-input space, i.e. the pixel `mean[c]/scale`: the
 *   dataset's mean colour, a mid grey on Fashion-MNIST, not black. Dark
 *   background then differs from the reference the most and can carry the
 *   strongest attribution of the map (kept for comparison and for inputs
 *   without pixels).
 *
 * Blur and mean are affine-invariant (weights summing to 1), so computing
 * them on the model input or on the pixels gives the same reference; only
 * the layout (NCHW or NHWC) matters, and `pixels` gives it.
 *
 * Without pixels (a model that takes vectors, e.g. table rows, or a .npy
 * input with no sidecar), there is no "black": zeros is 0 in model-input
 * space (for a table row normalised by the sidecar's mean/std, the training
 * mean of every feature: the "average row"); mean is the mean of the input's
 * values per channel (of all features for a vector); blur needs an image
 * plane and gives zeros below rank 2. The per-sample layout is then taken as
 * NCHW without the batch: [C, H, W], any leading dimensions folded into C.
 */
import { ParameterError } from '../../core/errors';
import type { InputConfig } from '../sidecar';
import type { Baseline, BaselineName } from './types';

export const BASELINE_NAMES: readonly BaselineName[] = ['black', 'blur', 'mean', 'zeros'];

/** How model-input values relate to pixels: the sidecar's image preprocessing. */
export type PixelSpace = Pick<InputConfig, 'layout' | 'channels' | 'height' | 'width' | 'scale' | 'mean' | 'std'>;

/** The methods that take a reference input, and the reference each uses by default on an image model. */
export type BaselineMethod = 'ig' | 'deeplift' | 'occlusion' | 'margin';

/**
 * Defaults for image models, chosen by faithfulness on held-out Fashion-MNIST
 * (bench/eval/baselines.ts: insertion − deletion AUC averaged over the four
 * fills, best on t10k images 100–199; on 0–99: IG blur 0.605 vs zeros 0.564,
 * DeepLIFT zeros 0.546 vs mean 0.530, occlusion mean 0.537 vs blur 0.559, a
 * tie on the tuning images). `black` scores lowest for every method (0.36–0.44)
 * although it keeps the map off the background (< 1 % of |map| there for IG
 * and DeepLIFT, against 40–55 %): the model does respond to a black background
 * turning grey, and the maps against grey references say so.
 *
 * margin (its mask fill) is black: tuned with its other settings on t10k
 * images 100–199 by deletion AUC (bench/eval/saliency.ts --tune), black fill
 * 0.190 against 0.317 for zeros; see marginSaliencyOptions.ts.
 */
export const DEFAULT_IMAGE_BASELINES: Readonly<Record<BaselineMethod, BaselineName>> = {
  ig: 'blur',
  deeplift: 'zeros',
  occlusion: 'mean',
  margin: 'black',
};

/** Without pixels there is nothing to be black: the reference is 0 in model-input space. */
export const DEFAULT_VECTOR_BASELINE: BaselineName = 'zeros';

/** The reference a method uses when none is asked: by the bench for image models, zeros otherwise. */
export function defaultBaseline(method: string, hasPixels: boolean): BaselineName {
  if (!hasPixels) return DEFAULT_VECTOR_BASELINE;
  return Object.prototype.hasOwnProperty.call(DEFAULT_IMAGE_BASELINES, method)
    ? DEFAULT_IMAGE_BASELINES[method as BaselineMethod]
    : 'zeros';
}

/**
 * The reference input of one sample, in model-input space. With `pixels`, the
 * names are read in the image's pixel space (see above); without, `black` is refused.
 */
export function referenceInput(
  kind: BaselineName,
  x: Float32Array,
  sampleShape: readonly number[],
  pixels?: PixelSpace,
): Float32Array {
  if (kind === 'black') {
    if (!pixels) {
      throw new ParameterError(
        'baseline',
        'black is pixel 0 through the sidecar\'s image preprocessing, and this input has no pixels ' +
          '(a model that takes vectors, or a .npy input without a sidecar describing an image): use zeros, mean or blur',
      );
    }
    return blackInput(pixels, x.length);
  }
  if (pixels && pixels.channels * pixels.height * pixels.width !== x.length) {
    throw new RangeError(
      `${kind} baseline: the sidecar describes ${pixels.channels}×${pixels.height}×${pixels.width} images, ` +
        `the input holds ${x.length} values`,
    );
  }
  if (!pixels || kind === 'zeros') return makeBaseline(kind, x, sampleShape);
  // The image's own geometry, whatever rank the model declares (a flattened [784] input is still 28×28).
  const shape = [pixels.channels, pixels.height, pixels.width];
  if (pixels.layout === 'NCHW') return makeBaseline(kind, x, shape);
  // NHWC: compute on the channel-first copy, then put the channels back last.
  return channelsLast(makeBaseline(kind, channelsFirst(x, pixels), shape), pixels);
}

/** Pixel 0 in every channel, normalised: −mean[c]/std[c], laid out as the model takes it. */
export function blackInput(pixels: PixelSpace, size: number): Float32Array {
  const { channels, height, width } = pixels;
  const plane = height * width;
  if (channels * plane !== size) {
    throw new RangeError(
      `black baseline: the sidecar describes ${channels}×${height}×${width} images, the input holds ${size} values`,
    );
  }
  const out = new Float32Array(size);
  for (let c = 0; c < channels; c++) {
    const at = (list: number[]) => list[list.length === 1 ? 0 : c];
    const value = (0 * pixels.scale - at(pixels.mean)) / at(pixels.std);
    for (let p = 0; p < plane; p++) out[pixels.layout === 'NCHW' ? c * plane + p : p * channels + c] = value;
  }
  return out;
}

/** A name resolved without pixels (zeros, blur, mean; NCHW), or a reference input passed through. */
export function makeBaseline(kind: Baseline, x: Float32Array, sampleShape: readonly number[]): Float32Array {
  if (kind instanceof Float32Array) {
    if (kind.length !== x.length)
      throw new RangeError(`the reference input has ${kind.length} values, the input ${x.length}`);
    return kind;
  }
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
    case 'black':
      return referenceInput('black', x, sampleShape);
    default:
      throw new RangeError(`unknown baseline "${kind as string}"`);
  }
}

function channelsFirst(x: Float32Array, pixels: PixelSpace): Float32Array {
  const { channels } = pixels;
  const plane = pixels.height * pixels.width;
  const out = new Float32Array(x.length);
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[c * plane + p] = x[p * channels + c];
  return out;
}

function channelsLast(x: Float32Array, pixels: PixelSpace): Float32Array {
  const { channels } = pixels;
  const plane = pixels.height * pixels.width;
  const out = new Float32Array(x.length);
  for (let p = 0; p < plane; p++) for (let c = 0; c < channels; c++) out[p * channels + c] = x[c * plane + p];
  return out;
}

/** The blur's σ as a fraction of the image's shorter side. */
export const BLUR_SIGMA_FRACTION = 1 / 8;

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
