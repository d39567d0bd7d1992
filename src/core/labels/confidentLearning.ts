/**
 * Confident learning (Northcutt, Jiang, Chuang, "Confident Learning:
 * Estimating Uncertainty in Dataset Labels", JAIR 2021), as cleanlab 2.x's
 * `filter.find_label_issues` (filter_by = "prune_by_noise_rate", the default)
 * and `count.num_label_issues` compute it from out-of-sample class
 * probabilities. Written from the paper and cleanlab's documented algorithm;
 * scripts/make-label-references.py is an independent NumPy port whose output
 * the tests compare with.
 *
 * Every function takes `probabilities` (n × C, row-major, rows summing to 1)
 * and `labels` (n class codes in 0..C−1; callers leave unlabelled samples out).
 */
import { InputError } from '../errors';

/** cleanlab's FLOATING_POINT_COMPARISON: ties within this count as equal. */
const FLOATING_POINT_COMPARISON = 1e-6;
/** cleanlab's CONFIDENT_THRESHOLDS_LOWER_BOUND. */
const THRESHOLD_LOWER_BOUND = 2 * FLOATING_POINT_COMPARISON;

export interface ConfidentJoint {
  /** C × C counts, row = given label, column = the class the sample is confidently counted in. */
  counts: Float64Array;
  /** Samples counted off the diagonal (given label ≠ confident class), ascending. */
  offDiagonal: Int32Array;
}

/** Per-class threshold t_c: the mean p_c over the samples labelled c (a class nobody carries: 2 · max p, never reached). */
export function confidentThresholds(
  probabilities: ArrayLike<number>,
  labels: Int32Array,
  C: number,
): Float64Array {
  checkInput(probabilities, labels, C);
  const sums = new Float64Array(C);
  const counts = new Float64Array(C);
  let largest = 0;
  for (let i = 0; i < labels.length; i++) {
    sums[labels[i]] += probabilities[i * C + labels[i]];
    counts[labels[i]]++;
  }
  for (let t = 0; t < probabilities.length; t++) largest = Math.max(largest, probabilities[t]);
  return Float64Array.from(sums, (sum, c) =>
    Math.max(counts[c] > 0 ? sum / counts[c] : 2 * largest, THRESHOLD_LOWER_BOUND),
  );
}

/**
 * The confident joint C[given][true]: sample i counts in column c when
 * p_c(x_i) ≥ t_c (among several such classes, the arg-max of p; none: not
 * counted). Every diagonal entry is at least 1. With `calibrate`, each row is
 * rescaled to the number of samples with that given label, the whole to n,
 * and the rows rounded to whole counts that keep their totals (cleanlab's
 * `calibrate_confident_joint`).
 */
export function confidentJoint(
  probabilities: ArrayLike<number>,
  labels: Int32Array,
  C: number,
  options: { calibrate?: boolean } = {},
): ConfidentJoint {
  const thresholds = confidentThresholds(probabilities, labels, C);
  const counts = new Float64Array(C * C);
  const offDiagonal: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    let confident = 0;
    let firstConfident = -1;
    for (let c = 0; c < C; c++) {
      if (probabilities[i * C + c] >= thresholds[c] - 1e-6) {
        confident++;
        if (firstConfident < 0) firstConfident = c;
      }
    }
    if (confident === 0) continue;
    const guess = confident > 1 ? argMax(probabilities, i, C) : firstConfident;
    counts[labels[i] * C + guess]++;
    if (guess !== labels[i]) offDiagonal.push(i);
  }
  for (let c = 0; c < C; c++) counts[c * C + c] = Math.max(counts[c * C + c], 1);
  return {
    counts: options.calibrate ? calibrateJoint(counts, labels, C) : counts,
    offDiagonal: Int32Array.from(offDiagonal),
  };
}

/** Rows scaled to the given-label counts, the total to n, then rounded row by row keeping each row's total. */
export function calibrateJoint(counts: Float64Array, labels: Int32Array, C: number): Float64Array {
  const perLabel = new Float64Array(C);
  for (const label of labels) perLabel[label]++;
  const scaled = new Float64Array(C * C);
  let total = 0;
  for (let r = 0; r < C; r++) {
    let rowSum = 0;
    for (let c = 0; c < C; c++) rowSum += counts[r * C + c];
    for (let c = 0; c < C; c++) {
      scaled[r * C + c] = (counts[r * C + c] / Math.max(rowSum, TINY)) * perLabel[r];
      total += scaled[r * C + c];
    }
  }
  for (let t = 0; t < scaled.length; t++) scaled[t] = (scaled[t] / Math.max(total, TINY)) * labels.length;
  return roundRowsPreservingTotals(scaled, C);
}

/**
 * The samples confident learning flags (prune by noise rate): for every pair
 * (given k, true j ≠ k), the n·Q[k][j] samples labelled k with the largest
 * margin p_j − p_k, where n·Q is the calibrated confident joint; then every
 * sample whose arg-max class is its given label is unflagged. 1 = flagged.
 */
export function findLabelIssues(probabilities: ArrayLike<number>, labels: Int32Array, C: number): Uint8Array {
  const joint = confidentJoint(probabilities, labels, C, { calibrate: true }).counts;
  const prune = keepAtLeastOnePerClass(transpose(joint, C), C);
  const flagged = new Uint8Array(labels.length);
  const members: number[][] = Array.from({ length: C }, () => []);
  labels.forEach((label, i) => members[label].push(i));
  for (let k = 0; k < C; k++) {
    const rows = members[k];
    if (rows.length <= 1) continue; // cleanlab's min_examples_per_class = 1
    for (let j = 0; j < C; j++) {
      const count = prune[j * C + k];
      if (j === k || count <= 0) continue;
      const margin = (i: number) => probabilities[i * C + j] - probabilities[i * C + k];
      const order = [...rows].sort((a, b) => margin(b) - margin(a) || a - b);
      for (const i of order.slice(0, count)) flagged[i] = 1;
    }
  }
  for (let i = 0; i < labels.length; i++) if (argMax(probabilities, i, C) === labels[i]) flagged[i] = 0;
  return flagged;
}

