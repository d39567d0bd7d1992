import { InputError } from '../errors';
import type { DenseMatrix } from '../types';
import { softmaxRows as softmax } from '../softmax';

/**
 * What the model itself says about each sample, from its logits: class
 * probabilities and the two classes it hesitates between. Scores are
 * "higher = more deserving of review", like every score of a scan.
 */

/** Row-wise softmax in float64 of a logits matrix. */
export function softmaxRows(logits: DenseMatrix): Float64Array {
  checkLogits(logits);
  return softmax(logits.data, logits.dim);
}

export interface TopTwo {
  /** Arg-max of each row (ties → the smaller class index). */
  first: Int32Array;
  /** The second largest logit's class: the runner-up. */
  second: Int32Array;
}

/** The predicted class and the runner-up of each row of logits (at least two classes). */
export function topTwo(logits: DenseMatrix): TopTwo {
  checkLogits(logits);
  const { rows, dim, data } = logits;
  const first = new Int32Array(rows);
  const second = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    let a = 0;
    let b = 1;
    if (data[i * dim + 1] > data[i * dim]) [a, b] = [1, 0];
    for (let c = 2; c < dim; c++) {
      const z = data[i * dim + c];
      if (z > data[i * dim + a]) [a, b] = [c, a];
      else if (z > data[i * dim + b]) b = c;
    }
    first[i] = a;
    second[i] = b;
  }
  return { first, second };
}

/** Shannon entropy −Σ p log p of each row's softmax (natural log; 0 log 0 = 0). */
export function entropyScores(probabilities: Float64Array, classes: number): Float64Array {
  const rows = rowCount(probabilities, classes);
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let h = 0;
    for (let c = 0; c < classes; c++) {
      const p = probabilities[i * classes + c];
      if (p > 0) h -= p * Math.log(p);
    }
    out[i] = h;
  }
  return out;
}

/** 1 − (p₁ − p₂): one minus the gap between the two largest probabilities. */
export function marginGapScores(probabilities: Float64Array, classes: number, top: TopTwo): Float64Array {
  const rows = rowCount(probabilities, classes);
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    out[i] = 1 - (probabilities[i * classes + top.first[i]] - probabilities[i * classes + top.second[i]]);
  }
  return out;
}

/** 1 − p_max: the maximum-softmax baseline (Hendrycks & Gimpel, ICLR 2017), turned into a suspicion. */
export function leastConfidenceScores(
  probabilities: Float64Array,
  classes: number,
  top: TopTwo,
): Float64Array {
  const rows = rowCount(probabilities, classes);
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) out[i] = 1 - probabilities[i * classes + top.first[i]];
  return out;
}

function rowCount(probabilities: Float64Array, classes: number): number {
  if (!Number.isInteger(classes) || classes < 2 || probabilities.length % classes !== 0) {
    throw new RangeError(
      `${probabilities.length} probabilities do not split into rows of ${classes} classes`,
    );
  }
  return probabilities.length / classes;
}

function checkLogits({ rows, dim, data }: DenseMatrix): void {
  if (dim < 2)
    throw new InputError('logits', `need at least two classes to have a decision boundary, got ${dim}`);
  if (data.length !== rows * dim)
    throw new RangeError(`logits hold ${data.length} values, expected ${rows}×${dim}`);
  for (let t = 0; t < data.length; t++) {
    if (!Number.isFinite(data[t])) {
      throw new InputError('logits', `sample ${Math.floor(t / dim)} has a non-finite logit (${data[t]})`);
    }
  }
}
