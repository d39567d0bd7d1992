/**
 * Occlusion (Zeiler & Fergus, "Visualizing and Understanding Convolutional
 * Networks", ECCV 2014): slide a square patch over the image, fill it with a
 * baseline, and score each pixel by how much the target logit drops, averaged
 * over every patch position that covers the pixel. It needs forward passes
 * only, so it explains models whose gradients are unavailable.
 *
 * Options (all optional):
 * - `patch`: side of the square patch in pixels; default round(min(H, W) / 7),
 *   i.e. 4 for 28×28 and 32 for 224×224 (a 1×D input gets a 1×round(D/7) patch).
 * - `stride`: step between patch positions; default max(1, floor(patch / 2)).
 *   The last row and column of positions is always included, so every pixel is covered.
 * - `baseline`: `zeros` (default; 0 in model-input space), `mean` (the
 *   input's per-channel mean), or a reference input (a Float32Array the
 *   engine resolved in pixel space: black, blur, mean; baselines.ts), whose
 *   values at the patch's positions fill it. The names `blur` and `black` are
 *   refused here: they need the image's layout and preprocessing, which the
 *   engine knows.
 * - `layout`: `NCHW` or `NHWC`, when the sidecar knows it; otherwise it is read
 *   off the per-sample shape (see `spatialLayout`).
 *
 * The map has the model input's per-sample shape; every channel of a pixel
 * holds the pixel's score (the patch covers all channels at once).
 */
import { ParameterError, throwIfAborted } from '../../core/errors';
import type { ForwardModel } from '../autodiff/types';
import type { Baseline, ExplainInput, MethodContext, MethodOptions } from './types';

export interface OcclusionOptions extends MethodOptions {
  patch?: number;
  stride?: number;
  layout?: 'NCHW' | 'NHWC';
}

/** Where the pixels are in a per-sample tensor: `index(c, y, x)` is the flat offset. */
export interface SpatialLayout {
  channels: number;
  height: number;
  width: number;
  channelsLast: boolean;
}

/** Occluded copies built and run at a time: bounds memory on large images. */
const PATCHES_PER_RUN = 32;

/**
 * Reads channels, height and width off a per-sample shape: [C, H, W] (C first
 * unless only the last dimension looks like channels, or the sidecar says
 * NHWC), [H, W], or a flat [D] that is a square image (D = s²) or else a
 * 1×D row. Leading dimensions beyond three are folded into the channels.
 */
export function spatialLayout(shape: readonly number[], layout?: 'NCHW' | 'NHWC'): SpatialLayout {
  const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
  if (shape.length === 1) {
    const side = Math.round(Math.sqrt(shape[0]));
    return side * side === shape[0]
      ? { channels: 1, height: side, width: side, channelsLast: false }
      : { channels: 1, height: 1, width: shape[0], channelsLast: false };
  }
  if (shape.length === 2) return { channels: 1, height: shape[0], width: shape[1], channelsLast: false };
  const looksLikeChannels = (d: number) => d === 1 || d === 3 || d === 4;
  const last = shape[shape.length - 1];
  const channelsLast =
    shape.length === 3 &&
    (layout === 'NHWC' || (layout === undefined && looksLikeChannels(last) && !looksLikeChannels(shape[0])));
  if (channelsLast) return { channels: last, height: shape[0], width: shape[1], channelsLast: true };
  return {
    channels: product(shape.slice(0, -2)),
    height: shape[shape.length - 2],
    width: shape[shape.length - 1],
    channelsLast: false,
  };
}

/** The flat offset of channel c of pixel (y, x). */
export function pixelOffset(layout: SpatialLayout, c: number, y: number, x: number): number {
  return layout.channelsLast
    ? (y * layout.width + x) * layout.channels + c
    : (c * layout.height + y) * layout.width + x;
}

/** Patch side and stride after defaults, clipped to the image. */
export function occlusionGrid(
  layout: SpatialLayout,
  options: OcclusionOptions,
): { patchH: number; patchW: number; stride: number } {
  for (const key of ['patch', 'stride'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new ParameterError(key, `must be a positive integer, got ${value}`);
    }
  }
  const { height, width } = layout;
  const defaultSide = Math.max(1, Math.round((height > 1 ? Math.min(height, width) : width) / 7));
  const side = options.patch ?? defaultSide;
  const patchH = Math.min(side, height);
  const patchW = Math.min(side, width);
  const stride = options.stride ?? Math.max(1, Math.floor(side / 2));
  return { patchH, patchW, stride };
}

