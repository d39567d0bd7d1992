/**
 * Row sums of the RBF kernel matrix, r(a) = Σ_b k(x_a, x_b) (b = a included),
 * the one global quantity the MMD node function and MMD-critic need. Exactly
 * (every pair once, O(n²·d)) up to a size limit, and above it from random
 * Fourier features (Rahimi & Recht 2007), O(n·D·d) with D frequencies:
 * k(x, y) ≈ φ(x)·φ(y), φ(x) = D^-½ [cos(ω_t·x), sin(ω_t·x)]_t, ω_t ~ N(0, 2γ I),
 * so r(a) ≈ φ(x_a) · Σ_b φ(x_b). φ is recomputed in two passes rather than
 * stored (n × 2D floats would not fit at n = 60,000).
 */
import { createCheckpoint } from '../cooperative';
import type { ComputeOptions, DenseMatrix } from '../types';
import { squaredDistance } from './kernel';
import { seededNormal } from '../random';

/** Rows up to which the exact O(n²·d) sums are used by `auto` (about 2·10⁹ multiply-adds at d = 64). */
export const EXACT_KERNEL_SUMS_LIMIT = 8192;
/** Random frequencies (2 features each) used above that limit. */
export const RANDOM_FREQUENCIES = 1024;

export type KernelSumMethod = 'exact' | 'random-features';

/**
 * Exact row sums, r(a) = Σ_b exp(−γ‖x_a − x_b‖²). `exactRowSums` below is the
 * pure reference; a native backend (onnxruntime, outside core/) implements the
 * same signature and is tested against it.
 */
export type ExactKernelRowSums = (
  points: DenseMatrix,
  gamma: number,
  options?: ComputeOptions,
) => Promise<Float64Array>;

export interface KernelSumOptions extends ComputeOptions {
  /** `auto` (default): exact up to `exactLimit` rows, random features above. */
  method?: KernelSumMethod | 'auto';
  /** Rows up to which `auto` is exact (default EXACT_KERNEL_SUMS_LIMIT; a fast `exact` can afford more). */
  exactLimit?: number;
  /** The exact computation (default: the pure-TypeScript `exactRowSums`). */
  exact?: ExactKernelRowSums;
  /** Random frequencies (default RANDOM_FREQUENCIES). */
  frequencies?: number;
  seed?: number;
}

export interface KernelSums {
  /** r(a) = Σ_b k(x_a, x_b), self included. */
  rowSums: Float64Array;
  method: KernelSumMethod;
}

export async function kernelRowSums(
  points: DenseMatrix,
  gamma: number,
  options: KernelSumOptions = {},
): Promise<KernelSums> {
  const requested = options.method ?? 'auto';
  const limit = options.exactLimit ?? EXACT_KERNEL_SUMS_LIMIT;
  const method: KernelSumMethod =
    requested === 'auto' ? (points.rows <= limit ? 'exact' : 'random-features') : requested;
  const exact = options.exact ?? exactRowSums;
  const rowSums =
    method === 'exact'
      ? await exact(points, gamma, options)
      : await randomFeatureRowSums(points, gamma, options);
  return { rowSums, method };
}

/** Every pair once, summed in float64: the reference. */
export const exactRowSums: ExactKernelRowSums = async (points, gamma, options = {}) => {
  const n = points.rows;
  const sums = new Float64Array(n).fill(1);
  const checkpoint = createCheckpoint(options);
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      const k = Math.exp(-gamma * squaredDistance(points, a, b));
      sums[a] += k;
      sums[b] += k;
    }
    if (a % 64 === 63) {
      // Row a costs n − a pairs: report progress in pairs done, scaled to rows.
      options.onProgress?.(Math.round(n - ((n - a - 1) * (n - a - 1)) / n), n);
      await checkpoint();
    }
  }
  options.onProgress?.(n, n);
  return sums;
};

async function randomFeatureRowSums(
  points: DenseMatrix,
  gamma: number,
  options: KernelSumOptions,
): Promise<Float64Array> {
  const { rows: n, dim, data } = points;
  const frequencies = options.frequencies ?? RANDOM_FREQUENCIES;
  const normal = seededNormal(options.seed ?? 1);
  const spread = Math.sqrt(2 * gamma);
  const omega = new Float64Array(frequencies * dim);
  for (let t = 0; t < omega.length; t++) omega[t] = spread * normal();

  const phase = new Float64Array(frequencies);
  const projectRow = (a: number) => {
    for (let t = 0; t < frequencies; t++) {
      let dot = 0;
      for (let c = 0, o = t * dim, x = a * dim; c < dim; c++) dot += omega[o + c] * data[x + c];
      phase[t] = dot;
    }
  };
  const checkpoint = createCheckpoint(options);
  // Pass 1: Σ_b φ(x_b), as D^-½ times the sums of cos and sin.
  const cosTotal = new Float64Array(frequencies);
  const sinTotal = new Float64Array(frequencies);
  for (let b = 0; b < n; b++) {
    projectRow(b);
    for (let t = 0; t < frequencies; t++) {
      cosTotal[t] += Math.cos(phase[t]);
      sinTotal[t] += Math.sin(phase[t]);
    }
    if (b % 256 === 255) {
      options.onProgress?.(b >> 1, n);
      await checkpoint();
    }
  }
  // Pass 2: r(a) ≈ φ(x_a)·Σ_b φ(x_b) = (1/D) Σ_t [cos(ω_t·x_a) C_t + sin(ω_t·x_a) S_t].
  const sums = new Float64Array(n);
  for (let a = 0; a < n; a++) {
    projectRow(a);
    let sum = 0;
    for (let t = 0; t < frequencies; t++)
      sum += Math.cos(phase[t]) * cosTotal[t] + Math.sin(phase[t]) * sinTotal[t];
    sums[a] = sum / frequencies;
    if (a % 256 === 255) {
      options.onProgress?.((n + a) >> 1, n);
      await checkpoint();
    }
  }
  options.onProgress?.(n, n);
  return sums;
}
