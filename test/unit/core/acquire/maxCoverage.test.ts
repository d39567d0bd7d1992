import assert from 'node:assert/strict';
import { maxCoverageOrder } from '../../../../src/core/acquire/maxCoverage';
import type { CsrGraph } from '../../../../src/core/csr';
import { randomKnnGraph, twoTriangles } from './graphs';

/** Brute force: Φ(S) = Σ_r (1 − 2^−m_r), m_r = how many chosen nodes have r in their closed neighbourhood. */
function objective(graph: CsrGraph, chosen: number[]): number {
  const times = new Array<number>(graph.n).fill(0);
  for (const j of chosen) {
    times[j]++;
    for (let e = graph.indptr[j]; e < graph.indptr[j + 1]; e++) times[graph.indices[e]]++;
  }
  return times.reduce((sum, m) => sum + 1 - 2 ** -m, 0);
}

function bruteForceOrder(graph: CsrGraph, labels: number[]): number[] {
  const chosen = labels.flatMap((label, i) => (label >= 0 ? [i] : []));
  const remaining = labels.flatMap((label, i) => (label < 0 ? [i] : []));
  const order: number[] = [];
  while (remaining.length > 0) {
    const base = objective(graph, chosen);
    let bestAt = 0;
    let bestGain = -Infinity;
    remaining.forEach((j, at) => {
      const gain = objective(graph, [...chosen, j]) - base;
      if (gain > bestGain + 1e-12) [bestGain, bestAt] = [gain, at];
    });
    const [j] = remaining.splice(bestAt, 1);
    chosen.push(j);
    order.push(j);
  }
  return order;
}

describe('core/acquire maxCoverageOrder', () => {
  it('by hand: covers the other triangle first', async () => {
    // Node 0 labelled covers {0, 1, 2}. Closed neighbourhoods: 5 → {2, 3, 4, 5}: uncovered 3, 4, 5 → gain 3 + ½ = 3.5;
    // 3 → {3, 4, 5}: 3; 4 → {3, 4, 5}: 3; 1 → {0, 1, 2}: 3 · ½ = 1.5; 2 → {0, 1, 2, 5}: 1.5 + 1 = 2.5; 6 → {6}: 1.
    const result = await maxCoverageOrder(twoTriangles(), Int32Array.from([0, -1, -1, -1, -1, -1, -1]));
    assert.equal(result.value[0], 3.5);
    // Worth after 5: 0, 1, 3, 4, 5 → ½, 2 → ¼, 6 → 1. Gains: 1: ½+½+¼ = 1.25; 2: ½+½+¼+½ = 1.75; 3, 4: 1.5; 6: 1 → 2.
    // After 2 (0, 1, 5 → ¼; 2 → ⅛): 1: 0.625; 3, 4: ½+½+¼ = 1.25; 6: 1 → 3 (tie with 4: smaller index).
    // After 3 (3, 4 → ¼; 5 → ⅛): 1: 0.625; 4: ¼+¼+⅛ = 0.625; 6: 1 → 6, then 1 and 4 tie → 1, 4.
    assert.deepEqual(Array.from(result.order), [5, 2, 3, 6, 1, 4]);
    assert.deepEqual(Array.from(result.value), [3.5, 1.75, 1.25, 1, 0.625, 0.625]);
    assert.deepEqual(Array.from(result.order), bruteForceOrder(twoTriangles(), [0, -1, -1, -1, -1, -1, -1]));
  });

  it('equals the brute-force greedy on random kNN graphs', async () => {
    for (const seed of [1, 2, 3]) {
      const { graph } = await randomKnnGraph(30, 3, seed);
      const labels = Array.from({ length: 30 }, (_, i) => (i % 7 === 0 ? 1 : -1));
      const result = await maxCoverageOrder(graph, Int32Array.from(labels));
      assert.deepEqual(Array.from(result.order), bruteForceOrder(graph, labels));
    }
  });
});