/** Patch start positions along one axis: 0, stride, 2·stride, …, and the last one that fits. */
function starts(size: number, patch: number, stride: number): number[] {
  const positions: number[] = [];
  for (let start = 0; start + patch <= size; start += stride) positions.push(start);
  if (positions[positions.length - 1] !== size - patch) positions.push(size - patch);
  return positions;
}

export async function occlusion(
  model: ForwardModel,
  input: ExplainInput,
  options: OcclusionOptions,
  context: MethodContext,
): Promise<Float32Array> {
  const { x, target } = input;
  if (x.length !== model.sampleSize)
    throw new RangeError(`occlusion: input has ${x.length} values, the model takes ${model.sampleSize}`);
  const layout = spatialLayout(model.sampleShape, options.layout);
  const { patchH, patchW, stride } = occlusionGrid(layout, options);
  const fill = baselineFill(x, layout, options.baseline ?? 'zeros');
  const patches: [number, number][] = [];
  for (const y0 of starts(layout.height, patchH, stride))
    for (const x0 of starts(layout.width, patchW, stride)) patches.push([y0, x0]);

  const reference = (await model.predict(x, 1))[target];
  const plane = layout.height * layout.width;
  const drop = new Float64Array(plane);
  const covered = new Uint32Array(plane);
  const batch = new Float32Array(Math.min(PATCHES_PER_RUN, patches.length) * x.length);
  context.progress?.(0, patches.length);
  for (let first = 0; first < patches.length; first += PATCHES_PER_RUN) {
    throwIfAborted(context.signal);
    const run = patches.slice(first, first + PATCHES_PER_RUN);
    run.forEach(([y0, x0], slot) => {
      const copy = batch.subarray(slot * x.length, (slot + 1) * x.length);
      copy.set(x);
      for (let c = 0; c < layout.channels; c++) {
        for (let y = y0; y < y0 + patchH; y++)
          for (let xx = x0; xx < x0 + patchW; xx++) {
            const offset = pixelOffset(layout, c, y, xx);
            copy[offset] = fill[offset];
          }
      }
    });
    const logits = await model.predict(batch.subarray(0, run.length * x.length), run.length);
    run.forEach(([y0, x0], slot) => {
      const change = reference - logits[slot * model.numClasses + target];
      for (let y = y0; y < y0 + patchH; y++) {
        for (let xx = x0; xx < x0 + patchW; xx++) {
          drop[y * layout.width + xx] += change;
          covered[y * layout.width + xx]++;
        }
      }
    });
    context.progress?.(Math.min(first + run.length, patches.length), patches.length);
    // Let cancellation and progress messages through between runs.
    await new Promise((resolve) => setImmediate(resolve));
  }

  const map = new Float32Array(x.length);
  for (let y = 0; y < layout.height; y++) {
    for (let xx = 0; xx < layout.width; xx++) {
      const p = y * layout.width + xx;
      const score = drop[p] / covered[p];
      for (let c = 0; c < layout.channels; c++) map[pixelOffset(layout, c, y, xx)] = score;
    }
  }
  return map;
}

/** The values a patch is filled with, at every position of the input. */
function baselineFill(x: Float32Array, layout: SpatialLayout, baseline: Baseline): Float32Array {
  if (baseline instanceof Float32Array) {
    if (baseline.length !== x.length)
      throw new RangeError(`occlusion: the reference input has ${baseline.length} values, the input ${x.length}`);
    return baseline;
  }
  const fill = new Float32Array(x.length);
  if (baseline === 'zeros') return fill;
  if (baseline === 'mean') {
    const plane = layout.height * layout.width;
    for (let c = 0; c < layout.channels; c++) {
      let sum = 0;
      for (let y = 0; y < layout.height; y++)
        for (let xx = 0; xx < layout.width; xx++) sum += x[pixelOffset(layout, c, y, xx)];
      for (let y = 0; y < layout.height; y++)
        for (let xx = 0; xx < layout.width; xx++) fill[pixelOffset(layout, c, y, xx)] = sum / plane;
    }
    return fill;
  }
  throw new ParameterError(
    'baseline',
    `occlusion fills patches with zeros or the input's mean; "${baseline}" is not one of them`,
  );
}
