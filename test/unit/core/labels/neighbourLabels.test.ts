import assert from 'node:assert/strict';
import { graphFromKnn, type CsrGraph } from '../../../../src/core/csr';
import { InputError } from '../../../../src/core/errors';
import { exactKnn } from '../../../../src/core/knn';
import {
  labelDisagreement,
  neighbourLabelShares,
  neighbourMajority,
  rankByScore,
} from '../../../../src/core/labels';
import { highPassInfluence } from '../../../../src/core/margin';
import { seededNormal } from '../../../../src/core/random';

/**
 * The same hand graph as in margin.test.ts: triangle 0–1–2, tail 2–3–4.
 * N(0) = {1,2}, N(1) = {0,2}, N(2) = {0,1,3}, N(3) = {2,4}, N(4) = {3}.
 * `w01` sets the weight of the edge 0–1 (both directions); every other edge weighs 1.
 */
function handGraph(w01 = 1): CsrGraph {
  return {
    n: 5,
    indptr: Int32Array.from([0, 2, 4, 7, 9, 10]),
    indices: Int32Array.from([1, 2, 0, 2, 0, 1, 3, 2, 4, 3]),
    weights: Float32Array.from([w01, 1, w01, 1, 1, 1, 1, 1, 1, 1]),
  };
}

describe('core/labels labelDisagreement', () => {
  it('counts disagreeing neighbours by hand', () => {
    // labels [0, 0, 1, 1, 0]
    // 0: N = {1 (0), 2 (1)} → 1 of 2 disagree = 1/2
    // 1: N = {0 (0), 2 (1)} → 1/2
    // 2 (label 1): N = {0 (0), 1 (0), 3 (1)} → 2/3
    // 3 (label 1): N = {2 (1), 4 (0)} → 1/2
    // 4 (label 0): N = {3 (1)} → 1/1
    const f = labelDisagreement(handGraph(), Int32Array.from([0, 0, 1, 1, 0]));
    assert.deepEqual(Array.from(f), [1 / 2, 1 / 2, 2 / 3, 1 / 2, 1]);
  });

  it('weights the vote by edge weight', () => {
    // w01 = 2, labels [0, 0, 1, 1, 0]
    // 0: agree with 1 (weight 2), disagree with 2 (weight 1) → 1 / 3
    // 1: agree with 0 (2), disagree with 2 (1) → 1 / 3
    // 2: disagree with 0 (1) and 1 (1), agree with 3 (1) → 2 / 3; 3: 1/2; 4: 1
    const f = labelDisagreement(handGraph(2), Int32Array.from([0, 0, 1, 1, 0]));
    assert.deepEqual(Array.from(f), [1 / 3, 1 / 3, 2 / 3, 1 / 2, 1]);
  });

  it('gives unknown labels f = 0 and ignores them as neighbours', () => {
    // labels [0, −1, 1, 1, 0]
    // 0: N = {1 (unknown, skipped), 2 (1)} → 1/1
    // 1: unknown → 0
    // 2 (1): N = {0 (0), 1 (skipped), 3 (1)} → 1/2
    // 3 (1): N = {2 (1), 4 (0)} → 1/2;  4 (0): N = {3 (1)} → 1
    const f = labelDisagreement(handGraph(), Int32Array.from([0, -1, 1, 1, 0]));
    assert.deepEqual(Array.from(f), [1, 0, 1 / 2, 1 / 2, 1]);
    // 4's only neighbour unknown → no labelled neighbour → 0.
    assert.equal(labelDisagreement(handGraph(), Int32Array.from([0, 0, 1, -1, 0]))[4], 0);
  });

  it('rejects labels of the wrong length', () => {
    assert.throws(() => labelDisagreement(handGraph(), Int32Array.from([0, 1])), RangeError);
  });
});

