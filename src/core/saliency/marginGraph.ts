/**
 * The graph half of MARGIN's saliency (Anirudh et al., arXiv 1711.05407,
 * case II), pure maths: superpixels in, per-node influence and per-pixel maps
 * out. The model half (masking each superpixel and running the model) lives in
 * src/model/attribution/marginSaliency.ts.
 *
 * Nodes are the superpixels of every scale together, in one graph. Why one
 * graph rather than one per scale: the graph signal is a superpixel's size
 * relative to the largest, and within one SLIC scale every segment is about the
 * grid step squared, so f would be nearly constant and its high pass mostly
 * rounding. Across scales, a small superpixel whose masking changes the
 * prediction as much as a large one stands out against its neighbours (the
 * nodes of similar effect), which is the question MARGIN asks here.
 *
 * - effect Δ_m = |s(I) − s(I_m)|: how much masking superpixel m moves the
 *   target score s (the softmax probability of the target in the paper).
 *   Everything below also takes signed effects (the method's `effect: signed`).
 * - distance d(m, n) = |Δ_m − Δ_n|: nodes are close when masking them does
 *   about the same to the prediction, wherever they are in the image.
 * - kNN graph under d, symmetrised by union (csr.ts); neighbours ranked by
 *   distance, then by node index, so ties (many background superpixels have
 *   Δ = 0 exactly) are broken the same way on every run.
 * - f(m) = size(m) / max size; I = MARGIN's high-pass influence of f (margin.ts).
 * - dense saliency S(p) = Σ_{m ∋ p} Δ_m / size(m), one term per scale;
 *   influence map I(p) = mean over scales of I(m ∋ p); the map is S ⊙ I.
 */
import { graphFromKnn, type CsrGraph, type GraphOptions } from '../csr';
import { offer } from '../knn';
import { highPassInfluence, type InfluenceOptions } from '../margin';
import type { KnnResult } from '../types';

/** One SLIC segmentation of the image. */
export interface ScaleLabels {
  /** H×W row-major segment index of each pixel, 0..count-1. */
  labels: Int32Array;
  count: number;
}

export interface MarginGraphOptions extends InfluenceOptions {
  /** Neighbours per node before symmetrising (clipped to nodes − 1). */
  neighbours: number;
  weighting?: GraphOptions['weighting'];
}

export interface NodeInfluence {
  graph: CsrGraph;
  /** f(m) = size(m) / max size, per node. */
  signal: Float64Array;
  /** MARGIN influence of each node, in [0, 1]. */
  influence: Float64Array;
}

/** Pixels per segment, for every scale in turn: the node sizes in node order. */
export function nodeSizes(scales: readonly ScaleLabels[]): Float64Array {
  const sizes = new Float64Array(scales.reduce((sum, scale) => sum + scale.count, 0));
  let first = 0;
  for (const { labels, count } of scales) {
    for (const label of labels) sizes[first + label]++;
    first += count;
  }
  return sizes;
}

/**
 * The k nearest nodes of every node under d(m, n) = |Δ_m − Δ_n|, by brute
 * force in double precision (a few thousand nodes at most: n² is small), the
 * node itself excluded.
 */
export function effectKnn(effects: Float64Array, k: number): KnnResult {
  const n = effects.length;
  const kk = Math.max(0, Math.min(k, n - 1));
  const best = new Float64Array(n * kk).fill(Infinity);
  const index = new Int32Array(n * kk).fill(0x7fffffff);
  for (let m = 0; m < n && kk > 0; m++) {
    for (let other = 0; other < n; other++) {
      if (other !== m) offer(best, index, m * kk, kk, Math.abs(effects[m] - effects[other]), other);
    }
  }
  return { n, k: kk, indices: index, distances: Float32Array.from(best) };
}

/** The node graph and each node's influence. */
export function nodeInfluence(
  effects: Float64Array,
  sizes: Float64Array,
  options: MarginGraphOptions,
): NodeInfluence {
  if (effects.length !== sizes.length)
    throw new RangeError(`${effects.length} effects for ${sizes.length} nodes`);
  let largest = 0;
  for (const size of sizes) largest = Math.max(largest, size);
  const signal = sizes.map((size) => (largest > 0 ? size / largest : 0));
  const graph = graphFromKnn(effectKnn(effects, options.neighbours), { weighting: options.weighting });
  const influence = highPassInfluence(graph, signal, {
    operator: options.operator,
    variant: options.variant,
  });
  return { graph, signal, influence };
}

/** S(p) = Σ over scales of Δ_m / size(m) for the segment m holding p. */
export function denseSaliency(
  scales: readonly ScaleLabels[],
  effects: Float64Array,
  sizes: Float64Array,
): Float64Array {
  const plane = scales[0]?.labels.length ?? 0;
  const saliency = new Float64Array(plane);
  let first = 0;
  for (const { labels, count } of scales) {
    for (let p = 0; p < plane; p++) {
      const node = first + labels[p];
      saliency[p] += effects[node] / sizes[node];
    }
    first += count;
  }
  return saliency;
}

/** I(p) = mean over scales of the influence of the segment holding p. */
export function influenceMap(scales: readonly ScaleLabels[], influence: Float64Array): Float64Array {
  const plane = scales[0]?.labels.length ?? 0;
  const map = new Float64Array(plane);
  let first = 0;
  for (const { labels, count } of scales) {
    for (let p = 0; p < plane; p++) map[p] += influence[first + labels[p]] / scales.length;
    first += count;
  }
  return map;
}
