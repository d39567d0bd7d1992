import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { InputError } from './errors';

/**
 * Binary logistic regression with an L2 penalty, on standardised features,
 * fitted by Newton's method (IRLS). It minimises sklearn's objective
 *
 *   ½‖w‖² + C Σᵢ sᵢ · log(1 + exp(−ỹᵢ (w·zᵢ + b))),   ỹᵢ = ±1,
 *
 * where zᵢ are the rows standardised by the training mean and (population)
 * standard deviation, sᵢ optional sample weights and the intercept b is not
 * penalised — the same fit as sklearn's
 * `LogisticRegression(C).fit(StandardScaler().fit_transform(X), y)`.
 * The problem is strictly convex, so Newton converges in a few steps; the
 * detectors that use it have a few dozen features, so the (d+1)² Hessian is small.
 */
export interface LogisticRegressionOptions {
  /** Inverse penalty strength, as sklearn's C (default 1). */
  c?: number;
  /** One weight per row (default 1), e.g. to balance the classes. */
  sampleWeights?: ArrayLike<number>;
  /** Newton steps at most (default 100). */
  maxIterations?: number;
  /** Stop when the largest gradient entry falls below this (default 1e-10 · rows). */
  tolerance?: number;
}

export interface LogisticModel {
  /** Feature means and standard deviations of the training rows (a constant column gets scale 1). */
  mean: Float64Array;
  scale: Float64Array;
  /** Weights on the standardised features, and the intercept. */
  weights: Float64Array;
  bias: number;
  iterations: number;
}

/** `x` holds `rows × dim` values row-major; `labels` is 1 (positive) or 0 per row. */
export function fitLogisticRegression(
  x: ArrayLike<number>,
  rows: number,
  dim: number,
  labels: ArrayLike<number>,
  options: LogisticRegressionOptions = {},
): LogisticModel {
  if (x.length !== rows * dim)
    throw new RangeError(`fitLogisticRegression: ${x.length} values are not ${rows} × ${dim}`);
  if (labels.length !== rows)
    throw new RangeError(`fitLogisticRegression: ${labels.length} labels for ${rows} rows`);
  let positives = 0;
  for (let i = 0; i < rows; i++) if (labels[i] === 1) positives++;
  if (positives === 0 || positives === rows) {
    throw new InputError(
      'labels',
      `a logistic regression needs both classes; got ${positives} positive rows of ${rows}`,
    );
  }
  const c = options.c ?? 1;
  const weightsOf = options.sampleWeights;
  const { mean, scale } = standardisation(x, rows, dim);
  const z = new Float64Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < dim; j++) z[i * dim + j] = (x[i * dim + j] - mean[j]) / scale[j];
  }

  // Parameters θ = [w (dim), b]; the penalty covers w only.
  const p = dim + 1;
  const theta = new Float64Array(p);
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.tolerance ?? 1e-10 * rows;
  let iterations = 0;
  let objective = objectiveAt(theta);
  for (; iterations < maxIterations; iterations++) {
    const gradient = new Float64Array(p);
    const hessian = new Float64Array(p * p);
    for (let j = 0; j < dim; j++) {
      gradient[j] = theta[j];
      hessian[j * p + j] = 1;
    }
    for (let i = 0; i < rows; i++) {
      const s = c * (weightsOf ? weightsOf[i] : 1);
      const prob = sigmoid(linear(theta, z, i, dim));
      const residual = s * (prob - labels[i]);
      const curvature = s * prob * (1 - prob);
      const offset = i * dim;
      for (let a = 0; a < p; a++) {
        const za = a < dim ? z[offset + a] : 1;
        gradient[a] += residual * za;
        const scaled = curvature * za;
        for (let b = a; b < p; b++) hessian[a * p + b] += scaled * (b < dim ? z[offset + b] : 1);
      }
    }
    let largest = 0;
    for (let a = 0; a < p; a++) largest = Math.max(largest, Math.abs(gradient[a]));
    if (largest <= tolerance) break;
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) hessian[a * p + b] = hessian[b * p + a];
    const step = solveSymmetric(hessian, gradient, p);
    // Newton step with backtracking, so that separable data cannot make it overshoot.
    let length = 1;
    let candidate = new Float64Array(p);
    let next = objective;
    for (let halvings = 0; halvings < 40; halvings++) {
      for (let a = 0; a < p; a++) candidate[a] = theta[a] - length * step[a];
      next = objectiveAt(candidate);
      if (next <= objective) break;
      length /= 2;
    }
    if (!(next <= objective)) break;
    theta.set(candidate);
    const improvement = objective - next;
    objective = next;
    if (improvement <= 1e-15 * Math.max(1, Math.abs(objective))) {
      iterations++;
      break;
    }
    candidate = new Float64Array(p);
  }
  return { mean, scale, weights: theta.slice(0, dim), bias: theta[dim], iterations };

  function objectiveAt(parameters: Float64Array): number {
    let value = 0;
    for (let j = 0; j < dim; j++) value += 0.5 * parameters[j] * parameters[j];
    for (let i = 0; i < rows; i++) {
      const s = c * (weightsOf ? weightsOf[i] : 1);
      const margin = linear(parameters, z, i, dim) * (labels[i] === 1 ? 1 : -1);
      value += s * softplus(-margin);
    }
    return value;
  }
}