describe('core/labels neighbourMajority', () => {
  it('picks the majority, smallest class on ties, −1 without labelled neighbours', () => {
    // labels [2, 0, 1, 1, −1], 3 classes
    // 0: N = {1 (0), 2 (1)} → tie 0 vs 1 → 0
    // 1: N = {0 (2), 2 (1)} → tie 1 vs 2 → 1
    // 2: N = {0 (2), 1 (0), 3 (1)} → three-way tie → 0
    // 3: N = {2 (1), 4 (unknown)} → 1
    // 4: N = {3 (1)} → 1
    assert.deepEqual(
      Array.from(neighbourMajority(handGraph(), Int32Array.from([2, 0, 1, 1, -1]), 3)),
      [0, 1, 0, 1, 1],
    );
    // labels [2, 0, 1, −1, 0]: 4's only neighbour (3) is unknown → −1
    assert.equal(neighbourMajority(handGraph(), Int32Array.from([2, 0, 1, -1, 0]), 3)[4], -1);
  });

  it('weights votes by edge weight', () => {
    // w01 = 2, labels [2, 0, 1, 1, −1]
    // 0: class 0 (node 1) weighs 2, class 1 (node 2) weighs 1 → 0
    // 1: class 2 (node 0) weighs 2, class 1 (node 2) weighs 1 → 2
    // 2: classes 2, 0, 1 weigh 1 each → 0
    assert.deepEqual(
      Array.from(neighbourMajority(handGraph(2), Int32Array.from([2, 0, 1, 1, -1]), 3)),
      [0, 2, 0, 1, 1],
    );
  });

  it('only lets classes present among the neighbours win, even with zero weights', () => {
    // labels [0, 1, 2, 2, 1]; the edge 0–1 weighs 0 (an underflowed Gaussian weight).
    // 0: N = {1 (class 1, w 0), 2 (class 2, w 1)} → 2
    // 1: N = {0 (class 0, w 0), 2 (class 2, w 1)} → 2
    // 2: N = {0 (0), 1 (1), 3 (2)}, all w 1 → tie → 0
    // 3: N = {2 (2), 4 (1)} → tie → 1
    // 4: N = {3 (2)} → 2
    const labels = Int32Array.from([0, 1, 2, 2, 1]);
    assert.deepEqual(Array.from(neighbourMajority(handGraph(0), labels, 3)), [2, 2, 0, 1, 2]);
    // Every weight 0: every present class ties at 0, so the smallest PRESENT class wins
    // (class 0 must not win where no neighbour has it).
    // 0: {1, 2} → 1;  1: {0, 2} → 0;  2: {0, 1, 2} → 0;  3: {2, 1} → 1;  4: {2} → 2
    const zero: CsrGraph = { ...handGraph(), weights: new Float32Array(10) };
    assert.deepEqual(Array.from(neighbourMajority(zero, labels, 3)), [1, 0, 0, 1, 2]);
  });

  it('rejects a class index ≥ numClasses with an InputError', () => {
    assert.throws(() => neighbourMajority(handGraph(), Int32Array.from([0, 0, 3, 1, 0]), 3), InputError);
    assert.throws(() => neighbourMajority(handGraph(), Int32Array.from([0, 0, 1, 1, 0]), 0), InputError);
  });
});

describe('core/labels neighbourLabelShares', () => {
  it('gives each node the weighted class shares of its labelled neighbours (by hand)', () => {
    // labels [0, 1, 1, −1, 0] on the hand graph with w01 = 3:
    // 0: N = {1 (w3, class 1), 2 (w1, class 1)} → [0, 1]
    // 1: N = {0 (w3, class 0), 2 (w1, class 1)} → [3/4, 1/4]
    // 2: N = {0 (0), 1 (1), 3 (unlabelled)} → [1/2, 1/2]
    // 3: N = {2 (1), 4 (0)} → [1/2, 1/2]
    // 4: N = {3 (unlabelled)} → no labelled neighbour: uniform [1/2, 1/2]
    const shares = neighbourLabelShares(handGraph(3), Int32Array.from([0, 1, 1, -1, 0]), 2);
    assert.deepEqual(Array.from(shares), [0, 1, 0.75, 0.25, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]);
  });

  it('agrees with labelDisagreement: 1 − share of the own label', () => {
    const labels = Int32Array.from([0, 0, 1, 1, 0]);
    const shares = neighbourLabelShares(handGraph(2), labels, 2);
    const f = labelDisagreement(handGraph(2), labels);
    labels.forEach((label, i) => assert.ok(Math.abs(1 - shares[i * 2 + label] - f[i]) < 1e-12));
  });
});

describe('core/labels rankByScore', () => {
  it('sorts by score descending, ties by index, NaN last', () => {
    // scores: 0 → 0.5, 1 → 0.9, 2 → 0.5, 3 → NaN, 4 → 1, 5 → 0.9
    // 1 first (index 4), then 0.9 (indices 1, 5), then 0.5 (0, 2), then NaN (3)
    assert.deepEqual(Array.from(rankByScore([0.5, 0.9, 0.5, NaN, 1, 0.9])), [4, 1, 5, 0, 2, 3]);
    assert.deepEqual(Array.from(rankByScore(Float64Array.from([-1, -Infinity, 0]))), [2, 0, 1]);
    assert.deepEqual(Array.from(rankByScore([])), []);
  });
});

describe('core/labels on two clusters with one flipped label', () => {
  it('ranks the flipped sample first and suggests its true class', async () => {
    // 40 points around (0, 0) labelled 0 and 40 around (8, 0) labelled 1 (σ = 1, so
    // the clusters do not touch); sample 13 (cluster 0) is relabelled 1.
    const normal = seededNormal(2024);
    const rows = 80;
    const data = new Float32Array(rows * 2);
    const labels = new Int32Array(rows);
    for (let i = 0; i < rows; i++) {
      labels[i] = i < 40 ? 0 : 1;
      data[i * 2] = normal() + (i < 40 ? 0 : 8);
      data[i * 2 + 1] = normal();
    }
    const flipped = 13;
    labels[flipped] = 1;

    const graph = graphFromKnn(await exactKnn({ rows, dim: 2, data }, 8));
    const f = labelDisagreement(graph, labels);
    // All of 13's neighbours are in cluster 0, so it disagrees with every one of them.
    assert.equal(f[flipped], 1);
    for (const operator of ['normalized', 'random-walk', 'laplacian'] as const) {
      const influence = highPassInfluence(graph, f, { operator });
      const ranked = rankByScore(influence);
      assert.equal(ranked[0], flipped, `${operator}: top = ${ranked[0]}`);
      assert.equal(influence[flipped], 1);
    }
    assert.equal(neighbourMajority(graph, labels, 2)[flipped], 0);
  });
});
