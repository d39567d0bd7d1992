import type { CsrGraph } from '../csr';
import { InputError } from '../errors';

/**
 * Node function of the label task (MARGIN case III): the weighted share of a
 * node's labelled neighbours whose label differs from its own,
 *   f(i) = Σ_j w_ij [l_j ≠ l_i] / Σ_j w_ij   over labelled neighbours j,
 * which with unit weights is |{j ∈ N(i): l_j ≠ l_i}| / |N(i)|.
 * A negative label means unknown: such a node gets f = 0 and is skipped as a
 * neighbour. A node without labelled neighbours gets f = 0.
 */
export function labelDisagreement(graph: CsrGraph, labels: Int32Array): Float64Array {
  checkLabels(graph, labels);
  const { n, indptr, indices, weights } = graph;
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const own = labels[i];
    if (own < 0) continue;
    let total = 0;
    let disagreeing = 0;
    for (let e = indptr[i]; e < indptr[i + 1]; e++) {
      const other = labels[indices[e]];
      if (other < 0) continue;
      total += weights[e];
      if (other !== own) disagreeing += weights[e];
    }
    f[i] = total > 0 ? disagreeing / total : 0;
  }
  return f;
}

/**
 * The label suggested for every node: the class with the largest total edge
 * weight among its labelled neighbours (ties → the smallest class index;
 * no labelled neighbour → −1). The node's own label does not vote.
 */
export function neighbourMajority(graph: CsrGraph, labels: Int32Array, numClasses: number): Int32Array {
  checkClasses(graph, labels, numClasses);
  const { n, indptr, indices, weights } = graph;
  const votes = new Float64Array(numClasses);
  const suggested = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let e = indptr[i]; e < indptr[i + 1]; e++) {
      const other = labels[indices[e]];
      if (other >= 0) votes[other] += weights[e];
    }
    // Only classes present among the neighbours compete (a Gaussian weight may underflow to 0).
    let best = -1;
    let bestVotes = -1;
    for (let e = indptr[i]; e < indptr[i + 1]; e++) {
      const c = labels[indices[e]];
      if (c < 0) continue;
      if (votes[c] > bestVotes || (votes[c] === bestVotes && c < best)) {
        best = c;
        bestVotes = votes[c];
      }
    }
    for (let e = indptr[i]; e < indptr[i + 1]; e++) {
      const c = labels[indices[e]];
      if (c >= 0) votes[c] = 0;
    }
    suggested[i] = best;
  }
  return suggested;
}

/**
 * Each node's neighbourhood as a class distribution: row i (n × C, row-major)
 * holds Σ_j w_ij [l_j = c] / Σ_j w_ij over i's labelled neighbours j (its own
 * label excluded), or 1/C everywhere when none of its neighbours is labelled.
 * 1 − shares[i, l_i] is `labelDisagreement`.
 */
export function neighbourLabelShares(graph: CsrGraph, labels: Int32Array, numClasses: number): Float64Array {
  checkClasses(graph, labels, numClasses);
  const { n, indptr, indices, weights } = graph;
  const C = numClasses;
  const shares = new Float64Array(n * C);
  for (let i = 0; i < n; i++) {
    let total = 0;
    for (let e = indptr[i]; e < indptr[i + 1]; e++) {
      const c = labels[indices[e]];
      if (c < 0) continue;
      shares[i * C + c] += weights[e];
      total += weights[e];
    }
    for (let c = 0; c < C; c++) shares[i * C + c] = total > 0 ? shares[i * C + c] / total : 1 / C;
  }
  return shares;
}

function checkLabels(graph: CsrGraph, labels: Int32Array): void {
  if (labels.length !== graph.n) {
    throw new RangeError(`labels hold ${labels.length} values but the graph has ${graph.n} nodes`);
  }
}

function checkClasses(graph: CsrGraph, labels: Int32Array, numClasses: number): void {
  checkLabels(graph, labels);
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new InputError('numClasses', `must be a whole number ≥ 1, got ${numClasses}`);
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= numClasses) {
      throw new InputError(
        'labels',
        `sample ${i} has class ${labels[i]}, but there are only ${numClasses} classes`,
      );
    }
  }
}
