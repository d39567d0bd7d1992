import type { CsrGraph } from '../csr';
import type { AcquisitionOrder } from './lazyGreedy';

/**
 * Orders the unlabelled nodes by a score, but spreads each batch out: a pass
 * walks the nodes from the highest score down and takes a node only if no
 * neighbour of it has been taken in this pass (nor, in the first pass, is
 * labelled); skipped nodes wait for the next pass, which starts afresh. So
 * every prefix holds at most one node of any neighbourhood before it holds two,
 * which is what a batch needs when no label comes back between picks.
 *
 * Score ties go to the smaller index; NaN scores rank last.
 */
export function diverseOrder(
  graph: CsrGraph,
  score: ArrayLike<number>,
  labels: Int32Array,
): AcquisitionOrder {
  const { n, indptr, indices } = graph;
  if (score.length !== n || labels.length !== n) {
    throw new RangeError(
      `score (${score.length}) and labels (${labels.length}) must have one value per node (${n})`,
    );
  }
  const byScore = Array.from({ length: n }, (_, i) => i)
    .filter((i) => labels[i] < 0)
    .sort((a, b) => compareScores(score[a], score[b]) || a - b);
  const blocked = new Uint8Array(n);
  for (let j = 0; j < n; j++) if (labels[j] >= 0) blockNeighbours(j);
  const order = new Int32Array(byScore.length);
  const value = new Float64Array(byScore.length);
  let placed = 0;
  let waiting = byScore;
  while (waiting.length > 0) {
    const next: number[] = [];
    for (const node of waiting) {
      if (blocked[node]) {
        next.push(node);
        continue;
      }
      order[placed] = node;
      value[placed++] = score[node];
      blockNeighbours(node);
    }
    blocked.fill(0);
    waiting = next;
  }
  return { order, value };

  function blockNeighbours(node: number): void {
    for (let e = indptr[node]; e < indptr[node + 1]; e++) blocked[indices[e]] = 1;
  }
}

/** Higher first; NaN after every number. */
function compareScores(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b))
    return Number.isNaN(a) === Number.isNaN(b) ? 0 : Number.isNaN(a) ? 1 : -1;
  return a > b ? -1 : a < b ? 1 : 0;
}
