/**
 * Feature squeezing (Xu, Evans, Qi, NDSS 2018), forward passes only: the model
 * is run on squeezed copies of each input, and a sample whose prediction moves
 * a lot (L1 distance between the softmax outputs) is suspect. Also the input's
 * own noise residual, mean |u − median₃ₓ₃(u)|: the same median smoothing, read
 * in pixel space instead of through the model (L∞ attacks add high-frequency
 * noise that flat image regions do not have).
 */
import { medianFilter, reduceBitDepth, softmaxL1 } from '../../core/adversarial/squeeze';
import { throwIfAborted } from '../../core/errors';
import type { ComputeOptions } from '../../core/types';
import { fromUnit, toUnit, type InputSpace } from './inputSpace';

export type Squeezer = 'bit-depth-1' | 'bit-depth-4' | 'median-3x3';
export const SQUEEZERS: readonly Squeezer[] = ['bit-depth-1', 'bit-depth-4', 'median-3x3'];

export type Predict = (x: Float32Array, n: number) => Promise<Float32Array>;

export interface SqueezeResult {
  /** ‖softmax(f(x)) − softmax(f(squeeze(x)))‖₁ per sample, for each squeezer. */
  change: Record<Squeezer, Float64Array>;
  /** mean |u − median₃ₓ₃(u)| per sample, in unit pixels. */
  residual: Float64Array;
}

const CHUNK = 512;

export async function squeezeScores(
  predict: Predict,
  space: InputSpace,
  x: Float32Array,
  logits: Float32Array,
  n: number,
  classes: number,
  options: ComputeOptions = {},
): Promise<SqueezeResult> {
  const size = space.sampleSize;
  const change = Object.fromEntries(SQUEEZERS.map((name) => [name, new Float64Array(n)])) as Record<
    Squeezer,
    Float64Array
  >;
  const residual = new Float64Array(n);
  for (let start = 0; start < n; start += CHUNK) {
    throwIfAborted(options.signal);
    const count = Math.min(CHUNK, n - start);
    const unit = toUnit(space, x.subarray(start * size, (start + count) * size));
    const own = logits.subarray(start * classes, (start + count) * classes);
    const median = medianFilter(unit, space.geometry, 3);
    const squeezed: Record<Squeezer, Float32Array> = {
      'bit-depth-1': reduceBitDepth(unit, 1),
      'bit-depth-4': reduceBitDepth(unit, 4),
      'median-3x3': median,
    };
    for (const name of SQUEEZERS) {
      const moved = softmaxL1(own, await predict(fromUnit(space, squeezed[name]), count), classes);
      change[name].set(moved, start);
    }
    for (let i = 0; i < count; i++) {
      let sum = 0;
      for (let e = 0; e < size; e++) sum += Math.abs(unit[i * size + e] - median[i * size + e]);
      residual[start + i] = sum / size;
    }
    options.onProgress?.(start + count, n);
  }
  return { change, residual };
}
