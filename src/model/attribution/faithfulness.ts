/**
 * How faithful a saliency map is to the model, by three measures:
 *
 * - **Deletion** (Petsiuk, Das & Saenko, "RISE: Randomized Input Sampling for
 *   Explanation of Black-box Models", BMVC 2018): delete features in
 *   decreasing order of saliency, a fixed fraction at a time, and follow the
 *   softmax probability of the target class. The area under that curve, over
 *   the fraction deleted in [0, 1], is low when the map puts first the
 *   features the prediction rests on: lower is more faithful.
 * - **Insertion** (same paper): the mirror image. Start from the fully deleted
 *   input (the baseline) and put the input's features back in the same order;
 *   the AUC is high when the first features restored bring the prediction
 *   back: higher is more faithful.
 * - **Sparsity**: the Gini index of |map| (Hurley & Rickard, "Comparing
 *   Measures of Sparsity", IEEE Trans. Inf. Theory 2009; used for saliency by
 *   Chalasani et al., "Concise Explanations of Neural Networks using
 *   Adversarial Training", ICML 2020). 0 for a uniform map, 1 − 1/n for a map
 *   with one non-zero value: higher means fewer features carry the map.
 *
 * Choices shared by deletion and insertion:
 * - A deleted feature takes the baseline's value at that position (`fill`,
 *   default zeros: in model-input space that is the dataset mean for inputs
 *   normalised as (pixel·scale − mean)/std, a neutral grey rather than black,
 *   which would add edges where the image is light). `mean` and `blur`
 *   (baselines.ts) are the alternatives.
 * - Features are the elements of the input tensor, ranked by the map's signed
 *   value (largest first, ties by position): a positive value is evidence for
 *   the target in every map here. Pass |map| to rank by magnitude instead.
 * - `steps` fractions (default 20, i.e. 5 % at a time): after step k the first
 *   round(k·d/steps) features of the ranking are changed, k = 0..steps.
 * - AUC by the trapezoid rule over the fraction actually changed.
 *
 * Forward passes only: each curve is steps + 1 inputs in one call to `model.predict`.
 */
import { throwIfAborted } from '../../core/errors';
import type { ForwardModel } from '../autodiff/types';
import { checkExplainInput, checkInteger, softmax } from './batches';
import { makeBaseline } from './baselines';
import type { Baseline, ExplainInput, MethodContext } from './types';

export interface FaithfulnessOptions {
  /** Deletion / insertion steps (default 20). */
  steps?: number;
  /** What a deleted feature becomes, and what insertion starts from (default zeros). */
  fill?: Baseline;
}

/** Kept for the callers that knew the options by deletion's name. */
export type DeletionOptions = FaithfulnessOptions;

export interface FaithfulnessCurve {
  /** Fraction of features deleted (or inserted) at each step (steps + 1 values, 0 to 1). */
  fractions: Float64Array;
  /** Softmax probability of the target after each step. */
  probabilities: Float64Array;
  /** Area under probabilities over fractions. */
  auc: number;
}

export type DeletionCurve = FaithfulnessCurve;

export interface FaithfulnessMetrics {
  /** Lower is more faithful. */
  deletionAuc: number;
  /** Higher is more faithful. */
  insertionAuc: number;
  /** Gini index of |map|, in [0, 1). */
  sparsity: number;
}

export const DEFAULT_DELETION_STEPS = 20;

/** RISE's deletion curve: from the input towards the baseline, most salient features first. */
export function deletionCurve(
  model: ForwardModel,
  input: ExplainInput,
  saliency: ArrayLike<number>,
  options: FaithfulnessOptions = {},
  context: MethodContext = {},
): Promise<FaithfulnessCurve> {
  return perturbationCurve('deletion', model, input, saliency, options, context);
}

/** RISE's insertion curve: from the baseline towards the input, most salient features first. */
export function insertionCurve(
  model: ForwardModel,
  input: ExplainInput,
  saliency: ArrayLike<number>,
  options: FaithfulnessOptions = {},
  context: MethodContext = {},
): Promise<FaithfulnessCurve> {
  return perturbationCurve('insertion', model, input, saliency, options, context);
}

/** All three measures of one map: two forward calls (one per curve) and the Gini index. */
export async function faithfulnessMetrics(
  model: ForwardModel,
  input: ExplainInput,
  saliency: ArrayLike<number>,
  options: FaithfulnessOptions = {},
  context: MethodContext = {},
): Promise<FaithfulnessMetrics> {
  const deletion = await deletionCurve(model, input, saliency, options, context);
  const insertion = await insertionCurve(model, input, saliency, options, context);
  return { deletionAuc: deletion.auc, insertionAuc: insertion.auc, sparsity: giniSparsity(saliency) };
}

