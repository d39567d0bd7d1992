/**
 * The cross-entropy loss of a target class, ℓ(x) = −log softmax(f(x))[t], to
 * second order, for CASO. Singla, Wallace, Feng & Feizi (ICML 2019) give its
 * closed form: for a network that is piecewise linear in its input (ReLU,
 * max-pool, affine layers: the logits are f(x) = J x + b inside a linear
 * region) the input Hessian of ℓ is
 *
 *   H = Jᵀ (diag(p) − p pᵀ) J,     p = softmax(f(x)),  J = ∂f/∂x,
 *
 * and the gradient is g = Jᵀ (p − e_t). Both need only products with J, taken
 * in one of two ways:
 *
 * - `exact` (used when numClasses × sampleSize × inputs ≤ JACOBIAN_BUDGET, as
 *   for the 10 × 784 fixture): J itself, one row per class, from one batched
 *   VJP call with identity upstreams; then g and every Hv are plain
 *   arithmetic, with no further model calls. This is also how the official
 *   CASO code forms H for ReLU networks (explainers.py, `_get_W`). The J it
 *   gives is the backward graph's, so g and H agree with each other and H is
 *   symmetric and PSD, which power iteration and the proximal method rely on.
 * - `central-difference` (larger models): Jv ≈ (f(x + εv) − f(x − εv)) / 2ε,
 *   one forward call on 2 inputs, then Jᵀu by one VJP. Inside a linear region
 *   it is exact for any ε; ε is chosen so that the largest step |ε v_i| is
 *   1e-3 · max(1, max|x|): small enough to stay in the region for most units,
 *   large enough that float32 rounding of x ± εv and of the logits (~1e-7
 *   relative) leaves ~1e-4 relative error in Jv. Caveat, measured on the
 *   fixture CNN: images with flat regions sit exactly on kinks (equal inputs
 *   to a max-pool, pre-activations at 0), where f has no Jacobian and the
 *   difference quotient mixes the slopes of several regions (Hv then differed
 *   from the exact mode's by 5–37 % on clean images, 0.5–4 % on noisy copies).
 *   That is why the exact mode is preferred whenever it fits.
 *
 * With several inputs (CASO's smoothing over noisy copies, as the official
 * code does), g and Hv are the means over the inputs.
 */
import { throwIfAborted } from '../../core/errors';
import type { GradientModel } from '../autodiff/types';
import { softmax } from './batches';
import type { RandomSource } from './random';

/** Largest |ε v_i| of the central difference, relative to max(1, max|x|). */
export const JVP_RELATIVE_STEP = 1e-3;

/** Most floats (numClasses × sampleSize × inputs) the exact mode may hold: 64 MB as float32. */
export const JACOBIAN_BUDGET = 1 << 24;

export type JacobianMode = 'exact' | 'central-difference';

export interface LossCurvature {
  mode: JacobianMode;
  /** ∇ₓ ℓ (mean over the inputs). */
  gradient: Float64Array;
  /** Softmax probabilities of each input. */
  probabilities: Float64Array[];
  /** H v (mean over the inputs). */
  hessianVector(v: Float64Array): Promise<Float64Array>;
}

/** The curvature of ℓ at n inputs (n × sampleSize), target class t; `mode` defaults to exact when it fits the budget. */
export async function crossEntropyCurvature(
  model: GradientModel,
  xs: Float32Array,
  n: number,
  target: number,
  mode: JacobianMode = n * model.numClasses * model.sampleSize <= JACOBIAN_BUDGET
    ? 'exact'
    : 'central-difference',
): Promise<LossCurvature> {
  const classes = model.numClasses;
  const logits = await model.predict(xs, n);
  const probabilities = Array.from({ length: n }, (_, s) => softmax(logits, s * classes, classes));
  return mode === 'exact'
    ? exactCurvature(model, xs, n, target, probabilities)
    : centralDifferenceCurvature(model, xs, n, target, probabilities);
}

async function exactCurvature(
  model: GradientModel,
  xs: Float32Array,
  n: number,
  target: number,
  probabilities: Float64Array[],
): Promise<LossCurvature> {
  const size = model.sampleSize;
  const classes = model.numClasses;
  // Row s·C + j of the batch is input s, with upstream e_j: its VJP is row j of J_s.
  const copies = new Float32Array(n * classes * size);
  const identity = new Float32Array(n * classes * classes);
  for (let s = 0; s < n; s++) {
    for (let j = 0; j < classes; j++) {
      copies.set(xs.subarray(s * size, (s + 1) * size), (s * classes + j) * size);
      identity[(s * classes + j) * classes + j] = 1;
    }
  }
  const jacobians = (await model.logits.vjp(copies, n * classes, identity)).grad;
  const row = (s: number, j: number) =>
    jacobians.subarray((s * classes + j) * size, (s * classes + j + 1) * size);

  // Σ_s J_sᵀ w_s / n for per-input class weights w_s.
  const meanTransposeProduct = (weights: (s: number) => ArrayLike<number>): Float64Array => {
    const out = new Float64Array(size);
    for (let s = 0; s < n; s++) {
      const w = weights(s);
      for (let j = 0; j < classes; j++) {
        if (w[j] === 0) continue;
        const r = row(s, j);
        for (let i = 0; i < size; i++) out[i] += (w[j] * r[i]) / n;
      }
    }
    return out;
  };

  const gradient = meanTransposeProduct((s) => probabilities[s].map((p, j) => p - (j === target ? 1 : 0)));
  const hessianVector = async (v: Float64Array): Promise<Float64Array> =>
    meanTransposeProduct((s) => {
      const jv = new Float64Array(classes);
      for (let j = 0; j < classes; j++) jv[j] = dot(row(s, j), v);
      return softmaxJacobianTimes(probabilities[s], jv);
    });
  return { mode: 'exact', gradient, probabilities, hessianVector };
}

