import { auroc } from '../metrics';
import { fitLogisticRegression, logisticDecision, type LogisticModel } from '../logisticRegression';
import { seededUniform, shuffledRange } from '../random';

/**
 * The `combined` boundary scorer's maths: a logistic regression that predicts
 * the model's own mistakes from model confidence and reference evidence,
 * fitted on a labelled reference set (where the mistakes are known), then
 * applied to the data. Features of one sample, in this order:
 *   log(1 − p_max)                 the model's doubt (clamped at 1e-12),
 *   q_k for each k                  share of the k nearest reference samples labelled as predicted,
 *   log trust                       the trust score (Jiang et al. 2018), clamped to [1e-6, 1e6].
 * The combination is used only when it beats the model's doubt alone in a
 * stratified cross-validation on the reference; otherwise the doubt alone
 * (1 − p_max) ranks, since a small reference can make a noisy fit.
 */
export function boundaryFeatures(
  leastConfidence: Float64Array,
  agreements: Float64Array[],
  trust: Float64Array,
): Float64Array {
  const rows = leastConfidence.length;
  const d = 2 + agreements.length;
  const out = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) {
    out[r * d] = Math.log(Math.max(leastConfidence[r], 1e-12));
    agreements.forEach((q, j) => (out[r * d + 1 + j] = q[r]));
    out[r * d + d - 1] = Math.log(Math.min(Math.max(trust[r], 1e-6), 1e6));
  }
  return out;
}

export interface CombinationChoice {
  /** The fitted combination (always fitted when possible, even when not chosen). */
  model?: LogisticModel;
  /** Whether the combination ranks the data, or the first feature (the model's doubt) alone. */
  useCombination: boolean;
  /** Out-of-fold AUROC of the combination for the reference's mistakes (NaN when not fitted). */
  crossValidatedAuroc: number;
  /** AUROC of the first feature alone for the same mistakes. */
  baselineAuroc: number;
  /** Why the combination was not used, when it was not. */
  reason?: string;
}

export interface CombinationOptions {
  /** The logistic regression's inverse penalty, as scikit-learn's C; default 1. */
  c?: number;
  /** Cross-validation folds; default 5. */
  folds?: number;
  seed?: number;
}

/**
 * Fits the combination on reference rows (`features` rows × d, `mistakes` 1
 * where the model is wrong) and decides, by stratified k-fold
 * cross-validation, whether it beats feature 0 alone.
 */
export function chooseCombination(
  features: Float64Array,
  mistakes: Uint8Array,
  d: number,
  options: CombinationOptions = {},
): CombinationChoice {
  const folds = options.folds ?? 5;
  const rows = mistakes.length;
  const baseline = new Float64Array(rows);
  for (let r = 0; r < rows; r++) baseline[r] = features[r * d];
  const positives = mistakes.reduce((sum, m) => sum + m, 0);
  const isMistake = Array.from(mistakes, Boolean);
  const baselineAuroc = auroc(baseline, isMistake);
  if (positives < folds || rows - positives < folds) {
    return {
      useCombination: false,
      crossValidatedAuroc: Number.NaN,
      baselineAuroc,
      reason: `the model makes ${positives} mistakes on the ${rows} reference samples; fitting needs at least ${folds} mistakes and ${folds} correct predictions`,
    };
  }
  const fold = stratifiedFolds(mistakes, folds, options.seed ?? 1);
  const outOfFold = new Float64Array(rows);
  for (let f = 0; f < folds; f++) {
    const train = rowsWhere(fold, (value) => value !== f);
    const test = rowsWhere(fold, (value) => value === f);
    const model = fitLogisticRegression(
      pick(features, train, d),
      train.length,
      d,
      pick(mistakes, train, 1),
      options,
    );
    const decision = logisticDecision(model, pick(features, test, d), test.length);
    test.forEach((row, t) => (outOfFold[row] = decision[t]));
  }
  const crossValidatedAuroc = auroc(outOfFold, isMistake);
  const model = fitLogisticRegression(features, rows, d, mistakes, options);
  const useCombination = crossValidatedAuroc > baselineAuroc;
  return {
    model,
    useCombination,
    crossValidatedAuroc,
    baselineAuroc,
    reason: useCombination
      ? undefined
      : `on the reference, the combination found ${crossValidatedAuroc.toFixed(3)} of the model's mistakes (cross-validated AUROC) and the model's confidence alone ${baselineAuroc.toFixed(3)}`,
  };
}

/** Fold of every row: positives and negatives each shuffled and dealt round robin, so every fold has its share of both. */
export function stratifiedFolds(targets: Uint8Array, folds: number, seed: number): Int32Array {
  const random = seededUniform(seed);
  const fold = new Int32Array(targets.length);
  // One deal continues across both classes, so fold sizes differ by at most one too.
  let dealt = 0;
  for (const value of [1, 0]) {
    const members = rowsWhere(targets, (target) => target === value);
    for (const position of shuffledRange(members.length, random)) fold[members[position]] = dealt++ % folds;
  }
  return fold;
}

function rowsWhere(values: ArrayLike<number>, keep: (value: number) => boolean): number[] {
  const rows: number[] = [];
  for (let r = 0; r < values.length; r++) if (keep(values[r])) rows.push(r);
  return rows;
}

function pick<T extends Float64Array | Uint8Array>(values: T, rows: number[], width: number): T {
  const out = new (values.constructor as new (length: number) => T)(rows.length * width);
  rows.forEach((row, t) => out.set(values.subarray(row * width, (row + 1) * width), t * width));
  return out;
}
