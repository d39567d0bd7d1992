/**
 * The RBF kernel k(x, y) = exp(−γ ‖x − y‖²) every prototype scorer uses, and
 * its bandwidth by the median heuristic.
 */
import { InputError } from '../errors';
import type { DenseMatrix } from '../types';
import { seededUniform } from '../random';

/** Pairs sampled for the median heuristic when there are more pairs than this. */
const MEDIAN_PAIRS = 20_000;

/** ‖x_a − x_b‖² for two rows of `points`, summed in float64. */
export function squaredDistance(points: DenseMatrix, a: number, b: number): number {
  const { dim, data } = points;
  let sum = 0;
  for (let c = 0, ia = a * dim, ib = b * dim; c < dim; c++) {
    const diff = data[ia + c] - data[ib + c];
    sum += diff * diff;
  }
  return sum;
}

export function rbf(points: DenseMatrix, a: number, b: number, gamma: number): number {
  return Math.exp(-gamma * squaredDistance(points, a, b));
}

export interface MedianHeuristicOptions {
  /** γ = scale / median; default 1. */
  scale?: number;
  /** Sampled pairs above which every pair is not visited (default 20,000). */
  maxPairs?: number;
  seed?: number;
}

/**
 * γ = scale / median of ‖x_a − x_b‖² over distinct pairs a ≠ b: every pair
 * when there are at most `maxPairs`, otherwise that many pairs drawn with a
 * seeded generator (so the result is the same on every run). Pairs at distance
 * 0 (duplicate points) are left out, so that a dataset with many duplicates
 * still gets a finite bandwidth; when every pair is a duplicate, any γ gives
 * the same kernel (all ones) and γ = scale is returned.
 */
export function medianHeuristicGamma(points: DenseMatrix, options: MedianHeuristicOptions = {}): number {
  const n = points.rows;
  const scale = options.scale ?? 1;
  if (!(scale > 0 && Number.isFinite(scale)))
    throw new InputError('gamma', `scale must be a positive number, got ${scale}`);
  const maxPairs = options.maxPairs ?? MEDIAN_PAIRS;
  const distances: number[] = [];
  if ((n * (n - 1)) / 2 <= maxPairs) {
    for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) distances.push(squaredDistance(points, a, b));
  } else {
    const uniform = seededUniform(options.seed ?? 1);
    while (distances.length < maxPairs) {
      const a = Math.floor(uniform() * n);
      const b = Math.floor(uniform() * n);
      if (a !== b) distances.push(squaredDistance(points, a, b));
    }
  }
  const positive = Float64Array.from(distances.filter((d) => d > 0)).sort();
  if (positive.length === 0) return scale;
  const middle = positive.length >> 1;
  const median = positive.length % 2 ? positive[middle] : (positive[middle - 1] + positive[middle]) / 2;
  return scale / median;
}
