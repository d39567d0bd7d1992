import type { CsrGraph } from '../csr';
import { degrees } from '../csr';
import type { KnnResult } from '../types';
import { diverseOrder } from './diverseOrder';
import type { AcquisitionOrder } from './lazyGreedy';
import { unlabelledNodes } from './nodes';
import { seededUniform } from '../random';

/** The unlabelled nodes in a seeded random order (Fisher–Yates); value = 0. */
export function randomOrder(labels: Int32Array, seed: number): AcquisitionOrder {
  const order = unlabelledNodes(labels);
  const uniform = seededUniform(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return { order, value: new Float64Array(order.length) };
}

/** Unlabelled nodes by a score, highest first (ties → smaller index, NaN last); value = the score. */
export function orderByScore(score: ArrayLike<number>, labels: Int32Array): AcquisitionOrder {
  const order = Int32Array.from(unlabelledNodes(labels)).sort((a, b) => {
    const sa = score[a];
    const sb = score[b];
    if (Number.isNaN(sa) || Number.isNaN(sb))
      return Number.isNaN(sa) === Number.isNaN(sb) ? a - b : Number.isNaN(sa) ? 1 : -1;
    return sa > sb ? -1 : sa < sb ? 1 : a - b;
  });
  return { order, value: Float64Array.from(order, (node) => score[node]) };
}

/** Degree baseline: the best-connected nodes first (hubs of the kNN graph). */
export function degreeOrder(graph: CsrGraph, labels: Int32Array): AcquisitionOrder {
  return orderByScore(degrees(graph), labels);
}

/**
 * Local density of every point, exp(−r_i / r̄), where r_i is its mean distance to
 * its kNN and r̄ the mean over all points: 1 for a point on top of its
 * neighbours, → 0 for an outlier. Bounded, so exact duplicates (r_i = 0) are fine.
 */
export function knnDensity(knn: KnnResult): Float64Array {
  const { n, k, distances } = knn;
  const meanDistance = new Float64Array(n);
  let overall = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let s = 0; s < k; s++) sum += distances[i * k + s];
    meanDistance[i] = sum / k;
    overall += sum / k;
  }
  overall /= Math.max(n, 1);
  return meanDistance.map((r) => (overall > 0 ? Math.exp(-r / overall) : 1));
}

/**
 * Uncertainty × density: the spreading's entropy times the local density (so
 * that confusing but typical samples come before outliers), in a diverse order
 * (no two neighbours in a pass; see diverseOrder).
 */
export function uncertaintyDensityOrder(
  graph: CsrGraph,
  entropy: Float64Array,
  density: Float64Array,
  labels: Int32Array,
): AcquisitionOrder {
  const score = entropy.map((h, i) => h * density[i]);
  return diverseOrder(graph, score, labels);
}
