import type { CsrGraph } from '../csr';
import type { ComputeOptions } from '../types';
import { lazyGreedy, type AcquisitionOrder } from './lazyGreedy';
import { unlabelledNodes } from './nodes';

/**
 * Greedy maximum coverage of graph neighbourhoods, in the spirit of ProbCover
 * (Yehuda et al., NeurIPS 2022, for low labelling budgets): a labelled node
 * covers itself and its neighbours, and the next pick is the node whose
 * neighbourhood holds the most uncovered nodes. So that the ranking goes on
 * once everything is covered, a node covered m times still counts 2^−m
 * (uncovered = 1, once = ½, …): the objective Σ_r (1 − 2^−m_r) is monotone
 * submodular, so every prefix of the order is a greedy cover.
 *
 * Edge weights are ignored: only who is whose neighbour matters.
 * `labels[i]` ≥ 0 marks a labelled node (its class is not used).
 */
export async function maxCoverageOrder(
  graph: CsrGraph,
  labels: Int32Array,
  options?: ComputeOptions,
): Promise<AcquisitionOrder> {
  const { n, indptr, indices } = graph;
  if (labels.length !== n)
    throw new RangeError(`labels hold ${labels.length} values but the graph has ${n} nodes`);
  // worth[r] = 2^−(times r is covered)
  const worth = new Float64Array(n).fill(1);
  const gain = (j: number): number => {
    let total = worth[j];
    for (let e = indptr[j]; e < indptr[j + 1]; e++) total += worth[indices[e]];
    return total;
  };
  const pick = (j: number): void => {
    worth[j] /= 2;
    for (let e = indptr[j]; e < indptr[j + 1]; e++) worth[indices[e]] /= 2;
  };
  for (let j = 0; j < n; j++) if (labels[j] >= 0) pick(j);
  return lazyGreedy(unlabelledNodes(labels), gain, pick, options);
}
