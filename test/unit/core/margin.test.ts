import assert from 'node:assert/strict';
import type { CsrGraph } from '../../../src/core/csr';
import { applyShift, highPassInfluence } from '../../../src/core/margin';

/**
 * The hand graph: a triangle 0–1–2 with a tail 2–3–4.
 *
 *     0
 *     | \
 *     1--2--3--4
 *
 * Neighbours: N(0) = {1,2}, N(1) = {0,2}, N(2) = {0,1,3}, N(3) = {2,4}, N(4) = {3}.
 * Unit weights: degrees d = [2, 2, 3, 2, 1].
 * Weighted copy: w01 = w10 = 2, all other edges 1: degrees d = [3, 3, 3, 2, 1].
 * Signal f = [1, 0, 2, 0, 0].
 */
function handGraph(w01 = 1): CsrGraph {
  return {
    n: 5,
    indptr: Int32Array.from([0, 2, 4, 7, 9, 10]),
    indices: Int32Array.from([1, 2, 0, 2, 0, 1, 3, 2, 4, 3]),
    weights: Float32Array.from([w01, 1, w01, 1, 1, 1, 1, 1, 1, 1]),
  };
}
const f = Float64Array.from([1, 0, 2, 0, 0]);
const r6 = Math.sqrt(6);

function assertClose(actual: ArrayLike<number>, expected: number[], tolerance = 1e-12): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tolerance,
      `entry ${i}: got ${actual[i]}, expected ${expected[i]} (all: ${Array.from(actual).join(', ')})`,
    );
  }
}

describe('core/margin applyShift', () => {
  it('random-walk: (D^-1 W f)_i = mean of f over the neighbours', () => {
    // W f = [f1+f2, f0+f2, f0+f1+f3, f2+f4, f3] = [0+2, 1+2, 1+0+0, 2+0, 0] = [2, 3, 1, 2, 0]
    // divided by d = [2, 2, 3, 2, 1]: [1, 1.5, 1/3, 1, 0]
    assertClose(applyShift(handGraph(), f, 'random-walk'), [1, 1.5, 1 / 3, 1, 0]);
  });

  it('normalized: (D^-1/2 W D^-1/2 f)_i = Σ_j f_j / √(d_i d_j)', () => {
    // row 0: f1/√(2·2) + f2/√(2·3) = 0 + 2/√6
    // row 1: f0/√(2·2) + f2/√(2·3) = 1/2 + 2/√6
    // row 2: f0/√(3·2) + f1/√(3·2) + f3/√(3·2) = 1/√6
    // row 3: f2/√(2·3) + f4/√(2·1) = 2/√6
    // row 4: f3/√(1·2) = 0
    assertClose(applyShift(handGraph(), f, 'normalized'), [2 / r6, 0.5 + 2 / r6, 1 / r6, 2 / r6, 0]);
  });

  it('laplacian: (L f)_i = d_i f_i − (W f)_i', () => {
    // d ⊙ f = [2·1, 2·0, 3·2, 2·0, 1·0] = [2, 0, 6, 0, 0]; minus W f = [2, 3, 1, 2, 0] → [0, −3, 5, −2, 0]
    assertClose(applyShift(handGraph(), f, 'laplacian'), [0, -3, 5, -2, 0]);
  });

  it('uses the edge weights', () => {
    // w01 = 2, degrees [3, 3, 3, 2, 1].
    // W f = [2·f1 + f2, 2·f0 + f2, f0 + f1 + f3, f2 + f4, f3] = [2, 4, 1, 2, 0]
    // random-walk: [2/3, 4/3, 1/3, 1, 0]
    assertClose(applyShift(handGraph(2), f, 'random-walk'), [2 / 3, 4 / 3, 1 / 3, 1, 0]);
    // normalized: row 0: 2·f1/√(3·3) + f2/√(3·3) = 2/3; row 1: 2·f0/3 + f2/3 = 4/3;
    // row 2: f0/3 + f1/3 + f3/√(3·2) = 1/3; row 3: f2/√(2·3) + f4/√2 = 2/√6; row 4: f3/√2 = 0
    assertClose(applyShift(handGraph(2), f, 'normalized'), [2 / 3, 4 / 3, 1 / 3, 2 / r6, 0]);
    // laplacian: d ⊙ f − W f = [3 − 2, 0 − 4, 6 − 1, 0 − 2, 0 − 0]
    assertClose(applyShift(handGraph(2), f, 'laplacian'), [1, -4, 5, -2, 0]);
  });

  it('gives 0 on a node without edges, and the Laplacian annihilates constants', () => {
    // Node 2 is isolated; 0–1 is one edge. A f on node 2 is 0 by convention.
    const graph: CsrGraph = {
      n: 3,
      indptr: Int32Array.from([0, 1, 2, 2]),
      indices: Int32Array.from([1, 0]),
      weights: Float32Array.from([1, 1]),
    };
    assertClose(applyShift(graph, Float64Array.from([3, 5, 7]), 'random-walk'), [5, 3, 0]);
    assertClose(applyShift(graph, Float64Array.from([3, 5, 7]), 'normalized'), [5, 3, 0]);
    assertClose(applyShift(handGraph(2), Float64Array.from([4, 4, 4, 4, 4]), 'laplacian'), [0, 0, 0, 0, 0]);
  });

  it('rejects a signal of the wrong length or with NaN', () => {
    assert.throws(() => applyShift(handGraph(), Float64Array.from([1, 2]), 'normalized'), RangeError);
    assert.throws(
      () => applyShift(handGraph(), Float64Array.from([1, 2, NaN, 0, 0]), 'normalized'),
      RangeError,
    );
  });
});

