/**
 * What the prototypes leave out: each sample's nearest prototype of its own
 * class (and of the other classes), and a diverse pick of the samples that
 * score highest as criticisms.
 */
import { createCheckpoint } from '../cooperative';
import type { CsrGraph } from '../csr';
import { InputError } from '../errors';
import type { ComputeOptions, DenseMatrix } from '../types';
import { squaredDistance } from './kernel';
import { MaxTree } from './maxTree';

export interface NearestPrototypes {
  /** Row of the nearest prototype of the row's own class; −1 when that class has none. */
  own: Int32Array;
  /** Its squared distance (Infinity when there is none). */
  ownDistance2: Float64Array;
  /** Row of the nearest prototype of any other class; −1 when there is none. */
  other: Int32Array;
  otherDistance2: Float64Array;
}

/** Exact, O(n·m·d) for m prototypes; a prototype's own nearest prototype is itself. */
export async function nearestPrototypes(
  points: DenseMatrix,
  prototypes: ArrayLike<number>,
  classes?: Int32Array,
  options: ComputeOptions = {},
): Promise<NearestPrototypes> {
  const n = points.rows;
  const classOf = classes ?? new Int32Array(n);
  const own = new Int32Array(n).fill(-1);
  const other = new Int32Array(n).fill(-1);
  const ownDistance2 = new Float64Array(n).fill(Infinity);
  const otherDistance2 = new Float64Array(n).fill(Infinity);
  const checkpoint = createCheckpoint(options);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < prototypes.length; t++) {
      const p = prototypes[t];
      const d2 = p === i ? 0 : squaredDistance(points, i, p);
      if (classOf[p] === classOf[i]) {
        if (d2 < ownDistance2[i]) [ownDistance2[i], own[i]] = [d2, p];
      } else if (d2 < otherDistance2[i]) [otherDistance2[i], other[i]] = [d2, p];
    }
    if (i % 256 === 255) {
      options.onProgress?.(i + 1, n);
      await checkpoint();
    }
  }
  options.onProgress?.(n, n);
  return { own, ownDistance2, other, otherDistance2 };
}

export interface CriticismOptions extends ComputeOptions {
  count: number;
  /** Rows that may not be criticisms (the prototypes). */
  exclude: ArrayLike<number>;
  /** Similarities between neighbours: a candidate's score is lowered by its similarity to criticisms already chosen. */
  graph?: CsrGraph;
  /** Weight of that lowering (default 1; 0 = plain top scores). */
  diversity?: number;
}

/**
 * Greedy: each step takes the candidate with the highest
 *   score(j) − diversity · max_{c chosen} s(j, c),
 * so near-duplicates of a criticism already listed wait their turn and every
 * prefix is a spread-out set. Fewer than `count` when candidates run out.
 */
export async function selectCriticisms(score: Float64Array, options: CriticismOptions): Promise<Int32Array> {
  const n = score.length;
  const diversity = options.diversity ?? 1;
  if (!Number.isInteger(options.count) || options.count < 0) {
    throw new InputError('count', `must be a whole number ≥ 0, got ${options.count}`);
  }
  const value = Float64Array.from(score);
  for (let t = 0; t < options.exclude.length; t++) value[options.exclude[t]] = -Infinity;
  for (let i = 0; i < n; i++) if (Number.isNaN(value[i])) value[i] = -Infinity;
  const tree = new MaxTree(value);
  const penalty = new Float64Array(n);
  const chosen: number[] = [];
  const checkpoint = createCheckpoint(options);
  while (chosen.length < options.count) {
    const c = tree.argmax();
    if (c < 0) break;
    chosen.push(c);
    tree.set(c, -Infinity);
    value[c] = -Infinity;
    const graph = options.graph;
    if (graph && diversity > 0) {
      for (let e = graph.indptr[c]; e < graph.indptr[c + 1]; e++) {
        const j = graph.indices[e];
        if (value[j] === -Infinity || graph.weights[e] <= penalty[j]) continue;
        penalty[j] = graph.weights[e];
        tree.set(j, score[j] - diversity * penalty[j]);
      }
    }
    if (chosen.length % 256 === 0) await checkpoint();
  }
  return Int32Array.from(chosen);
}
