/**
 * FGSM (Goodfellow et al. 2015) and PGD (Madry et al. 2018), L∞, untargeted,
 * crafted with the ONNX model's own gradients (model/autodiff). The loss is
 * the cross-entropy of the logits against a target class (the true or the
 * predicted one); its gradient with respect to the logits is softmax − onehot,
 * which is the upstream vector of one VJP through the model.
 *
 * ε and the step are in unit pixel space (u = pixel/255 ∈ [0, 1]); the model
 * input is an increasing affine map of u per channel, so sign(∂L/∂u) =
 * sign(∂L/∂x) and every step, projection and [0, 1] clip is done on x with
 * per-element bounds, without a round trip through u.
 */
import { seededUniform } from '../../core/random';
import { softmaxRows } from '../../core/softmax';
import { throwIfAborted } from '../../core/errors';
import type { ComputeOptions } from '../../core/types';
import type { GradientModel } from '../autodiff/types';
import type { InputSpace } from './inputSpace';

/** What an attack needs of a model: logits and their VJP. */
export type AttackModel = Pick<GradientModel, 'predict' | 'logits' | 'sampleSize' | 'numClasses'>;

/** Samples per gradient call; progress and cancellation are checked between chunks. */
const CHUNK = 256;

export interface AttackOptions extends ComputeOptions {
  /** L∞ radius in unit pixels (0.1 = a tenth of the pixel range). */
  epsilon: number;
}

export interface PgdOptions extends AttackOptions {
  steps: number;
  /** Step length in unit pixels. */
  stepSize: number;
  /** Start from a uniform random point of the ε-ball (default true). */
  randomStart?: boolean;
  seed?: number;
}

/** ∂ Σᵢ CE(logits(xᵢ), targetᵢ) / ∂x and the logits at x. */
export async function crossEntropyGradient(
  model: AttackModel,
  x: Float32Array,
  n: number,
  targets: ArrayLike<number>,
): Promise<{ grad: Float32Array; logits: Float32Array }> {
  const classes = model.numClasses;
  const logits = await model.predict(x, n);
  // softmax − onehot in float64 first: a confident p ≈ 1 − 1e-5 would lose its last digits in float32.
  const probabilities = softmaxRows(logits, classes);
  for (let i = 0; i < n; i++) probabilities[i * classes + targets[i]] -= 1;
  const upstream = Float32Array.from(probabilities);
  const { grad } = await model.logits.vjp(x, n, upstream);
  return { grad, logits };
}

/** x' = clip_[0,1](u + ε · sign ∇ᵤ CE), in model-input terms. */
export async function fgsm(
  model: AttackModel,
  space: InputSpace,
  x: Float32Array,
  n: number,
  targets: ArrayLike<number>,
  options: AttackOptions,
): Promise<Float32Array> {
  checkShapes(model, space, x, n, targets);
  const out = new Float32Array(x.length);
  const size = space.sampleSize;
  for (let start = 0; start < n; start += CHUNK) {
    throwIfAborted(options.signal);
    const count = Math.min(CHUNK, n - start);
    const part = x.subarray(start * size, (start + count) * size);
    const { grad } = await crossEntropyGradient(model, part, count, sliceOf(targets, start, count));
    for (let i = 0; i < part.length; i++) {
      const e = i % size;
      out[start * size + i] = clipToImage(
        space,
        e,
        part[i] + options.epsilon * space.gain[e] * Math.sign(grad[i]),
      );
    }
    options.onProgress?.(start + count, n);
  }
  return out;
}

/**
 * Projected gradient ascent on the cross-entropy: `steps` signed steps of
 * `stepSize`, each projected back onto the ε-ball around x and into [0, 1],
 * from a uniform random start in the ball (seeded).
 */
export async function pgd(
  model: AttackModel,
  space: InputSpace,
  x: Float32Array,
  n: number,
  targets: ArrayLike<number>,
  options: PgdOptions,
): Promise<Float32Array> {
  checkShapes(model, space, x, n, targets);
  const size = space.sampleSize;
  const random = seededUniform(options.seed ?? 0);
  const randomStart = options.randomStart ?? true;
  const out = new Float32Array(x.length);
  const totalWork = n * options.steps;
  for (let start = 0; start < n; start += CHUNK) {
    const count = Math.min(CHUNK, n - start);
    const origin = x.subarray(start * size, (start + count) * size);
    const chunkTargets = sliceOf(targets, start, count);
    const current = new Float32Array(origin.length);
    for (let i = 0; i < origin.length; i++) {
      const e = i % size;
      const jitter = randomStart ? (2 * random() - 1) * options.epsilon * space.gain[e] : 0;
      current[i] = clipToImage(space, e, origin[i] + jitter);
    }
    for (let step = 0; step < options.steps; step++) {
      throwIfAborted(options.signal);
      const { grad } = await crossEntropyGradient(model, current, count, chunkTargets);
      for (let i = 0; i < current.length; i++) {
        const e = i % size;
        const radius = options.epsilon * space.gain[e];
        let value = current[i] + options.stepSize * space.gain[e] * Math.sign(grad[i]);
        value = Math.min(origin[i] + radius, Math.max(origin[i] - radius, value));
        current[i] = clipToImage(space, e, value);
      }
      options.onProgress?.(start * options.steps + count * (step + 1), totalWork);
    }
    out.set(current, start * size);
  }
  return out;
}

/** Clamp element e of a sample to the model-input values of u ∈ [0, 1]. */
function clipToImage(space: InputSpace, e: number, value: number): number {
  const low = space.offset[e];
  const high = space.offset[e] + space.gain[e];
  return value < low ? low : value > high ? high : value;
}

function sliceOf(targets: ArrayLike<number>, start: number, count: number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = targets[start + i];
  return out;
}

function checkShapes(
  model: AttackModel,
  space: InputSpace,
  x: Float32Array,
  n: number,
  targets: ArrayLike<number>,
): void {
  if (space.sampleSize !== model.sampleSize) {
    throw new RangeError(
      `attack: the input space has ${space.sampleSize} values per sample, the model ${model.sampleSize}`,
    );
  }
  if (x.length !== n * model.sampleSize)
    throw new RangeError(`attack: ${x.length} values are not ${n} samples`);
  if (targets.length !== n) throw new RangeError(`attack: ${targets.length} targets for ${n} samples`);
  for (let i = 0; i < n; i++) {
    if (!(targets[i] >= 0 && targets[i] < model.numClasses))
      throw new RangeError(`attack: target ${targets[i]} is not a class of the model`);
  }
}
