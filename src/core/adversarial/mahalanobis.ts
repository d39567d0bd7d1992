import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { InputError } from '../errors';
import type { DenseMatrix } from '../types';

/**
 * Class-conditional Gaussians with one shared ("tied") covariance, as Lee et
 * al. (NeurIPS 2018) fit them on a layer's features of clean training samples:
 * μ_c = mean of class c, Σ = (1/N) Σ_c Σ_{i∈c} (h_i − μ_c)(h_i − μ_c)ᵀ.
 * The score of a sample is its squared Mahalanobis distance to the closest
 * class mean, min_c (h − μ_c)ᵀ Σ⁻¹ (h − μ_c): far from every class = suspect.
 *
 * Σ gets a ridge of 1e-6 · trace(Σ)/dim before it is inverted, so that dead
 * channels (a ReLU that never fires) or fewer samples than dimensions leave it
 * invertible; Lee et al. use a pseudo-inverse for the same reason.
 */
export interface TiedGaussians {
  dim: number;
  /** Class codes that had samples, and their means (classes × dim, row-major). */
  classes: Int32Array;
  means: Float64Array;
  /** (Σ + ridge·I)⁻¹, dim × dim row-major. */
  precision: Float64Array;
}

export const RIDGE = 1e-6;

/** `labels[i]` is row i's class code; rows with a negative code are left out. */
export function fitTiedGaussians(features: DenseMatrix, labels: ArrayLike<number>): TiedGaussians {
  const { rows, dim, data } = features;
  if (labels.length !== rows)
    throw new RangeError(`fitTiedGaussians: ${labels.length} labels for ${rows} rows`);
  const sums = new Map<number, { count: number; sum: Float64Array }>();
  for (let i = 0; i < rows; i++) {
    const code = labels[i];
    if (code < 0) continue;
    let entry = sums.get(code);
    if (!entry) sums.set(code, (entry = { count: 0, sum: new Float64Array(dim) }));
    entry.count++;
    for (let j = 0; j < dim; j++) entry.sum[j] += data[i * dim + j];
  }
  if (sums.size === 0) throw new InputError('reference', 'has no labelled sample to fit class means on');
  const classes = Int32Array.from([...sums.keys()].sort((a, b) => a - b));
  const means = new Float64Array(classes.length * dim);
  const slot = new Map<number, number>();
  classes.forEach((code, c) => {
    slot.set(code, c);
    const { count, sum } = sums.get(code)!;
    for (let j = 0; j < dim; j++) means[c * dim + j] = sum[j] / count;
  });

  const covariance = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  let used = 0;
  for (let i = 0; i < rows; i++) {
    if (labels[i] < 0) continue;
    used++;
    const c = slot.get(labels[i])!;
    for (let j = 0; j < dim; j++) centred[j] = data[i * dim + j] - means[c * dim + j];
    for (let a = 0; a < dim; a++) {
      const va = centred[a];
      if (va === 0) continue;
      for (let b = a; b < dim; b++) covariance[a * dim + b] += va * centred[b];
    }
  }
  let trace = 0;
  for (let a = 0; a < dim; a++) {
    for (let b = a; b < dim; b++) {
      covariance[a * dim + b] /= used;
      covariance[b * dim + a] = covariance[a * dim + b];
    }
    trace += covariance[a * dim + a];
  }
  const ridge = RIDGE * (trace / dim) + 1e-12;
  return { dim, classes, means, precision: invertSpd(covariance, dim, ridge) };
}

export interface MahalanobisResult {
  /** min over classes of the squared Mahalanobis distance. */
  distance: Float64Array;
  /** The class code of the closest mean. */
  nearestClass: Int32Array;
}

/** d²_c = hᵀPh − 2 hᵀ(Pμ_c) + μ_cᵀPμ_c: one d² product per sample, then d per class. */
export function mahalanobisScores(features: DenseMatrix, model: TiedGaussians): MahalanobisResult {
  const { rows, dim, data } = features;
  if (dim !== model.dim)
    throw new RangeError(`mahalanobisScores: features have ${dim} columns, the model ${model.dim}`);
  const classCount = model.classes.length;
  const projected = new Float64Array(classCount * dim);
  const offsets = new Float64Array(classCount);
  for (let c = 0; c < classCount; c++) {
    for (let a = 0; a < dim; a++) {
      let value = 0;
      for (let b = 0; b < dim; b++) value += model.precision[a * dim + b] * model.means[c * dim + b];
      projected[c * dim + a] = value;
      offsets[c] += model.means[c * dim + a] * value;
    }
  }
  const distance = new Float64Array(rows);
  const nearestClass = new Int32Array(rows);
  const h = new Float64Array(dim);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < dim; j++) h[j] = data[i * dim + j];
    let quadratic = 0;
    for (let a = 0; a < dim; a++) {
      let row = 0;
      for (let b = 0; b < dim; b++) row += model.precision[a * dim + b] * h[b];
      quadratic += h[a] * row;
    }
    let best = Infinity;
    let bestClass = -1;
    for (let c = 0; c < classCount; c++) {
      let cross = 0;
      for (let j = 0; j < dim; j++) cross += h[j] * projected[c * dim + j];
      const d2 = quadratic - 2 * cross + offsets[c];
      if (d2 < best) {
        best = d2;
        bestClass = model.classes[c];
      }
    }
    // Rounding can leave a tiny negative value for a sample sitting on a mean.
    distance[i] = Math.max(0, best);
    nearestClass[i] = bestClass;
  }
  return { distance, nearestClass };
}

function invertSpd(matrix: Float64Array, dim: number, ridge: number): Float64Array {
  const m = new Matrix(dim, dim);
  for (let a = 0; a < dim; a++)
    for (let b = 0; b < dim; b++) m.set(a, b, matrix[a * dim + b] + (a === b ? ridge : 0));
  const inverse = new CholeskyDecomposition(m).solve(Matrix.eye(dim, dim));
  const out = new Float64Array(dim * dim);
  for (let a = 0; a < dim; a++)
    for (let b = 0; b < dim; b++) out[a * dim + b] = (inverse.get(a, b) + inverse.get(b, a)) / 2;
  return out;
}