/**
 * How many labels are wrong, two ways (cleanlab's `num_label_issues`):
 * `offDiagonal` counts the samples off the diagonal of the (uncalibrated)
 * confident joint whose arg-max class, with p of the given label nudged up by
 * 1e-6, is not the given label; `calibrated` is n · (1 − trace / sum) of the
 * calibrated joint, rounded half to even.
 */
export function countLabelIssues(
  probabilities: ArrayLike<number>,
  labels: Int32Array,
  C: number,
): { offDiagonal: number; calibrated: number } {
  const { offDiagonal } = confidentJoint(probabilities, labels, C);
  let count = 0;
  for (const i of offDiagonal) {
    let best = 0;
    let bestValue = -Infinity;
    for (let c = 0; c < C; c++) {
      const value = probabilities[i * C + c] + (c === labels[i] ? FLOATING_POINT_COMPARISON : 0);
      if (value > bestValue) {
        best = c;
        bestValue = value;
      }
    }
    if (best !== labels[i]) count++;
  }
  const calibrated = confidentJoint(probabilities, labels, C, { calibrate: true }).counts;
  let trace = 0;
  let sum = 0;
  for (let r = 0; r < C; r++) for (let c = 0; c < C; c++) sum += calibrated[r * C + c];
  for (let c = 0; c < C; c++) trace += calibrated[c * C + c];
  return { offDiagonal: count, calibrated: roundHalfEven((1 - trace / Math.max(sum, TINY)) * labels.length) };
}

const TINY = 1e-100;

/**
 * cleanlab's `_keep_at_least_n_per_class` with n = 1 and frac_noise = 1, on the
 * prune-count matrix (the joint transposed: row = true class, column = given):
 * a diagonal below 1 is raised to 1, and the raise is taken evenly from that
 * column's non-zero off-diagonal entries (none below 0); the matrix is then
 * truncated to whole counts.
 */
function keepAtLeastOnePerClass(prune: Float64Array, C: number): Float64Array {
  const out = Float64Array.from(prune);
  for (let col = 0; col < C; col++) {
    const diagonal = prune[col * C + col];
    const raised = Math.max(diagonal, 1);
    let nonZero = 0;
    for (let row = 0; row < C; row++) if (prune[row * C + col] !== 0) nonZero++;
    const share = (raised - diagonal) / Math.max(nonZero - 1, 1);
    for (let row = 0; row < C; row++) {
      const value = row === col ? raised : prune[row * C + col] - share;
      out[row * C + col] = Math.trunc(Math.max(value, 0));
    }
  }
  return roundRowsPreservingTotals(out, C);
}

/**
 * cleanlab's `round_preserving_row_totals`: each row rounded (half to even, as
 * NumPy), then, while its sum differs from the rounded sum of the unrounded row,
 * the entries with the largest (value − rounded) are moved by one toward it.
 */
export function roundRowsPreservingTotals(matrix: Float64Array, C: number): Float64Array {
  const out = new Float64Array(matrix.length);
  for (let r = 0; r < matrix.length / C; r++) {
    const floats = matrix.subarray(r * C, (r + 1) * C);
    const ints = Float64Array.from(floats, roundHalfEven);
    const target = roundHalfEven(floats.reduce((a, b) => a + b, 0));
    let sum = roundHalfEven(ints.reduce((a, b) => a + b, 0));
    while (Math.abs(sum - target) > 1e-6) {
      const diff = roundHalfEven(target - sum);
      const increment = diff < 0 ? -1 : 1;
      const changes = Math.min(Math.abs(diff), C);
      // Ascending stable order of (value − rounded), reversed: the largest first.
      const order = Array.from({ length: C }, (_, c) => c)
        .sort((a, b) => floats[a] - ints[a] - (floats[b] - ints[b]) || a - b)
        .reverse();
      for (const c of order.slice(0, changes)) ints[c] += increment;
      sum = roundHalfEven(ints.reduce((a, b) => a + b, 0));
    }
    out.set(ints, r * C);
  }
  return out;
}

/** NumPy's rounding: to the nearest integer, halves to the even one. */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function transpose(matrix: Float64Array, C: number): Float64Array {
  const out = new Float64Array(C * C);
  for (let r = 0; r < C; r++) for (let c = 0; c < C; c++) out[c * C + r] = matrix[r * C + c];
  return out;
}

/** Arg-max of row i (ties → the smallest class). */
export function argMax(probabilities: ArrayLike<number>, i: number, C: number): number {
  let best = 0;
  for (let c = 1; c < C; c++) if (probabilities[i * C + c] > probabilities[i * C + best]) best = c;
  return best;
}

function checkInput(probabilities: ArrayLike<number>, labels: Int32Array, C: number): void {
  if (!Number.isInteger(C) || C < 1)
    throw new InputError('numClasses', `must be a whole number ≥ 1, got ${C}`);
  if (probabilities.length !== labels.length * C) {
    throw new RangeError(
      `probabilities hold ${probabilities.length} values, expected ${labels.length} × ${C}`,
    );
  }
  for (let i = 0; i < labels.length; i++) {
    if (!(labels[i] >= 0 && labels[i] < C)) {
      throw new InputError('labels', `sample ${i} has class ${labels[i]}, outside 0..${C - 1}`);
    }
  }
}
