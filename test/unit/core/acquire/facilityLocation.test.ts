import assert from 'node:assert/strict';
import { facilityLocationOrder } from '../../../../src/core/acquire/facilityLocation';
import type { CsrGraph } from '../../../../src/core/csr';
import { seededUniform } from '../../../../src/core/random';
import { denseWeights, fromEdges, randomKnnGraph } from './graphs';

/**
 * Brute force of the objective the greedy climbs:
 *   Φ(S) = Σ_r Σ_c P_rc · max over chosen (j, c) of sim(r, j),   sim(r, r) = 1,
 * with every labelled node chosen in its own class (and its P row one-hot).
 */
function objective(sim: number[][], P: number[][], chosen: [number, number][]): number {
  let total = 0;
  for (let r = 0; r < sim.length; r++) {
    for (let c = 0; c < P[0].length; c++) {
      let best = 0;
      for (const [j, g] of chosen) if (g === c) best = Math.max(best, r === j ? 1 : sim[r][j]);
      total += P[r][c] * best;
    }
  }
  return total;
}

/** The greedy order, by brute force: each step takes the largest P_j,g · (Φ(S + (j, g)) − Φ(S)), ties → smaller j. */
function bruteForceOrder(
  graph: CsrGraph,
  labelledGroup: number[],
  probabilities?: number[][],
): { order: number[]; value: number[] } {
  const sim = denseWeights(graph);
  const n = graph.n;
  const G = probabilities ? probabilities[0].length : 1;
  const P = Array.from({ length: n }, (_, i) =>
    labelledGroup[i] >= 0
      ? Array.from({ length: G }, (_, c) => (c === labelledGroup[i] ? 1 : 0))
      : probabilities
        ? probabilities[i]
        : [1],
  );
  const groupOf = (j: number) => P[j].indexOf(Math.max(...P[j]));
  const chosen: [number, number][] = labelledGroup.flatMap((g, i) =>
    g >= 0 ? [[i, g] as [number, number]] : [],
  );
  const remaining = labelledGroup.flatMap((g, i) => (g < 0 ? [i] : []));
  const order: number[] = [];
  const value: number[] = [];
  while (remaining.length > 0) {
    const base = objective(sim, P, chosen);
    let bestAt = -1;
    let bestGain = -Infinity;
    remaining.forEach((j, at) => {
      const g = groupOf(j);
      const gain = P[j][g] * (objective(sim, P, [...chosen, [j, g]]) - base);
      if (gain > bestGain + 1e-12) {
        bestGain = gain;
        bestAt = at;
      }
    });
    const [j] = remaining.splice(bestAt, 1);
    chosen.push([j, groupOf(j)]);
    order.push(j);
    value.push(bestGain);
  }
  return { order, value };
}

function assertSameOrder(
  actual: { order: Int32Array; value: Float64Array },
  expected: { order: number[]; value: number[] },
): void {
  assert.deepEqual(Array.from(actual.order), expected.order);
  expected.value.forEach((v, p) =>
    assert.ok(Math.abs(actual.value[p] - v) < 1e-9, `value ${p}: ${actual.value[p]} vs ${v}`),
  );
}

