import assert from 'node:assert/strict';
import { nearestLabelOrder } from '../../../../src/core/acquire/nearestLabel';
import type { CsrGraph } from '../../../../src/core/csr';
import { seededUniform } from '../../../../src/core/random';
import { denseWeights, fromEdges, randomKnnGraph } from './graphs';

/**
 * Brute force of the objective the greedy climbs, from scratch for a chosen
 * sequence: every chosen node counts 1; every other node r is owned by the
 * chosen node most similar to it (an edge; the earlier chosen on a tie) and
 * counts P(y_r = y_owner) = Σ_c P_rc P_owner,c (1 for an exact duplicate,
 * similarity 1); a node with no chosen
 * neighbour counts 0. Labelled nodes come first, by index, with one-hot rows.
 */
function objective(sim: number[][], P: number[][], chosen: number[]): number {
  let total = 0;
  for (let r = 0; r < sim.length; r++) {
    if (chosen.includes(r)) {
      total += 1;
      continue;
    }
    let owner = -1;
    for (const j of chosen) if (sim[r][j] > 0 && (owner < 0 || sim[r][j] > sim[r][owner])) owner = j;
    if (owner < 0) continue;
    // An exact duplicate (similarity 1) has its twin's class.
    total += sim[r][owner] === 1 ? 1 : P[r].reduce((sum, p, c) => sum + p * P[owner][c], 0);
  }
  return total;
}

/**
 * Checks that `order` is a greedy order of the objective, by brute force: at
 * every step the pick's gain A(S + j) − A(S) is the largest over the nodes
 * left (within rounding: exact ties may go either way, since the fast
 * version updates its gains incrementally), and equals the reported value.
 */
function assertGreedy(
  graph: CsrGraph,
  labelledGroup: number[],
  probabilities: number[][],
  actual: { order: Int32Array; value: Float64Array },
  context: string,
): void {
  const sim = denseWeights(graph);
  const G = probabilities[0].length;
  const P = labelledGroup.map((g, i) =>
    g >= 0 ? Array.from({ length: G }, (_, c) => (c === g ? 1 : 0)) : probabilities[i],
  );
  const chosen = labelledGroup.flatMap((g, i) => (g >= 0 ? [i] : []));
  const remaining = new Set(labelledGroup.flatMap((g, i) => (g < 0 ? [i] : [])));
  assert.equal(actual.order.length, remaining.size, context);
  actual.order.forEach((pick, p) => {
    assert.ok(remaining.has(pick), `${context}: pick ${p} (${pick}) is not a node left to pick`);
    const base = objective(sim, P, chosen);
    const gainOf = (j: number) => objective(sim, P, [...chosen, j]) - base;
    const best = Math.max(...[...remaining].map(gainOf));
    const gain = gainOf(pick);
    assert.ok(gain >= best - 1e-9, `${context}: pick ${p} (${pick}) gains ${gain}, the best ${best}`);
    assert.ok(
      Math.abs(actual.value[p] - gain) < 1e-9,
      `${context}: value ${p}: ${actual.value[p]} vs ${gain}`,
    );
    chosen.push(pick);
    remaining.delete(pick);
  });
}

function randomProbabilities(n: number, G: number, seed: number): number[][] {
  const uniform = seededUniform(seed);
  return Array.from({ length: n }, () => {
    // Peaked rows, like a softmax: one class dominates most of the time.
    const row = Array.from({ length: G }, () => uniform() ** 3);
    row[Math.floor(uniform() * G)] += 1;
    const sum = row.reduce((a, b) => a + b, 0);
    return row.map((p) => p / sum);
  });
}

