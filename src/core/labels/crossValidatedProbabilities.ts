/**
 * Class probabilities without a model: logistic regression on the points
 * (features, text components, pixel components), out of fold, as cleanlab
 * asks of the probabilities it is given (`cross_val_predict`): each sample is
 * scored by a classifier that never saw its label, so a wrong label cannot
 * vouch for itself.
 */
import { createCheckpoint } from '../cooperative';
import { fitLogisticRegression, logisticDecision } from '../logisticRegression';
import { sampleRows, seededNormal, seededUniform, shuffledRange } from '../random';
import type { ComputeOptions, DenseMatrix } from '../types';

/**
 * Points wider than this are fitted on a seeded Gaussian random projection to
 * this many dimensions: a Newton step costs rows · dim² per class, so pixels
 * (784 to 4,096 values) or a model's 1,024-d features would take hours. The
 * projection never sees a label, and text (100 components) and model
 * embeddings (64-d here) stay as they are.
 */
export const MAX_FIT_DIMENSIONS = 128;

/** Newton steps per fit at most: well-separated classes converge slowly towards large weights, and a few more digits do not change the ranking. */
const MAX_NEWTON_STEPS = 25;

export interface CrossValidationOptions extends ComputeOptions {
  /** Folds (default 5). */
  folds?: number;
  /** At most this many training rows per fold (a seeded sample; default 5,000): each Newton step costs rows · dim² per class. */
  maxTrainingRows?: number;
  seed?: number;
}

/**
 * n × C probabilities for the rows of `points` with a label (0..C−1; rows
 * labelled −1 get a uniform row and train nothing). Two classes: one binary
 * fit per fold. More: one-vs-rest fits, whose sigmoid outputs are normalised to
 * sum to 1. A class absent from a fold's training rows gets probability 0 there.
 */
export async function crossValidatedProbabilities(
  points: DenseMatrix,
  labels: Int32Array,
  C: number,
  options: CrossValidationOptions = {},
): Promise<Float64Array> {
  const { rows: n, dim, data } = projectIfWide(points, options.seed ?? 20261201);
  if (labels.length !== n) throw new RangeError(`labels hold ${labels.length} values for ${n} points`);
  const folds = options.folds ?? 5;
  const maxTraining = options.maxTrainingRows ?? 5_000;
  const seed = options.seed ?? 20261201;
  const checkpoint = createCheckpoint(options);
  const probabilities = new Float64Array(n * C).fill(1 / C);
  const labelled = Array.from(labels.keys()).filter((i) => labels[i] >= 0);
  const fold = new Int32Array(n).fill(-1);
  shuffledRange(labelled.length, seededUniform(seed)).forEach((position, order) => {
    fold[labelled[position]] = order % folds;
  });
  const binary = C === 2;
  const fitsPerFold = binary ? 1 : C;
  let done = 0;
  for (let f = 0; f < folds; f++) {
    const test = labelled.filter((i) => fold[i] === f);
    const allTraining = labelled.filter((i) => fold[i] !== f);
    const training = Array.from(sampleRows(allTraining.length, maxTraining, seed + f), (r) => allTraining[r]);
    if (test.length === 0) continue;
    const x = rowsOf(data, dim, training);
    const xTest = rowsOf(data, dim, test);
    const sigmoids = new Float64Array(test.length * C);
    for (let c = binary ? 1 : 0; c < C; c++) {
      const target = training.map((i) => (labels[i] === c ? 1 : 0));
      const positives = target.reduce((a: number, b) => a + b, 0);
      if (positives === 0 || positives === target.length) {
        for (let t = 0; t < test.length; t++) sigmoids[t * C + c] = positives === 0 ? 0 : 1;
      } else {
        const model = fitLogisticRegression(x, training.length, dim, target, {
          maxIterations: MAX_NEWTON_STEPS,
        });
        const decision = logisticDecision(model, xTest, test.length);
        for (let t = 0; t < test.length; t++) sigmoids[t * C + c] = 1 / (1 + Math.exp(-decision[t]));
      }
      options.onProgress?.(++done, folds * fitsPerFold);
      await checkpoint();
    }
    test.forEach((i, t) => {
      if (binary) {
        probabilities[i * C + 1] = sigmoids[t * C + 1];
        probabilities[i * C] = 1 - sigmoids[t * C + 1];
        return;
      }
      let sum = 0;
      for (let c = 0; c < C; c++) sum += sigmoids[t * C + c];
      for (let c = 0; c < C; c++) probabilities[i * C + c] = sum > 0 ? sigmoids[t * C + c] / sum : 1 / C;
    });
  }
  return probabilities;
}

function rowsOf(data: Float32Array, dim: number, rows: number[]): Float64Array {
  const out = new Float64Array(rows.length * dim);
  rows.forEach((row, r) => {
    for (let j = 0; j < dim; j++) out[r * dim + j] = data[row * dim + j];
  });
  return out;
}

/** `points` when at most MAX_FIT_DIMENSIONS wide, else X·R with R dim × 128 of N(0, 1/128) entries, seeded. */
export function projectIfWide(points: DenseMatrix, seed: number): DenseMatrix {
  const { rows, dim, data } = points;
  if (dim <= MAX_FIT_DIMENSIONS) return points;
  const out = MAX_FIT_DIMENSIONS;
  const normal = seededNormal(seed);
  const scale = 1 / Math.sqrt(out);
  const projection = Float64Array.from({ length: dim * out }, () => normal() * scale);
  const projected = new Float32Array(rows * out);
  const row = new Float64Array(out);
  for (let r = 0; r < rows; r++) {
    row.fill(0);
    for (let j = 0; j < dim; j++) {
      const value = data[r * dim + j];
      if (value === 0) continue;
      const offset = j * out;
      for (let o = 0; o < out; o++) row[o] += value * projection[offset + o];
    }
    projected.set(row, r * out);
  }
  return { rows, dim: out, data: projected };
}
