import { createCheckpoint } from '../cooperative';
import type { CsrGraph } from '../csr';
import type { ComputeOptions } from '../types';
import type { AcquisitionOrder } from './lazyGreedy';
import { classMatrix } from './classMatrix';
import { IndexedMaxHeap } from './indexedHeap';

export interface NearestLabelOptions extends ComputeOptions {
  /** n × G class probabilities (row-major): the model's softmax, or label spreading's. */
  classProbabilities: Float64Array;
  /** G, the number of classes of `classProbabilities`. */
  numGroups: number;
}

/**
 * Greedy expected accuracy of the nearest label.
 *
 * Label spreading on a kNN graph mostly gives a sample the label of the
 * labelled sample closest to it (with the α = 0.2 almost exactly the
 * nearest in hops), so a batch is good when the nearest chosen sample of
 * every unlabelled sample has the same class. Model that directly: every node
 * r is "owned" by its most similar chosen node o(r) (sim(r, r) = ∞ for a
 * chosen node, sim = the edge weight, no edge = never), and the expected
 * number of right labels is
 *   A(S) = Σ_r P(y_r = y_o(r)) = Σ_r Σ_c P_rc · P_o(r),c,
 * with P one-hot for labelled nodes (their class is known) and the class
 * probabilities for the others (a pick's class is not known yet: batch mode);
 * an exact duplicate (similarity 1) has its twin's class for sure, so the
 * copy of a pick is already set right and adds nothing itself.
 * A picked node counts as right (it will be labelled). A node nobody owns
 * counts 0. Each step picks the node whose choice raises A the most:
 *   gain(j) = (1 − value(j)) + Σ_{r ∈ N(j), sim(r, j) > sim(r, o(r))} (P(y_r = y_j) − value(r)),
 * value(r) = P(y_r = y_o(r)). Unlike facility location, a node already owned
 * by a close sample of another class stays wrong until a closer one of its
 * own class comes, and taking a node from a better owner costs: so picks go
 * where the nearest label is likely wrong, weighted by how many samples it
 * would set right.
 *
 * A is not submodular (a gain can grow when a neighbour is taken by a worse
 * owner), so the gains are kept exact: picking p changes the owner of the
 * nodes it captures, and only the gains of their neighbours move, by the
 * change of their term. Cost per pick: Σ over captured r of deg(r), with an
 * indexed heap (log n per change). Equal gains go to the smaller node index;
 * gains that are equal only up to the rounding of these incremental updates
 * may go either way (deterministically).
 *
 * `labelledGroup[i]` is the class of labelled node i in 0..G−1, −1 if unlabelled.
 */
export async function nearestLabelOrder(
  similarity: CsrGraph,
  labelledGroup: Int32Array,
  options: NearestLabelOptions,
): Promise<AcquisitionOrder> {
  const { n, indptr, indices, weights } = similarity;
  const G = options.numGroups;
  const P = classMatrix(n, G, labelledGroup, options.classProbabilities);
  for (let e = 0; e < weights.length; e++) {
    if (!(weights[e] >= 0 && weights[e] <= 1)) {
      throw new RangeError(`similarity ${weights[e]} on edge ${e} is outside [0, 1]`);
    }
  }

  // sameClass[e] for the edge e = (i, j): P(y_i = y_j) = Σ_c P_ic P_jc (the graph is symmetric);
  // 1 for similarity 1, an exact duplicate: the same sample twice has one class.
  const sameClass = new Float64Array(indices.length);
  for (let i = 0; i < n; i++) {
    for (let e = indptr[i]; e < indptr[i + 1]; e++) {
      const j = indices[e];
      if (weights[e] >= 1) {
        sameClass[e] = 1;
        continue;
      }
      let total = 0;
      for (let c = 0; c < G; c++) total += P[i * G + c] * P[j * G + c];
      sameClass[e] = total;
    }
  }

  // owner[r]: similarity to r's owner (−1: none, Infinity: r is chosen); value[r]: P(y_r = y_owner).
  const ownerSimilarity = new Float64Array(n).fill(-1);
  const value = new Float64Array(n);
  const chosen = new Uint8Array(n);
  const term = (e: number, r: number): number =>
    weights[e] > ownerSimilarity[r] ? sameClass[e] - value[r] : 0;

  // Captures every node p takes over from its owner, calling `moved(r, before, after)` with r's old and new state.
  const take = (p: number, moved?: (r: number, ownerBefore: number, valueBefore: number) => void) => {
    chosen[p] = 1;
    const capture = (r: number, similarity: number, newValue: number) => {
      const ownerBefore = ownerSimilarity[r];
      const valueBefore = value[r];
      ownerSimilarity[r] = similarity;
      value[r] = newValue;
      moved?.(r, ownerBefore, valueBefore);
    };
    capture(p, Infinity, 1);
    for (let e = indptr[p]; e < indptr[p + 1]; e++) {
      const r = indices[e];
      if (weights[e] > ownerSimilarity[r]) capture(r, weights[e], sameClass[e]);
    }
  };
  for (let j = 0; j < n; j++) if (labelledGroup[j] >= 0) take(j);

  const gain = new Float64Array(n);
  const heap = new IndexedMaxHeap(n);
  let candidates = 0;
  for (let j = 0; j < n; j++) {
    if (chosen[j]) continue;
    let total = 1 - value[j];
    for (let e = indptr[j]; e < indptr[j + 1]; e++) total += term(e, indices[e]);
    gain[j] = total;
    heap.set(j, total);
    candidates++;
  }

  // When r changes owner, the term r adds to each neighbour's gain changes (and r's own 1 − value).
  const moved = (r: number, ownerBefore: number, valueBefore: number): void => {
    if (!chosen[r]) {
      gain[r] += valueBefore - value[r];
      heap.set(r, gain[r]);
    }
    for (let e = indptr[r]; e < indptr[r + 1]; e++) {
      const j = indices[e];
      if (chosen[j]) continue;
      const before = weights[e] > ownerBefore ? sameClass[e] - valueBefore : 0;
      const after = term(e, r);
      if (before === after) continue;
      gain[j] += after - before;
      heap.set(j, gain[j]);
    }
  };

  const order = new Int32Array(candidates);
  const placedValue = new Float64Array(candidates);
  const checkpoint = createCheckpoint(options);
  for (let placed = 0; placed < candidates; placed++) {
    const p = heap.top();
    placedValue[placed] = gain[p];
    order[placed] = p;
    heap.remove(p);
    take(p, moved);
    if ((placed + 1) % 256 === 0) {
      options.onProgress?.(placed + 1, candidates);
      await checkpoint();
    }
  }
  options.onProgress?.(candidates, candidates);
  return { order, value: placedValue };
}
