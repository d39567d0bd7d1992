import assert from 'node:assert/strict';
import { degrees, graphFromKnn } from '../../../src/core/csr';
import { InputError } from '../../../src/core/errors';
import { exactKnn } from '../../../src/core/knn';
import type { KnnResult } from '../../../src/core/types';
import { seededUniform } from '../../../src/core/random';

/**
 * Four points on a line, x = [0, 1, 3, 7], k = 2. Distances:
 *   |0−1| = 1, |0−3| = 3, |0−7| = 7, |1−3| = 2, |1−7| = 6, |3−7| = 4.
 *   kNN(0) = [1 (1), 2 (3)]
 *   kNN(1) = [0 (1), 2 (2)]
 *   kNN(2) = [1 (2), 0 (3)]      (3 is at 4)
 *   kNN(3) = [2 (4), 1 (6)]
 * Union edges: 0–1, 0–2, 1–2, 2–3 (from kNN(3)), 1–3 (from kNN(3) only: 3 ∉ kNN(1)).
 * Sorted rows: 0: [1, 2]; 1: [0, 2, 3]; 2: [0, 1, 3]; 3: [1, 2].
 */
const lineKnn: KnnResult = {
  n: 4,
  k: 2,
  indices: Int32Array.from([1, 2, 0, 2, 1, 0, 2, 1]),
  distances: Float32Array.from([1, 3, 1, 2, 2, 3, 4, 6]),
};

