import assert from 'node:assert/strict';
import { graphFromKnn, type CsrGraph } from '../../../../src/core/csr';
import { InputError } from '../../../../src/core/errors';
import { exactKnn } from '../../../../src/core/knn';
import { coverageObjective, greedyCoverage } from '../../../../src/core/prototypes';
import { seededNormal, seededUniform } from '../../../../src/core/random';

async function randomGraph(n: number, k: number, seed: number): Promise<CsrGraph> {
  const normal = seededNormal(seed);
  const points = { rows: n, dim: 2, data: Float32Array.from({ length: n * 2 }, normal) };
  return graphFromKnn(await exactKnn(points, k), { weighting: 'gaussian' });
}

function randomClasses(n: number, count: number, seed: number): Int32Array {
  const uniform = seededUniform(seed);
  const classes = Int32Array.from({ length: n }, () => Math.floor(uniform() * count));
  for (let c = 0; c < count; c++) classes[c] = c; // every class present
  return classes;
}

/** The dense similarity matrix the sparse graph stands for: 1 on the diagonal, 0 off the graph. */
function dense(graph: CsrGraph): number[][] {
  const s = Array.from({ length: graph.n }, (_, i) =>
    Array.from({ length: graph.n }, (_, j) => (i === j ? 1 : 0) as number),
  );
  for (let i = 0; i < graph.n; i++) {
    for (let e = graph.indptr[i]; e < graph.indptr[i + 1]; e++) s[i][graph.indices[e]] = graph.weights[e];
  }
  return s;
}

/** F(P) = Σ_i [max_{p∈P, same class} s(i,p) − λ max_{p∈P, other class} s(i,p)] on the dense matrix. */
function objective(s: number[][], chosen: number[], classes: Int32Array, lambda: number): number {
  let total = 0;
  for (let i = 0; i < s.length; i++) {
    let own = 0;
    let other = 0;
    for (const p of chosen) {
      if (classes[p] === classes[i]) own = Math.max(own, s[i][p]);
      else other = Math.max(other, s[i][p]);
    }
    total += own - lambda * other;
  }
  return total;
}

/** The greedy by exhaustive evaluation of every candidate's marginal gain at every step. */
function bruteGreedy(
  s: number[][],
  classes: Int32Array,
  lambda: number,
  count: number,
  order: 'by-gain' | 'round-robin',
): { order: number[]; gains: number[] } {
  const n = s.length;
  const classList = [...new Set(classes)].sort((a, b) => a - b);
  const chosen: number[] = [];
  const gains: number[] = [];
  let turn = 0;
  for (let t = 0; t < count; t++) {
    let allowed: number | undefined;
    if (order === 'round-robin' || t < classList.length) {
      for (let tries = 0; tries < classList.length; tries++) {
        const c = classList[turn++ % classList.length];
        if (Array.from({ length: n }, (_, j) => j).some((j) => classes[j] === c && !chosen.includes(j))) {
          allowed = c;
          break;
        }
      }
    }
    const base = objective(s, chosen, classes, lambda);
    let best = -1;
    let bestGain = -Infinity;
    for (let j = 0; j < n; j++) {
      if (chosen.includes(j) || (allowed !== undefined && classes[j] !== allowed)) continue;
      const gain = objective(s, [...chosen, j], classes, lambda) - base;
      if (gain > bestGain + 1e-12) [best, bestGain] = [j, gain];
    }
    chosen.push(best);
    gains.push(bestGain);
  }
  return { order: chosen, gains };
}

describe('core/prototypes greedyCoverage', () => {
  for (const [lambda, order] of [
    [0, 'by-gain'],
    [0.5, 'by-gain'],
    [1, 'by-gain'],
    [0, 'round-robin'],
    [0.5, 'round-robin'],
  ] as const) {
    it(`equals the exhaustive greedy (λ = ${lambda}, ${order})`, async () => {
      const graph = await randomGraph(30, 5, 3);
      const classes = randomClasses(30, 3, 4);
      const result = await greedyCoverage(graph, { count: 30, classes, confusionPenalty: lambda, order });
      const expected = bruteGreedy(dense(graph), classes, lambda, 30, order);
      assert.deepEqual(Array.from(result.order), expected.order);
      result.gains.forEach((gain, t) => assert.ok(Math.abs(gain - expected.gains[t]) < 1e-9, `step ${t}`));
    });
  }

  it('gains add up to the objective of every prefix', async () => {
    const graph = await randomGraph(50, 6, 8);
    const classes = randomClasses(50, 4, 9);
    const { order, gains } = await greedyCoverage(graph, { count: 20, classes, confusionPenalty: 0.5 });
    const s = dense(graph);
    let sum = 0;
    for (let t = 0; t < 20; t++) {
      sum += gains[t];
      const prefix = Array.from(order.subarray(0, t + 1));
      assert.ok(Math.abs(sum - objective(s, prefix, classes, 0.5)) < 1e-9);
      assert.ok(Math.abs(sum - coverageObjective(graph, prefix, classes, 0.5)) < 1e-9);
    }
  });

  it('gives every class its first prototype before any class gets a second (by gain)', async () => {
    const graph = await randomGraph(60, 5, 12);
    const classes = randomClasses(60, 5, 13);
    const { order } = await greedyCoverage(graph, { count: 5, classes, confusionPenalty: 0.5 });
    assert.deepEqual(
      Array.from(order, (row) => classes[row]),
      [0, 1, 2, 3, 4],
    );
  });

  it('picks the centre of a star first (plain facility location, by hand)', async () => {
    // Node 0 joined to 1, 2, 3 (weight 0.9); 3 joined to 4 (weight 0.5).
    // First gains: 0 → 1 + 3·0.9 = 3.7; 3 → 1 + 0.9 + 0.5 = 2.4; 1, 2 → 1.9; 4 → 1.5.
    const graph: CsrGraph = {
      n: 5,
      indptr: Int32Array.from([0, 3, 4, 5, 7, 8]),
      indices: Int32Array.from([1, 2, 3, 0, 0, 0, 4, 3]),
      weights: Float32Array.from([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5, 0.5]),
    };
    const { order, gains } = await greedyCoverage(graph, { count: 2 });
    assert.equal(order[0], 0);
    assert.ok(Math.abs(gains[0] - (1 + 3 * 0.9)) < 1e-6);
    // After 0: covers 1, 0.9, 0.9, 0.9, 0. Candidate 4 gains (1 − 0) + (0.5 − 0.9)⁺ = 1; candidate 3
    // gains (1 − 0.9) + 0.5 = 0.6; 1 and 2 gain 0.1: so 4.
    assert.equal(order[1], 4);
    assert.ok(Math.abs(gains[1] - 1) < 1e-6);
  });

  it('covers duplicates: a duplicate of a prototype gains nothing for its own cover', async () => {
    const points = { rows: 6, dim: 1, data: Float32Array.from([0, 0, 0, 5, 5, 9]) };
    const graph = graphFromKnn(await exactKnn(points, 2), { weighting: 'gaussian', sigma: 1 });
    const { order } = await greedyCoverage(graph, { count: 3 });
    // One of the triple first, then one of the pair, then the loner: every duplicate group once.
    assert.deepEqual(
      Array.from(order, (row) => points.data[row]),
      [0, 5, 9],
    );
  });

  it('refuses a count above the number of rows, naming both', async () => {
    const graph = await randomGraph(10, 3, 1);
    await assert.rejects(greedyCoverage(graph, { count: 11 }), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.match(error.message, /count.*10.*11/);
      return true;
    });
  });
});