async function perturbationCurve(
  direction: 'deletion' | 'insertion',
  model: ForwardModel,
  input: ExplainInput,
  saliency: ArrayLike<number>,
  options: FaithfulnessOptions,
  context: MethodContext,
): Promise<FaithfulnessCurve> {
  checkExplainInput(model, input, direction);
  const { x, target } = input;
  if (saliency.length !== x.length)
    throw new RangeError(`${direction}: the map has ${saliency.length} values, the input ${x.length}`);
  const steps = options.steps ?? DEFAULT_DELETION_STEPS;
  checkInteger('steps', steps, 1);
  const fill = makeBaseline(options.fill ?? 'zeros', x, model.sampleShape);
  // Deletion walks from the input to the baseline, insertion from the baseline to the input.
  const [start, end] = direction === 'deletion' ? [x, fill] : [fill, x];
  const { batch, fractions } = stepInputs(start, end, saliencyOrder(saliency), steps);

  throwIfAborted(context.signal);
  context.progress?.(0, 1);
  const logits = await model.predict(batch, steps + 1);
  context.progress?.(1, 1);
  const probabilities = new Float64Array(steps + 1);
  for (let k = 0; k <= steps; k++)
    probabilities[k] = softmax(logits, k * model.numClasses, model.numClasses)[target];
  return { fractions, probabilities, auc: trapezoidArea(fractions, probabilities) };
}

/**
 * The inputs of a deletion or insertion curve, steps + 1 of them in one batch:
 * input k is `start` with its first round(k·d/steps) features in `order` taken
 * from `end`. Input 0 is `start`, input `steps` is `end`.
 */
export function stepInputs(
  start: Float32Array,
  end: Float32Array,
  order: ArrayLike<number>,
  steps: number,
): { batch: Float32Array; fractions: Float64Array } {
  const size = start.length;
  const fractions = new Float64Array(steps + 1);
  const batch = new Float32Array((steps + 1) * size);
  const current = start.slice();
  let changed = 0;
  for (let k = 0; k <= steps; k++) {
    const upTo = Math.round((k * size) / steps);
    for (; changed < upTo; changed++) current[order[changed]] = end[order[changed]];
    fractions[k] = changed / size;
    batch.set(current, k * size);
  }
  return { batch, fractions };
}

/** Feature indices by decreasing saliency; equal values keep their positional order. */
export function saliencyOrder(saliency: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: saliency.length }, (_, i) => i);
  // NaN would break the comparison's consistency: rank it last.
  const key = (i: number) => (Number.isNaN(saliency[i]) ? -Infinity : saliency[i]);
  order.sort((a, b) => key(b) - key(a) || a - b);
  return order;
}

/** The name deletion's callers know the ranking by. */
export const deletionOrder = saliencyOrder;

export function trapezoidArea(xs: ArrayLike<number>, ys: ArrayLike<number>): number {
  let area = 0;
  for (let k = 1; k < xs.length; k++) area += ((xs[k] - xs[k - 1]) * (ys[k] + ys[k - 1])) / 2;
  return area;
}

/**
 * Gini index of |a| (Hurley & Rickard 2009, their eq. for G):
 *
 *   sort |a| ascending as a_(1) ≤ … ≤ a_(n);
 *   G = 1 − 2 Σ_{k=1..n} (a_(k) / ‖a‖₁) · (n − k + ½) / n
 *
 * Each value is weighted by how many values lie above it, so mass held by
 * few large values scores high. G = 0 when all |a_i| are equal, G = 1 − 1/n
 * when one value holds everything. It ignores scale (G(c·a) = G(a)) and the
 * map's sign. An all-zero map concentrates nothing, so it scores 0 (the
 * formula itself is 0/0 there).
 */
export function giniSparsity(map: ArrayLike<number>): number {
  const n = map.length;
  const sorted = Float64Array.from(map, Math.abs).sort();
  let l1 = 0;
  for (const value of sorted) l1 += value;
  if (n === 0 || l1 === 0) return 0;
  let weighted = 0;
  for (let k = 1; k <= n; k++) weighted += (sorted[k - 1] / l1) * ((n - k + 0.5) / n);
  return 1 - 2 * weighted;
}