describe('core/csr graphFromKnn', () => {
  it('symmetrizes by union with sorted columns and unit weights', () => {
    const graph = graphFromKnn(lineKnn);
    assert.equal(graph.n, 4);
    assert.deepEqual(Array.from(graph.indptr), [0, 2, 5, 8, 10]);
    assert.deepEqual(Array.from(graph.indices), [1, 2, 0, 2, 3, 0, 1, 3, 1, 2]);
    assert.deepEqual(Array.from(graph.weights), [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    assert.deepEqual(Array.from(degrees(graph)), [2, 3, 3, 2]);
  });

  it('the hand kNN is what exactKnn finds on those points', async () => {
    const knn = await exactKnn({ rows: 4, dim: 1, data: Float32Array.from([0, 1, 3, 7]) }, 2);
    assert.deepEqual(Array.from(knn.indices), Array.from(lineKnn.indices));
    assert.deepEqual(Array.from(knn.distances), Array.from(lineKnn.distances));
  });

  it('Gaussian weights exp(−d²/σ²) with σ = mean kNN distance by default', () => {
    // σ = (1 + 3 + 1 + 2 + 2 + 3 + 4 + 6) / 8 = 22 / 8 = 2.75, σ² = 7.5625
    const s2 = 7.5625;
    const w01 = Math.exp(-1 / s2);
    const w02 = Math.exp(-9 / s2);
    const w12 = Math.exp(-4 / s2);
    const w13 = Math.exp(-36 / s2);
    const w23 = Math.exp(-16 / s2);
    const graph = graphFromKnn(lineKnn, { weighting: 'gaussian' });
    assert.deepEqual(Array.from(graph.indices), [1, 2, 0, 2, 3, 0, 1, 3, 1, 2]);
    const expected = [w01, w02, w01, w12, w13, w02, w12, w23, w13, w23];
    expected.forEach((w, e) =>
      assert.ok(Math.abs(graph.weights[e] - w) < 1e-7, `edge ${e}: ${graph.weights[e]} vs ${w}`),
    );
    // Degrees are the row sums: d_1 = w01 + w12 + w13.
    assert.ok(Math.abs(degrees(graph)[1] - (w01 + w12 + w13)) < 1e-6);
  });

  it('Gaussian weights with an explicit σ', () => {
    // σ = 2: w = exp(−d²/4); row 3 holds 1 (d = 6) and 2 (d = 4): exp(−9), exp(−4)
    const graph = graphFromKnn(lineKnn, { weighting: 'gaussian', sigma: 2 });
    assert.ok(Math.abs(graph.weights[8] - Math.exp(-9)) < 1e-9);
    assert.ok(Math.abs(graph.weights[9] - Math.exp(-4)) < 1e-8);
    assert.ok(Math.abs(graph.weights[0] - Math.exp(-0.25)) < 1e-7);
  });

  it('drops self matches and keeps the smaller of two distances on both rows', () => {
    // A backend returned 0 as its own neighbour, and 0–1 from both ends with 1.0 and 0.9.
    //   kNN(0) = [0 (0), 1 (1.0)], kNN(1) = [2 (0.5), 0 (0.9)], kNN(2) = [1 (0.5), 0 (2.0)]
    // Union without self loops: 0–1 (min(1.0, 0.9) = 0.9), 1–2 (0.5), 0–2 (2.0).
    // σ = 1: w01 = exp(−0.81), w02 = exp(−4), w12 = exp(−0.25).
    const knn: KnnResult = {
      n: 3,
      k: 2,
      indices: Int32Array.from([0, 1, 2, 0, 1, 0]),
      distances: Float32Array.from([0, 1.0, 0.5, 0.9, 0.5, 2.0]),
    };
    const graph = graphFromKnn(knn, { weighting: 'gaussian', sigma: 1 });
    assert.deepEqual(Array.from(graph.indptr), [0, 2, 4, 6]);
    assert.deepEqual(Array.from(graph.indices), [1, 2, 0, 2, 0, 1]);
    const d01 = Math.fround(0.9);
    const expected = [
      Math.exp(-d01 * d01),
      Math.exp(-4),
      Math.exp(-d01 * d01),
      Math.exp(-0.25),
      Math.exp(-4),
      Math.exp(-0.25),
    ];
    expected.forEach((w, e) => assert.ok(Math.abs(graph.weights[e] - w) < 1e-7, `edge ${e}`));
    assert.equal(graph.weights[0], graph.weights[2], 'w01 = w10 exactly');
  });

  it('gives weight 1 when every kNN distance is 0 (σ = 0)', () => {
    const knn: KnnResult = { n: 2, k: 1, indices: Int32Array.from([1, 0]), distances: new Float32Array(2) };
    assert.deepEqual(Array.from(graphFromKnn(knn, { weighting: 'gaussian' }).weights), [1, 1]);
  });

  it('rejects a bad σ and out-of-range neighbour indices', () => {
    assert.throws(() => graphFromKnn(lineKnn, { weighting: 'gaussian', sigma: 0 }), InputError);
    assert.throws(() => graphFromKnn(lineKnn, { weighting: 'gaussian', sigma: NaN }), InputError);
    const broken: KnnResult = { ...lineKnn, indices: Int32Array.from([1, 2, 0, 2, 1, 0, 2, 4]) };
    assert.throws(() => graphFromKnn(broken), RangeError);
  });

  it('is symmetric with sorted, loop-free rows on a random kNN graph', async () => {
    const n = 60;
    const data = new Float32Array(n * 3);
    const uniform = seededUniform(7);
    for (let t = 0; t < data.length; t++) data[t] = uniform();
    const knn = await exactKnn({ rows: n, dim: 3, data }, 4);
    const graph = graphFromKnn(knn, { weighting: 'gaussian' });
    const weightOf = new Map<string, number>();
    for (let i = 0; i < n; i++) {
      for (let e = graph.indptr[i]; e < graph.indptr[i + 1]; e++) {
        const j = graph.indices[e];
        assert.notEqual(j, i);
        if (e > graph.indptr[i]) assert.ok(graph.indices[e - 1] < j, 'strictly ascending columns');
        weightOf.set(`${i},${j}`, graph.weights[e]);
      }
      // Every kNN neighbour is an edge.
      for (let s = 0; s < 4; s++) assert.ok(weightOf.has(`${i},${knn.indices[i * 4 + s]}`));
    }
    for (const [key, w] of weightOf) {
      const [i, j] = key.split(',');
      assert.equal(weightOf.get(`${j},${i}`), w, `w(${i},${j}) = w(${j},${i})`);
    }
    // Every edge comes from some kNN list (union, not more).
    for (const key of weightOf.keys()) {
      const [i, j] = key.split(',').map(Number);
      const inI = Array.from(knn.indices.subarray(i * 4, i * 4 + 4)).includes(j);
      const inJ = Array.from(knn.indices.subarray(j * 4, j * 4 + 4)).includes(i);
      assert.ok(inI || inJ);
    }
  });
});
