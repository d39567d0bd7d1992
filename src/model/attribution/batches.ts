/**
 * What every saliency method does around its model calls: check the input,
 * build one-hot upstreams, and run many copies of the input (IG steps, noisy
 * samples, decoys) in bounded batches, checking for cancellation and reporting
 * progress between them.
 */
import { ParameterError, throwIfAborted } from '../../core/errors';
import type { ForwardModel } from '../autodiff/types';
import type { ExplainInput, MethodContext } from './types';

/**
 * Copies of the input a method builds and sends per model call. The model
 * splits a call into its own batches anyway; this bound keeps the copies'
 * memory small (128 × a 224×224×3 image is 77 MB) and gives cancellation a
 * chance between calls.
 */
export const SAMPLES_PER_CALL = 128;

/** Throws unless x has the model's per-sample size and target names one of its classes. */
export function checkExplainInput(model: ForwardModel, input: ExplainInput, method: string): void {
  if (input.x.length !== model.sampleSize) {
    throw new RangeError(
      `${method}: the input has ${input.x.length} values, the model takes ${model.sampleSize}`,
    );
  }
  const { target } = input;
  if (!Number.isInteger(target) || target < 0 || target >= model.numClasses) {
    throw new ParameterError(
      'target',
      `class ${target} does not exist: the model has classes 0 to ${model.numClasses - 1}`,
    );
  }
}

/** Throws an InputError unless value is an integer ≥ min (option names are the CLI's). */
export function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min)
    throw new ParameterError(name, `must be an integer ≥ ${min}, got ${value}`);
}

/** n rows of numClasses values, 1 at target: the upstream whose VJP is the gradient of logit[target]. */
export function oneHot(target: number, numClasses: number, n = 1): Float32Array {
  const rows = new Float32Array(n * numClasses);
  for (let i = 0; i < n; i++) rows[i * numClasses + target] = 1;
  return rows;
}

/**
 * Calls run(first, count) for consecutive slices of [0, total) of at most
 * `perCall` items, checking the signal before each slice and reporting
 * progress after it as (doneBefore + items done, grandTotal). Between slices it
 * yields to the event loop, so a cancel request or a progress message can get
 * through while a long method runs.
 */
export async function inSlices(
  total: number,
  perCall: number,
  context: MethodContext,
  run: (first: number, count: number) => Promise<void>,
  progress: { doneBefore: number; grandTotal: number } = { doneBefore: 0, grandTotal: total },
): Promise<void> {
  for (let first = 0; first < total; first += perCall) {
    throwIfAborted(context.signal);
    const count = Math.min(perCall, total - first);
    await run(first, count);
    context.progress?.(progress.doneBefore + first + count, progress.grandTotal);
    await yieldToEventLoop();
  }
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Softmax of one row of logits, in double precision (a max shift keeps exp finite). */
export function softmax(
  logits: ArrayLike<number>,
  offset = 0,
  length = logits.length - offset,
): Float64Array {
  let max = -Infinity;
  for (let j = 0; j < length; j++) max = Math.max(max, logits[offset + j]);
  const p = new Float64Array(length);
  let sum = 0;
  for (let j = 0; j < length; j++) {
    p[j] = Math.exp(logits[offset + j] - max);
    sum += p[j];
  }
  for (let j = 0; j < length; j++) p[j] /= sum;
  return p;
}

/** Index of the largest value (the first, on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