describe('core/margin highPassInfluence (MARGIN Algorithm 1 and the appendix code)', () => {
  it('algorithm-1 with the normalized operator (the default)', () => {
    // f_h = f − A f = [1 − 2/√6, 0 − (1/2 + 2/√6), 2 − 1/√6, 0 − 2/√6, 0 − 0]
    // |f_h| ≈ [0.1835, 1.3165, 1.5918, 0.8165, 0]; the max is node 2: 2 − 1/√6.
    const max = 2 - 1 / r6;
    const expected = [1 - 2 / r6, 0.5 + 2 / r6, max, 2 / r6, 0].map((v) => v / max);
    assertClose(highPassInfluence(handGraph(), f), expected);
    assertClose(
      highPassInfluence(handGraph(), f, { operator: 'normalized', variant: 'algorithm-1' }),
      expected,
    );
  });

  it('algorithm-1 with the random-walk operator', () => {
    // f_h = f − [1, 1.5, 1/3, 1, 0] = [0, −1.5, 5/3, −1, 0]; max |f_h| = 5/3
    // I = [0, 1.5·3/5, 1, 1·3/5, 0] = [0, 0.9, 1, 0.6, 0]
    assertClose(highPassInfluence(handGraph(), f, { operator: 'random-walk' }), [0, 0.9, 1, 0.6, 0]);
  });

  it('algorithm-1 with the Laplacian: the high pass is L f itself', () => {
    // L f = [0, −3, 5, −2, 0]; max |L f| = 5 → I = [0, 0.6, 1, 0.4, 0]
    assertClose(highPassInfluence(handGraph(), f, { operator: 'laplacian' }), [0, 0.6, 1, 0.4, 0]);
  });

  it('algorithm-1 on the weighted graph', () => {
    // random-walk: f − [2/3, 4/3, 1/3, 1, 0] = [1/3, −4/3, 5/3, −1, 0]; /(5/3) → [0.2, 0.8, 1, 0.6, 0]
    assertClose(highPassInfluence(handGraph(2), f, { operator: 'random-walk' }), [0.2, 0.8, 1, 0.6, 0]);
    // normalized: f − [2/3, 4/3, 1/3, 2/√6, 0] = [1/3, −4/3, 5/3, −2/√6, 0]; /(5/3)
    assertClose(highPassInfluence(handGraph(2), f, { operator: 'normalized' }), [
      0.2,
      0.8,
      1,
      (2 / r6) * 0.6,
      0,
    ]);
    // laplacian: L f = [1, −4, 5, −2, 0]; /5
    assertClose(highPassInfluence(handGraph(2), f, { operator: 'laplacian' }), [0.2, 0.8, 1, 0.4, 0]);
  });

  it('reference-code: f1 = P f / m, f_filter = f1 − P f1 / m', () => {
    // m = [2, 2, 3, 2, 1]; f1 = P f / m = [2/2, 3/2, 1/3, 2/2, 0/1] = [1, 1.5, 1/3, 1, 0]
    // P f1 = [f1_1 + f1_2, f1_0 + f1_2, f1_0 + f1_1 + f1_3, f1_2 + f1_4, f1_3]
    //      = [1.5 + 1/3, 1 + 1/3, 1 + 1.5 + 1, 1/3 + 0, 1] = [11/6, 4/3, 7/2, 1/3, 1]
    // P f1 / m = [11/12, 2/3, 7/6, 1/6, 1]
    // f_filter = [1 − 11/12, 1.5 − 2/3, 1/3 − 7/6, 1 − 1/6, 0 − 1] = [1/12, 5/6, −5/6, 5/6, −1]
    // max |f_filter| = 1 → I = [1/12, 5/6, 5/6, 5/6, 1]
    const expected = [1 / 12, 5 / 6, 5 / 6, 5 / 6, 1];
    assertClose(highPassInfluence(handGraph(), f, { variant: 'reference-code' }), expected);
    // P is the binary adjacency: edge weights and the operator do not change it.
    assertClose(highPassInfluence(handGraph(2), f, { variant: 'reference-code' }), expected);
    assertClose(
      highPassInfluence(handGraph(2), f, { variant: 'reference-code', operator: 'laplacian' }),
      expected,
    );
  });

  it('keeps an all-zero high pass at zero instead of dividing by zero', () => {
    // On the triangle alone (a regular graph) a constant signal is its own neighbour mean.
    const triangle: CsrGraph = {
      n: 3,
      indptr: Int32Array.from([0, 2, 4, 6]),
      indices: Int32Array.from([1, 2, 0, 2, 0, 1]),
      weights: Float32Array.from([1, 1, 1, 1, 1, 1]),
    };
    const constant = Float64Array.from([0.25, 0.25, 0.25]);
    for (const operator of ['normalized', 'random-walk', 'laplacian'] as const) {
      assertClose(highPassInfluence(triangle, constant, { operator }), [0, 0, 0]);
    }
    assertClose(highPassInfluence(triangle, constant, { variant: 'reference-code' }), [0, 0, 0]);
    assertClose(highPassInfluence(handGraph(), new Float64Array(5)), [0, 0, 0, 0, 0]);
  });

  it('accepts a Float32Array signal and leaves it untouched', () => {
    const f32 = Float32Array.from(f);
    assertClose(highPassInfluence(handGraph(), f32, { operator: 'random-walk' }), [0, 0.9, 1, 0.6, 0]);
    assert.deepEqual(Array.from(f32), [1, 0, 2, 0, 0]);
  });
});

describe('core/margin sanity', () => {
  it('2 nodes joined by one edge: the laplacian and the random walk agree up to degree 1', () => {
    // d = [1, 1]: random walk A f = [f1, f0] = [3, 1]; f − A f = [−2, 2] → I = [1, 1]
    // L f = [1·1 − 3, 1·3 − 1] = [−2, 2] → I = [1, 1]; normalized equals random walk since d = 1.
    const pair: CsrGraph = {
      n: 2,
      indptr: Int32Array.from([0, 1, 2]),
      indices: Int32Array.from([1, 0]),
      weights: Float32Array.from([1, 1]),
    };
    const g = Float64Array.from([1, 3]);
    for (const operator of ['normalized', 'random-walk', 'laplacian'] as const) {
      assertClose(highPassInfluence(pair, g, { operator }), [1, 1]);
    }
    // reference-code: f1 = [3, 1]; P f1 / m = [1, 3]; f_filter = [2, −2] → [1, 1]
    assertClose(highPassInfluence(pair, g, { variant: 'reference-code' }), [1, 1]);
  });
});
