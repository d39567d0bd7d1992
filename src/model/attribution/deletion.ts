/**
 * The deletion measure of a saliency map's faithfulness (Petsiuk, Das &
 * Saenko, "RISE: Randomized Input Sampling for Explanation of Black-box
 * Models", BMVC 2018, "Deletion" metric): delete features in decreasing order of saliency,
 * a fixed fraction at a time, and follow the softmax probability of the target
 * class. The area under that curve, over the fraction deleted in [0, 1], is
 * low when the map puts first the features the prediction rests on, so lower
 * is more faithful.
 *
 * Choices:
 * - A deleted feature takes the baseline's value at that position (`fill`,
 *   default zeros: in model-input space that is the dataset mean for inputs
 *   normalised as (pixel·scale − mean)/std, a neutral grey rather than black,
 *   which would add edges where the image is light). `mean` and `blur`
 *   (baselines.ts) are the alternatives.
 * - Features are the elements of the input tensor, ranked by the map's signed
 *   value (largest first, ties by position): a positive value is evidence for
 *   the target in every map here. Pass |map| to rank by magnitude instead.
 * - `steps` fractions (default 20, i.e. 5 % at a time): after step k the first
 *   round(k·d/steps) features of the ranking are deleted, k = 0..steps.
 * - AUC by the trapezoid rule over the fraction actually deleted.
 *
 * Forward passes only, steps + 1 inputs in one call to `model.predict`.
 */
import { throwIfAborted } from '../../core/errors';
import type { ForwardModel } from '../autodiff/types';
import { checkExplainInput, checkInteger, softmax } from './batches';
import { makeBaseline } from './baselines';
import type { Baseline, ExplainInput, MethodContext } from './types';

export interface DeletionOptions {
  /** Deletion steps (default 20). */
  steps?: number;
  /** What a deleted feature becomes (default zeros). */
  fill?: Baseline;
}

export interface DeletionCurve {
  /** Fraction of features deleted at each step (steps + 1 values, 0 to 1). */
  fractions: Float64Array;
  /** Softmax probability of the target after each step. */
  probabilities: Float64Array;
  /** Area under probabilities over fractions. */
  auc: number;
}

export const DEFAULT_DELETION_STEPS = 20;

export async function deletionCurve(
  model: ForwardModel,
  input: ExplainInput,
  saliency: ArrayLike<number>,
  options: DeletionOptions = {},
  context: MethodContext = {},
): Promise<DeletionCurve> {
  checkExplainInput(model, input, 'deletion');
  const { x, target } = input;
  const size = x.length;
  if (saliency.length !== size)
    throw new RangeError(`deletion: the map has ${saliency.length} values, the input ${size}`);
  const steps = options.steps ?? DEFAULT_DELETION_STEPS;
  checkInteger('steps', steps, 1);
  const fill = makeBaseline(options.fill ?? 'zeros', x, model.sampleShape);

  const order = deletionOrder(saliency);
  const fractions = new Float64Array(steps + 1);
  const batch = new Float32Array((steps + 1) * size);
  const current = x.slice();
  let deleted = 0;
  for (let k = 0; k <= steps; k++) {
    const upTo = Math.round((k * size) / steps);
    for (; deleted < upTo; deleted++) current[order[deleted]] = fill[order[deleted]];
    fractions[k] = deleted / size;
    batch.set(current, k * size);
  }

  throwIfAborted(context.signal);
  context.progress?.(0, 1);
  const logits = await model.predict(batch, steps + 1);
  context.progress?.(1, 1);
  const probabilities = new Float64Array(steps + 1);
  for (let k = 0; k <= steps; k++)
    probabilities[k] = softmax(logits, k * model.numClasses, model.numClasses)[target];
  return { fractions, probabilities, auc: trapezoidArea(fractions, probabilities) };
}

/** Feature indices by decreasing saliency; equal values keep their positional order. */
export function deletionOrder(saliency: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: saliency.length }, (_, i) => i);
  // NaN would break the comparison's consistency: rank it last.
  const key = (i: number) => (Number.isNaN(saliency[i]) ? -Infinity : saliency[i]);
  order.sort((a, b) => key(b) - key(a) || a - b);
  return order;
}

export function trapezoidArea(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  let area = 0;
  for (let k = 1; k < xs.length; k++) area += ((xs[k] - xs[k - 1]) * (ys[k] + ys[k - 1])) / 2;
  return area;
}
