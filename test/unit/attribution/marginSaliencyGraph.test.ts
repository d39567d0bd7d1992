/**
 * The graph maths of MARGIN saliency (src/core/saliency/marginGraph.ts) on a
 * toy case worked out by hand: a 1×4 image, two "scales" of segments, effects
 * chosen as dyadic fractions so every distance is exact.
 *
 *   pixels        0   1   2   3
 *   scale 0:      a   a   b   b      a, b: 2 pixels each
 *   scale 1:      c   d   d   d      c: 1 pixel, d: 3 pixels
 *
 * Nodes a, b, c, d = 0, 1, 2, 3; sizes 2, 2, 1, 3; f = size / 3 = 2/3, 2/3, 1/3, 1.
 * Effects Δ = 0.5, 0, 0.375, 0.25.
 */
import assert from 'node:assert/strict';
import {
  denseSaliency,
  effectKnn,
  influenceMap,
  nodeInfluence,
  nodeSizes,
  type ScaleLabels,
} from '../../../src/core/saliency/marginGraph';

const scales: ScaleLabels[] = [
  { labels: Int32Array.from([0, 0, 1, 1]), count: 2 },
  { labels: Int32Array.from([0, 1, 1, 1]), count: 2 },
];
const effects = Float64Array.from([0.5, 0, 0.375, 0.25]);

function close(actual: ArrayLike<number>, expected: number[], tolerance = 1e-12): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++)
    assert.ok(Math.abs(actual[i] - expected[i]) <= tolerance, `[${i}] ${actual[i]} vs ${expected[i]}`);
}

describe('MARGIN saliency graph maths (toy case by hand)', () => {
  it('counts node sizes scale by scale', () => {
    assert.deepEqual(Array.from(nodeSizes(scales)), [2, 2, 1, 3]);
  });

  it('finds each node’s nearest effects, ties to the lower index', () => {
    // a (0.5): c at 0.125. b (0): d at 0.25. c (0.375): a and d both at 0.125 → a.
    // d (0.25): c at 0.125.
    const knn = effectKnn(effects, 1);
    assert.deepEqual(Array.from(knn.indices), [2, 3, 0, 2]);
    close(knn.distances, [0.125, 0.25, 0.125, 0.125]);
    // k = 2: a: c (0.125), d (0.25); b: d (0.25), c (0.375); c: a, d (0.125 each);
    // d: c (0.125), then b and a at 0.25 → a (index 0) first.
    assert.deepEqual(Array.from(effectKnn(effects, 2).indices), [2, 3, 3, 2, 0, 3, 2, 0]);
    // k larger than the other nodes is clipped.
    assert.equal(effectKnn(effects, 9).k, 3);
  });

  it('takes the high pass of f = size / max size over the union kNN graph', () => {
    // k = 1 edges (union): a–c, b–d, c–d. Random walk: f̂ = mean of the neighbours' f.
    // a: 2/3 − 1/3 = 1/3;  b: 2/3 − 1 = −1/3;  c: 1/3 − (2/3 + 1)/2 = −1/2;  d: 1 − (2/3 + 1/3)/2 = 1/2.
    // |·| / max: 2/3, 2/3, 1, 1.
    const walk = nodeInfluence(effects, nodeSizes(scales), { neighbours: 1, operator: 'random-walk' });
    close(walk.signal, [2 / 3, 2 / 3, 1 / 3, 1]);
    assert.deepEqual(Array.from(walk.graph.indptr), [0, 1, 2, 4, 6]);
    assert.deepEqual(Array.from(walk.graph.indices), [2, 3, 0, 3, 1, 2]);
    close(walk.influence, [2 / 3, 2 / 3, 1, 1]);
    // Laplacian: (L f)_i = d_i f_i − Σ neighbours: 2/3 − 1/3, 2/3 − 1, 2/3 − 5/3, 2 − 1 → 1/3, 1/3, 1, 1.
    const laplacian = nodeInfluence(effects, nodeSizes(scales), { neighbours: 1, operator: 'laplacian' });
    close(laplacian.influence, [1 / 3, 1 / 3, 1, 1]);
    // Normalised: f̂_i = Σ_j f_j / √(d_i d_j), degrees 1, 1, 2, 2.
    const s2 = Math.SQRT2;
    const high = [2 / 3 - 1 / 3 / s2, 2 / 3 - 1 / s2, 1 / 3 - 2 / 3 / s2 - 1 / 2, 1 - 2 / 3 / s2 - 1 / 3 / 2];
    const top = Math.max(...high.map(Math.abs));
    const normalized = nodeInfluence(effects, nodeSizes(scales), { neighbours: 1 });
    close(
      normalized.influence,
      high.map((v) => Math.abs(v) / top),
    );
  });

  it('paints S = Σ Δ/size and I = mean influence over scales on the pixels', () => {
    // Pixel 0: a (0.5/2) + c (0.375/1) = 0.625; pixel 1: a (0.25) + d (0.25/3);
    // pixels 2, 3: b (0) + d (0.25/3).
    close(denseSaliency(scales, effects, nodeSizes(scales)), [0.625, 0.25 + 1 / 12, 1 / 12, 1 / 12]);
    const influence = Float64Array.from([0.2, 0.4, 1, 0.6]);
    // Pixel 0: (a + c)/2 = 0.6; pixel 1: (a + d)/2 = 0.4; pixels 2, 3: (b + d)/2 = 0.5.
    close(influenceMap(scales, influence), [0.6, 0.4, 0.5, 0.5]);
  });

  it('gives zero influence when every node has the same size (a constant signal has no high pass)', () => {
    const single: ScaleLabels[] = [{ labels: Int32Array.from([0, 0, 1, 1]), count: 2 }];
    const { influence } = nodeInfluence(Float64Array.from([0.1, 0.3]), nodeSizes(single), { neighbours: 1 });
    close(influence, [0, 0]);
  });
});