describe('core/acquire facilityLocationOrder', () => {
  it('one class: a hand example', async () => {
    // Path 0 –0.5– 1 –0.9– 2 –0.9– 3, node 0 labelled.
    // Covered: best = [1, 0.5, 0, 0]. Gains: 1: (1 − 0.5) + (0.9 − 0) = 1.4; 2: (0.9 − 0.5) + 1 + 0.9 = 2.3; 3: 1 + 0.9 = 1.9.
    // Pick 2 → best = [1, 0.9, 1, 0.9]. Gains: 1: 0.1; 3: 0.1 → tie → node 1 first, then 3 (gain 0.1).
    const graph = fromEdges(4, [
      [0, 1, 0.5],
      [1, 2, 0.9],
      [2, 3, 0.9],
    ]);
    const result = await facilityLocationOrder(graph, Int32Array.from([0, -1, -1, -1]));
    assert.deepEqual(Array.from(result.order), [2, 1, 3]);
    assert.ok(Math.abs(result.value[0] - 2.3) < 1e-6 && Math.abs(result.value[1] - 0.1) < 1e-6);
  });

  it('one class: equals the brute-force greedy on random Gaussian kNN graphs, and its gains never grow', async () => {
    for (const seed of [1, 2, 3]) {
      const { graph } = await randomKnnGraph(30, 4, seed, 'gaussian');
      const labelled = Array.from({ length: 30 }, (_, i) => (i % 10 === seed ? 0 : -1));
      const result = await facilityLocationOrder(graph, Int32Array.from(labelled));
      assertSameOrder(result, bruteForceOrder(graph, labelled));
      for (let p = 1; p < result.value.length; p++) assert.ok(result.value[p] <= result.value[p - 1] + 1e-12);
    }
  });

  it('with class probabilities: equals the brute-force class-aware greedy', async () => {
    const uniform = seededUniform(11);
    for (const seed of [4, 5]) {
      const { graph } = await randomKnnGraph(24, 4, seed, 'gaussian');
      const G = 3;
      const probabilities = Array.from({ length: 24 }, () => {
        const raw = Array.from({ length: G }, () => uniform() ** 2);
        const sum = raw.reduce((a, b) => a + b, 0);
        return raw.map((v) => v / sum);
      });
      const labelled = Array.from({ length: 24 }, (_, i) => (i < 3 ? i : -1));
      const result = await facilityLocationOrder(graph, Int32Array.from(labelled), {
        classProbabilities: Float64Array.from(probabilities.flat()),
        numGroups: G,
      });
      assertSameOrder(result, bruteForceOrder(graph, labelled, probabilities));
    }
  });

  it('every prefix is within (1 − 1/e) of the best set of its size (one class, exhaustive search)', async () => {
    const { graph } = await randomKnnGraph(14, 3, 9, 'gaussian');
    const sim = denseWeights(graph);
    const P = Array.from({ length: 14 }, () => [1]);
    const labelled = Array.from({ length: 14 }, (_, i) => (i === 0 ? 0 : -1));
    const { order } = await facilityLocationOrder(graph, Int32Array.from(labelled));
    const base: [number, number][] = [[0, 0]];
    const candidates = Array.from({ length: 13 }, (_, i) => i + 1);
    for (let m = 1; m <= 4; m++) {
      const greedy = objective(sim, P, [
        ...base,
        ...Array.from(order.subarray(0, m), (j): [number, number] => [j, 0]),
      ]);
      let best = 0;
      for (const subset of subsets(candidates, m)) {
        best = Math.max(best, objective(sim, P, [...base, ...subset.map((j): [number, number] => [j, 0])]));
      }
      const start = objective(sim, P, base);
      assert.ok(
        greedy - start >= (1 - 1 / Math.E) * (best - start) - 1e-9,
        `m = ${m}: greedy ${greedy}, best ${best}`,
      );
    }
  });

  it('ranks an exact duplicate of a chosen node after every node that still adds coverage', async () => {
    // 1 and 2 are duplicates (similarity 1); 0 is labelled, 3 is far from everything but 2.
    const graph = fromEdges(4, [
      [0, 1, 0.2],
      [1, 2, 1],
      [2, 3, 0.3],
    ]);
    const result = await facilityLocationOrder(graph, Int32Array.from([0, -1, -1, -1]));
    // Gains: 1: 0.8 (itself) + 1 (node 2) = 1.8; 2: 1 + 0.8 (node 1) + 0.3 (node 3) = 2.1; 3: 1 + 0.3 = 1.3.
    // Pick 2 → 1 is fully covered (gain 0), 3 still gains 1 − 0.3 = 0.7.
    assert.deepEqual(Array.from(result.order), [2, 3, 1]);
    assert.equal(result.value[2], 0);
  });

  it('rejects similarities outside [0, 1] and mismatched sizes', async () => {
    const graph = fromEdges(2, [[0, 1, 1.5]]);
    await assert.rejects(facilityLocationOrder(graph, Int32Array.from([0, -1])), RangeError);
    await assert.rejects(
      facilityLocationOrder(fromEdges(2, [[0, 1, 0.5]]), Int32Array.from([0])),
      RangeError,
    );
  });
});

function* subsets(items: number[], size: number, start = 0, prefix: number[] = []): Generator<number[]> {
  if (prefix.length === size) {
    yield prefix;
    return;
  }
  for (let i = start; i < items.length; i++) yield* subsets(items, size, i + 1, [...prefix, items[i]]);
}