/** The decision function w·z + b (log-odds of the positive class) of each row of `x` (`rows × dim`). */
export function logisticDecision(model: LogisticModel, x: ArrayLike<number>, rows: number): Float64Array {
  const dim = model.weights.length;
  if (x.length !== rows * dim)
    throw new RangeError(`logisticDecision: ${x.length} values are not ${rows} × ${dim}`);
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let value = model.bias;
    for (let j = 0; j < dim; j++)
      value += (model.weights[j] * (x[i * dim + j] - model.mean[j])) / model.scale[j];
    out[i] = value;
  }
  return out;
}

function standardisation(
  x: ArrayLike<number>,
  rows: number,
  dim: number,
): { mean: Float64Array; scale: Float64Array } {
  const mean = new Float64Array(dim);
  const scale = new Float64Array(dim);
  for (let i = 0; i < rows; i++) for (let j = 0; j < dim; j++) mean[j] += x[i * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= rows;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < dim; j++) {
      const d = x[i * dim + j] - mean[j];
      scale[j] += d * d;
    }
  }
  for (let j = 0; j < dim; j++) {
    const sd = Math.sqrt(scale[j] / rows);
    // A constant column carries no information; sklearn's StandardScaler also leaves it unscaled.
    scale[j] = sd > 0 && Number.isFinite(sd) ? sd : 1;
  }
  return { mean, scale };
}

function linear(theta: Float64Array, z: Float64Array, row: number, dim: number): number {
  let value = theta[dim];
  const offset = row * dim;
  for (let j = 0; j < dim; j++) value += theta[j] * z[offset + j];
  return value;
}

function sigmoid(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}

/** log(1 + eᵗ) without overflow. */
function softplus(t: number): number {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

function solveSymmetric(a: Float64Array, b: Float64Array, p: number): Float64Array {
  const matrix = new Matrix(p, p);
  for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) matrix.set(i, j, a[i * p + j]);
  const rhs = Matrix.columnVector(Array.from(b));
  let cholesky = new CholeskyDecomposition(matrix);
  if (!cholesky.isPositiveDefinite()) {
    // Only the intercept's curvature can vanish (every row predicted with certainty): a tiny ridge keeps the step defined.
    matrix.set(p - 1, p - 1, matrix.get(p - 1, p - 1) + 1e-12 + 1e-12 * Math.abs(matrix.get(p - 1, p - 1)));
    cholesky = new CholeskyDecomposition(matrix);
  }
  const solution = cholesky.solve(rhs);
  return Float64Array.from(solution.getColumn(0));
}