async function centralDifferenceCurvature(
  model: GradientModel,
  xs: Float32Array,
  n: number,
  target: number,
  probabilities: Float64Array[],
): Promise<LossCurvature> {
  const size = model.sampleSize;
  const classes = model.numClasses;
  const upstream = new Float32Array(n * classes);
  probabilities.forEach((p, s) => {
    for (let j = 0; j < classes; j++) upstream[s * classes + j] = p[j] - (j === target ? 1 : 0);
  });
  const gradient = meanOverSamples((await model.logits.vjp(xs, n, upstream)).grad, n, size);

  let xMax = 1;
  for (let i = 0; i < xs.length; i++) xMax = Math.max(xMax, Math.abs(xs[i]));

  // Reused by every product: 2n shifted inputs (19 MB for 16 copies of a 224×224 image).
  const shifted = new Float32Array(2 * n * size);
  const u = new Float32Array(n * classes);
  const hessianVector = async (v: Float64Array): Promise<Float64Array> => {
    let vMax = 0;
    for (let i = 0; i < size; i++) vMax = Math.max(vMax, Math.abs(v[i]));
    if (vMax === 0) return new Float64Array(size);
    const epsilon = (JVP_RELATIVE_STEP * xMax) / vMax;
    // Rows 2s and 2s+1: x_s + εv and x_s − εv.
    for (let s = 0; s < n; s++) {
      for (let i = 0; i < size; i++) {
        shifted[2 * s * size + i] = xs[s * size + i] + epsilon * v[i];
        shifted[(2 * s + 1) * size + i] = xs[s * size + i] - epsilon * v[i];
      }
    }
    const f = await model.predict(shifted, 2 * n);
    probabilities.forEach((p, s) => {
      const jv = new Float64Array(classes);
      for (let j = 0; j < classes; j++)
        jv[j] = (f[2 * s * classes + j] - f[(2 * s + 1) * classes + j]) / (2 * epsilon);
      u.set(softmaxJacobianTimes(p, jv), s * classes);
    });
    return meanOverSamples((await model.logits.vjp(xs, n, u)).grad, n, size);
  };

  return { mode: 'central-difference', gradient, probabilities, hessianVector };
}

/** (diag(p) − ppᵀ) w = p ⊙ (w − pᵀw). */
function softmaxJacobianTimes(p: Float64Array, w: Float64Array): Float64Array {
  const pw = dot(p, w);
  return p.map((pj, j) => pj * (w[j] - pw));
}

/**
 * Power iteration for the largest eigenvalue of the PSD operator H, from a
 * random start (uniform in [−½, ½), normalised, as the official CASO code
 * does). Returns the Rayleigh quotient vᵀHv of the last unit vector v.
 */
export async function largestEigenvalue(
  hessianVector: (v: Float64Array) => Promise<Float64Array>,
  size: number,
  iterations: number,
  random: RandomSource,
  onIteration: () => void = () => {},
  signal?: AbortSignal,
  /** Stops early when true of the last two estimates. */
  converged?: (previous: number, current: number) => boolean,
): Promise<number> {
  let v: Float64Array = new Float64Array(size);
  for (let i = 0; i < size; i++) v[i] = random.uniform() - 0.5;
  normalise(v);
  let value = 0;
  for (let k = 0; k < iterations; k++) {
    throwIfAborted(signal);
    const hv = await hessianVector(v);
    const previous = value;
    value = dot(v, hv);
    onIteration();
    if (!normalise(hv)) return 0; // Hv = 0: v lies in the null space; H may be 0.
    if (k > 0 && converged?.(previous, value)) break;
    v = hv;
  }
  return value;
}

function meanOverSamples(rows: Float32Array, n: number, size: number): Float64Array {
  const mean = new Float64Array(size);
  for (let s = 0; s < n; s++) for (let i = 0; i < size; i++) mean[i] += rows[s * size + i];
  for (let i = 0; i < size; i++) mean[i] /= n;
  return mean;
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

/** Scales v to unit length in place; false if v is zero. */
function normalise(v: Float64Array): boolean {
  const norm = Math.sqrt(dot(v, v));
  if (norm === 0) return false;
  for (let i = 0; i < v.length; i++) v[i] /= norm;
  return true;
}
