import assert from 'node:assert/strict';
import { firstNeighbours, graphsFromKnn } from '../../../../../src/engine/tasks/acquire/graphs';
import type { KnnResult } from '../../../../../src/core/types';

/** Four points on a line at 0, 1, 3, 6: every point's 3 neighbours, nearest first. */
const line: KnnResult = {
  n: 4,
  k: 3,
  indices: Int32Array.from([1, 2, 3, 0, 2, 3, 1, 0, 3, 2, 1, 0]),
  distances: Float32Array.from([1, 3, 6, 1, 2, 5, 2, 3, 3, 3, 5, 6]),
};

describe('engine/tasks/acquire graphs', () => {
  it('firstNeighbours keeps the first k columns of every row', () => {
    const two = firstNeighbours(line, 1);
    assert.deepEqual(Array.from(two.indices), [1, 0, 1, 2]);
    assert.deepEqual(Array.from(two.distances), [1, 1, 2, 3]);
    assert.equal(firstNeighbours(line, 3), line);
    assert.throws(() => firstNeighbours(line, 4), RangeError);
  });

  it('spreads on the k-NN graph and covers with Gaussian similarities to the wider neighbourhood, σ = mean k-NN distance', () => {
    const { graph, knn, similarity } = graphsFromKnn(line, 1);
    assert.equal(knn.k, 1);
    // 1-NN union: 0–1, 2–1, 3–2.
    assert.deepEqual(Array.from(graph.indices), [1, 0, 2, 1, 3, 2]);
    // σ = mean(1, 1, 2, 3) = 1.75; the similarity graph is the 3-NN union (complete here).
    const sigma = 1.75;
    const weightOf = (i: number, j: number) => {
      for (let e = similarity.indptr[i]; e < similarity.indptr[i + 1]; e++)
        if (similarity.indices[e] === j) return similarity.weights[e];
      return 0;
    };
    for (const [i, j, d] of [
      [0, 1, 1],
      [0, 3, 6],
      [1, 2, 2],
      [2, 3, 3],
    ]) {
      assert.ok(Math.abs(weightOf(i, j) - Math.exp(-(d * d) / (sigma * sigma))) < 1e-6, `${i}–${j}`);
    }
  });

  it('weighs every similarity 1 when every distance is 0 (all points duplicated)', () => {
    const same: KnnResult = {
      n: 3,
      k: 2,
      indices: Int32Array.from([1, 2, 0, 2, 0, 1]),
      distances: new Float32Array(6),
    };
    assert.deepEqual(Array.from(graphsFromKnn(same, 1).similarity.weights), [1, 1, 1, 1, 1, 1]);
  });
});
