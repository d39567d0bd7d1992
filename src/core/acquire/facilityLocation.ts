import type { CsrGraph } from '../csr';
import { classMatrix } from './classMatrix';
import type { ComputeOptions } from '../types';
import { lazyGreedy, type AcquisitionOrder } from './lazyGreedy';
import { unlabelledNodes } from './nodes';

export interface FacilityOptions extends ComputeOptions {
  /**
   * n × G class probabilities (row-major), e.g. the model's softmax. Coverage
   * then counts per class: a labelled Shirt does not stand for a T-shirt next
   * to it. Absent: one class, plain facility location.
   */
  classProbabilities?: Float64Array;
  /** G, the number of classes of `classProbabilities` (required with it). */
  numGroups?: number;
}

/**
 * Class-aware greedy facility location on a similarity graph.
 *
 * A labelled node "stands for" the nodes similar to it; node r is covered in
 * class c by best_c(r) = max over chosen nodes j of class c of sim(r, j), with
 * sim(r, r) = 1 and sim(r, j) = the edge weight (0 without an edge). The
 * objective is the expected coverage
 *   Φ(S) = Σ_r Σ_c P_rc · best_c(r)        over the labelled nodes and the picks S,
 * where P_rc is the chance that r belongs to class c. Each pick j is assumed to
 * get its most probable class g_j, and its gain is discounted by P_j,g_j, the
 * chance that assumption holds:
 *   gain(j) = P_j,g_j · Σ_r P_r,g_j · max(0, sim(r, j) − best_g_j(r)).
 * Labelled nodes start in the chosen set with their own class (and P one-hot).
 * With one class this is Kim/Krause-style facility location, (1 − 1/e)-optimal
 * for every prefix of the greedy order; every prefix of the ranking is a batch
 * that covers the unlabelled data as well as greedy can.
 *
 * `labelledGroup[i]` is the class of labelled node i in 0..G−1, −1 if unlabelled.
 */
export async function facilityLocationOrder(
  similarity: CsrGraph,
  labelledGroup: Int32Array,
  options: FacilityOptions = {},
): Promise<AcquisitionOrder> {
  const { n, indptr, indices, weights } = similarity;
  const G = options.classProbabilities ? (options.numGroups ?? 0) : 1;
  const P = classMatrix(n, G, labelledGroup, options.classProbabilities);
  for (let e = 0; e < weights.length; e++) {
    if (!(weights[e] >= 0 && weights[e] <= 1)) {
      throw new RangeError(`similarity ${weights[e]} on edge ${e} is outside [0, 1]`);
    }
  }

  // best[r * G + c]: how well class c's chosen nodes already stand for r.
  const best = new Float64Array(n * G);
  const group = new Int32Array(n);
  const groupConfidence = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let g = 0;
    for (let c = 1; c < G; c++) if (P[j * G + c] > P[j * G + g]) g = c;
    group[j] = g;
    groupConfidence[j] = P[j * G + g];
  }

  const gain = (j: number): number => {
    const g = group[j];
    let total = P[j * G + g] * Math.max(0, 1 - best[j * G + g]);
    for (let e = indptr[j]; e < indptr[j + 1]; e++) {
      const r = indices[e];
      const pr = P[r * G + g];
      if (pr > 0) total += pr * Math.max(0, weights[e] - best[r * G + g]);
    }
    return groupConfidence[j] * total;
  };
  const pick = (j: number): void => {
    const g = group[j];
    best[j * G + g] = 1;
    for (let e = indptr[j]; e < indptr[j + 1]; e++) {
      const at = indices[e] * G + g;
      if (weights[e] > best[at]) best[at] = weights[e];
    }
  };

  for (let j = 0; j < n; j++) if (labelledGroup[j] >= 0) pick(j);
  return lazyGreedy(unlabelledNodes(labelledGroup), gain, pick, options);
}