describe('core/acquire nearestLabelOrder', () => {
  it('a hand example: a node owned by a close label of another class is worth taking over', async () => {
    // 0 –0.8– 1 –0.5– 2 –0.5– 3; node 0 labelled class A; 1 and 2 surely B, 3 surely A.
    // Start: 1 is owned by 0 (value P(y1 = A) = 0); 2 and 3 by nobody.
    // gain(1) = (1 − 0) + [2: 0.5 > none → P(y2 = y1) − 0 = 1] = 2
    // gain(2) = (1 − 0) + [1: 0.5 < 0.8, no] + [3: P(y3 = y2) − 0 = 0] = 1
    // gain(3) = (1 − 0) + [2: P(y2 = y3) − 0 = 0] = 1
    // After 1: 2 is owned by 1 (value 1); gain(2) = 0, gain(3) = 1 + [2: 0.5 = 0.5, no] = 1.
    const graph = fromEdges(4, [
      [0, 1, 0.8],
      [1, 2, 0.5],
      [2, 3, 0.5],
    ]);
    const result = await nearestLabelOrder(graph, Int32Array.from([0, -1, -1, -1]), {
      classProbabilities: Float64Array.from([1, 0, 0, 1, 0, 1, 1, 0]),
      numGroups: 2,
    });
    assert.deepEqual(Array.from(result.order), [1, 3, 2]);
    assert.deepEqual(Array.from(result.value), [2, 1, 0]);
  });

  it('is the brute-force greedy on random Gaussian kNN graphs with random class probabilities', async () => {
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const n = 24;
      const G = 3;
      const { graph } = await randomKnnGraph(n, 4, seed, 'gaussian');
      const uniform = seededUniform(100 + seed);
      const labelledGroup = Array.from({ length: n }, () =>
        uniform() < 0.2 ? Math.floor(uniform() * G) : -1,
      );
      const probabilities = randomProbabilities(n, G, 200 + seed);
      const actual = await nearestLabelOrder(graph, Int32Array.from(labelledGroup), {
        classProbabilities: Float64Array.from(probabilities.flat()),
        numGroups: G,
      });
      assertGreedy(graph, labelledGroup, probabilities, actual, `seed ${seed}`);
    }
  });

  it('is the brute-force greedy when nothing is labelled but the class probabilities', async () => {
    const { graph } = await randomKnnGraph(18, 3, 9, 'gaussian');
    const probabilities = randomProbabilities(18, 2, 19);
    const labelledGroup = new Array<number>(18).fill(-1);
    const actual = await nearestLabelOrder(graph, Int32Array.from(labelledGroup), {
      classProbabilities: Float64Array.from(probabilities.flat()),
      numGroups: 2,
    });
    assertGreedy(graph, labelledGroup, probabilities, actual, 'nothing labelled');
  });

  it('every prefix raises the brute-force objective by the values it reports', async () => {
    const { graph } = await randomKnnGraph(30, 5, 11, 'gaussian');
    const probabilities = randomProbabilities(30, 3, 12);
    const labelledGroup = Array.from({ length: 30 }, (_, i) => (i < 3 ? i : -1));
    const { order, value } = await nearestLabelOrder(graph, Int32Array.from(labelledGroup), {
      classProbabilities: Float64Array.from(probabilities.flat()),
      numGroups: 3,
    });
    const sim = denseWeights(graph);
    const P = labelledGroup.map((g, i) =>
      g >= 0 ? [0, 1, 2].map((c) => (c === g ? 1 : 0)) : probabilities[i],
    );
    const chosen = [0, 1, 2];
    let previous = objective(sim, P, chosen);
    order.forEach((node, p) => {
      chosen.push(node);
      const now = objective(sim, P, chosen);
      assert.ok(Math.abs(now - previous - value[p]) < 1e-9, `pick ${p}`);
      previous = now;
    });
  });

  it('an exact duplicate of a pick (similarity 1) adds nothing, and its twin counts it as set right', async () => {
    // 0 –0.5– 1 =1= 2 (2 is a copy of 1), 1 –0.5– 3; node 0 labelled; classes uncertain.
    const graph = fromEdges(4, [
      [0, 1, 0.5],
      [1, 2, 1],
      [1, 3, 0.5],
      [0, 3, 0.25],
    ]);
    const probabilities = [
      [0.5, 0.5],
      [0.6, 0.4],
      [0.6, 0.4],
      [0.3, 0.7],
    ];
    const labelledGroup = [0, -1, -1, -1];
    const actual = await nearestLabelOrder(graph, Int32Array.from(labelledGroup), {
      classProbabilities: Float64Array.from(probabilities.flat()),
      numGroups: 2,
    });
    assertGreedy(graph, labelledGroup, probabilities, actual, 'duplicates');
    // gain(1) = (1 − 0.6) + [2: 1 − 0 (its copy)] + [3: 0.5 > 0.25 → 0.6·0.3 + 0.4·0.7 − 0.3] = 1.56
    assert.equal(actual.order[0], 1);
    assert.ok(Math.abs(actual.value[0] - 1.56) < 1e-12);
    const copyAt = Array.from(actual.order).indexOf(2);
    assert.ok(Math.abs(actual.value[copyAt]) < 1e-12, String(actual.value[copyAt]));
  });

  it('stops when cancelled', async () => {
    const { graph } = await randomKnnGraph(600, 3, 4, 'gaussian');
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      nearestLabelOrder(graph, new Int32Array(600).fill(-1), {
        classProbabilities: new Float64Array(600).fill(1),
        numGroups: 1,
        signal: controller.signal,
      }),
      /cancelled/,
    );
  });

  it('refuses similarities outside [0, 1], a class out of range, and probabilities of the wrong size', async () => {
    const graph = fromEdges(3, [
      [0, 1, 1.5],
      [1, 2, 0.5],
    ]);
    const probabilities = { classProbabilities: new Float64Array(6).fill(0.5), numGroups: 2 };
    await assert.rejects(
      nearestLabelOrder(graph, Int32Array.from([0, -1, -1]), probabilities),
      /outside \[0, 1\]/,
    );
    const good = fromEdges(3, [[0, 1, 0.5]]);
    await assert.rejects(
      nearestLabelOrder(good, Int32Array.from([2, -1, -1]), probabilities),
      /only 2 classes/,
    );
    await assert.rejects(
      nearestLabelOrder(good, Int32Array.from([0, -1, -1]), {
        classProbabilities: new Float64Array(5),
        numGroups: 2,
      }),
      /expected 3×2/,
    );
  });
});
