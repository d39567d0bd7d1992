import type { CsrGraph } from './csr';
import { degrees } from './csr';

/**
 * Graph shift operator A built from the weights W and degrees D = diag(Σ_j w_ij).
 * Declared here (core imports nothing); the same union as src/protocol/engine.ts.
 */
export type ShiftOperator = 'normalized' | 'random-walk' | 'laplacian';
/** `algorithm-1`: MARGIN Algorithm 1; `reference-code`: the paper's appendix snippet. */
export type FilterVariant = 'algorithm-1' | 'reference-code';

export interface InfluenceOptions {
  /** Default `normalized`. Ignored by the `reference-code` variant. */
  operator?: ShiftOperator;
  /** Default `algorithm-1`. */
  variant?: FilterVariant;
}

/**
 * A f for one shift operator:
 * - `normalized`:  (A f)_i = Σ_j w_ij f_j / √(d_i d_j)    (A = D^-1/2 W D^-1/2)
 * - `random-walk`: (A f)_i = Σ_j w_ij f_j / d_i           (A = D^-1 W)
 * - `laplacian`:   (A f)_i = d_i f_i − Σ_j w_ij f_j        (A = L = D − W)
 * A node without edges (d_i = 0) gets (A f)_i = 0 under every operator.
 */
export function applyShift(
  graph: CsrGraph,
  f: Float64Array | Float32Array,
  operator: ShiftOperator,
): Float64Array {
  checkSignal(graph, f);
  const { n, indptr, indices, weights } = graph;
  const d = degrees(graph);
  const out = new Float64Array(n);
  if (operator === 'normalized') {
    const invSqrt = new Float64Array(n);
    for (let i = 0; i < n; i++) invSqrt[i] = d[i] > 0 ? 1 / Math.sqrt(d[i]) : 0;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let e = indptr[i]; e < indptr[i + 1]; e++) sum += weights[e] * invSqrt[indices[e]] * f[indices[e]];
      out[i] = invSqrt[i] * sum;
    }
  } else if (operator === 'random-walk') {
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let e = indptr[i]; e < indptr[i + 1]; e++) sum += weights[e] * f[indices[e]];
      out[i] = d[i] > 0 ? sum / d[i] : 0;
    }
  } else if (operator === 'laplacian') {
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let e = indptr[i]; e < indptr[i + 1]; e++) sum += weights[e] * f[indices[e]];
      out[i] = d[i] * f[i] - sum;
    }
  } else {
    throw new RangeError(`unknown shift operator '${operator as string}'`);
  }
  return out;
}

/**
 * MARGIN influence of every node (Anirudh et al., arXiv 1711.05407).
 *
 * `algorithm-1` (Algorithm 1 of the paper):
 *   low pass  f̂ = A f,  high pass f_h = f − f̂,  I(i) = |f_h(i)| / max_j |f_h(j)|.
 *   With `normalized` or `random-walk`, A is an averaging (low-pass) operator,
 *   so f − A f is the high pass. With `laplacian`, A = L = D − W is itself
 *   the high-pass operator (L annihilates constants; (L f)_i = d_i (f_i − mean
 *   of f over the neighbours, weighted)), so "f − L f" would mix the raw signal
 *   back in and is not a high pass. Our choice: f_h = L f for `laplacian`.
 *
 * `reference-code` (the paper's appendix snippet), with P the binary adjacency
 * (edge weights ignored) and m_i = number of neighbours of i:
 *   f1 = P f / m,   f_filter = f1 − P f1 / m,   I(i) = |f_filter(i)| / max_j |f_filter(j)|.
 *   That is (R − R²) f with R = M^-1 P the binary random walk: the high pass of
 *   the once-smoothed signal. The operator option does not apply to it.
 *
 * An all-zero high pass gives all-zero influence (no division by zero). High-pass
 * values below 1e-12 of the signal's scale (max |f|, times the largest degree for
 * the Laplacian) are rounding noise and are set to 0 first; otherwise a constant
 * signal on a regular graph, whose exact high pass is 0, would come out as
 * noise normalized to 1.
 */
export function highPassInfluence(
  graph: CsrGraph,
  f: Float64Array | Float32Array,
  options: InfluenceOptions = {},
): Float64Array {
  checkSignal(graph, f);
  const operator = options.operator ?? 'normalized';
  const variant = options.variant ?? 'algorithm-1';
  let highPass: Float64Array;
  let scale = maxMagnitude(f);
  if (variant === 'reference-code') {
    const f1 = binaryNeighbourMean(graph, f);
    const smoothedF1 = binaryNeighbourMean(graph, f1);
    highPass = f1;
    for (let i = 0; i < graph.n; i++) highPass[i] = f1[i] - smoothedF1[i];
  } else if (variant === 'algorithm-1') {
    highPass = applyShift(graph, f, operator);
    if (operator !== 'laplacian') for (let i = 0; i < graph.n; i++) highPass[i] = f[i] - highPass[i];
    else scale *= maxMagnitude(degrees(graph));
  } else {
    throw new RangeError(`unknown filter variant '${variant as string}'`);
  }
  return normalizedMagnitude(highPass, NOISE_FLOOR * scale);
}

/** Relative size under which a high-pass value counts as rounding noise. */
const NOISE_FLOOR = 1e-12;

/** (P g / m)_i: plain mean of g over i's neighbours, ignoring edge weights; 0 without neighbours. */
function binaryNeighbourMean(graph: CsrGraph, g: ArrayLike<number>): Float64Array {
  const { n, indptr, indices } = graph;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = indptr[i + 1] - indptr[i];
    let sum = 0;
    for (let e = indptr[i]; e < indptr[i + 1]; e++) sum += g[indices[e]];
    out[i] = m > 0 ? sum / m : 0;
  }
  return out;
}

/** |v| / max|v| in place, after zeroing entries with |v| ≤ floor; all zeros stay zeros. */
function normalizedMagnitude(v: Float64Array, floor: number): Float64Array {
  let max = 0;
  for (let i = 0; i < v.length; i++) {
    v[i] = Math.abs(v[i]) <= floor ? 0 : Math.abs(v[i]);
    if (v[i] > max) max = v[i];
  }
  if (max > 0) for (let i = 0; i < v.length; i++) v[i] /= max;
  return v;
}

function maxMagnitude(v: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]));
  return max;
}

function checkSignal(graph: CsrGraph, f: ArrayLike<number>): void {
  if (f.length !== graph.n)
    throw new RangeError(`signal has ${f.length} values but the graph has ${graph.n} nodes`);
  for (let i = 0; i < f.length; i++) {
    if (!Number.isFinite(f[i])) throw new RangeError(`signal value at node ${i} is not finite (${f[i]})`);
  }
}
