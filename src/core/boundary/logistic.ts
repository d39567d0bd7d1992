import { Matrix, solve } from 'ml-matrix';

/**
 * L2-regularised logistic regression on standardised features, fitted by
 * Newton's method: minimises Σ log-loss + (λ/2)‖w‖² (the bias is not
 * penalised), which is scikit-learn's LogisticRegression(C = 1/λ) after a
 * StandardScaler. A handful of features and up to some ten thousand rows:
 * each Newton step is one pass over the rows and a d×d solve.
 */
export interface LogisticModel {
  mean: Float64Array;
  scale: Float64Array;
  /** Weights of the standardised features. */
  weights: Float64Array;
  bias: number;
  iterations: number;
}

export interface LogisticOptions {
  /** λ; default 1 (C = 1). */
  l2?: number;
  maxIterations?: number;
}

/** `features`: rows × d, row-major; `targets`: 0 or 1 per row. */
export function fitLogistic(
  features: Float64Array,
  targets: Uint8Array,
  d: number,
  options: LogisticOptions = {},
): LogisticModel {
  const rows = targets.length;
  if (features.length !== rows * d)
    throw new RangeError(`${features.length} feature values for ${rows} rows of ${d}`);
  const l2 = options.l2 ?? 1;
  const maxIterations = options.maxIterations ?? 100;
  const { mean, scale } = standardisation(features, rows, d);
  const x = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < d; j++) x[r * d + j] = (features[r * d + j] - mean[j]) / scale[j];

  // Parameters θ = [w_1..w_d, b].
  const theta = new Float64Array(d + 1);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    const gradient = new Float64Array(d + 1);
    const hessian = new Float64Array((d + 1) * (d + 1));
    for (let r = 0; r < rows; r++) {
      let z = theta[d];
      for (let j = 0; j < d; j++) z += theta[j] * x[r * d + j];
      const p = sigmoid(z);
      const residual = p - targets[r];
      const curvature = p * (1 - p);
      for (let a = 0; a <= d; a++) {
        const xa = a < d ? x[r * d + a] : 1;
        gradient[a] += residual * xa;
        for (let b = 0; b <= a; b++) hessian[a * (d + 1) + b] += curvature * xa * (b < d ? x[r * d + b] : 1);
      }
    }
    for (let a = 0; a <= d; a++)
      for (let b = 0; b < a; b++) hessian[b * (d + 1) + a] = hessian[a * (d + 1) + b];
    for (let j = 0; j < d; j++) {
      gradient[j] += l2 * theta[j];
      hessian[j * (d + 1) + j] += l2;
    }
    // A tiny ridge on the bias too, so a one-class target cannot make the system singular.
    hessian[d * (d + 1) + d] += 1e-12;
    const step = solve(toMatrix(hessian, d + 1), Matrix.columnVector(Array.from(gradient))).to1DArray();
    let largest = 0;
    for (let a = 0; a <= d; a++) {
      theta[a] -= step[a];
      largest = Math.max(largest, Math.abs(step[a]));
    }
    if (largest < 1e-10) {
      iterations++;
      break;
    }
  }
  return { mean, scale, weights: theta.slice(0, d), bias: theta[d], iterations };
}

/** The model's log-odds b + Σ w_j (x_j − mean_j)/scale_j for every row. */
export function logisticDecision(model: LogisticModel, features: Float64Array, d: number): Float64Array {
  const rows = features.length / d;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let z = model.bias;
    for (let j = 0; j < d; j++)
      z += (model.weights[j] * (features[r * d + j] - model.mean[j])) / model.scale[j];
    out[r] = z;
  }
  return out;
}

/** Column means and (population) standard deviations, as StandardScaler; a constant column gets scale 1. */
function standardisation(
  features: Float64Array,
  rows: number,
  d: number,
): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(d);
  const scale = new Float64Array(d);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) mean[j] += features[r * d + j];
  for (let j = 0; j < d; j++) mean[j] /= Math.max(rows, 1);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) scale[j] += (features[r * d + j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) {
    const sd = Math.sqrt(scale[j] / Math.max(rows, 1));
    scale[j] = sd > 0 ? sd : 1;
  }
  return { mean, scale };
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

function toMatrix(values: Float64Array, size: number): Matrix {
  const rows: number[][] = [];
  for (let a = 0; a < size; a++) rows.push(Array.from(values.subarray(a * size, (a + 1) * size)));
  return new Matrix(rows);
}
