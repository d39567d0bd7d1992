/**
 * Conjugate gradients for (cI − H)Δ = g against Gaussian elimination on
 * explicit matrices. H is built as Q diag(λ) Qᵀ with a random orthogonal Q, so
 * its eigenvalues are chosen: CG must end (to rounding) after as many products
 * as H has distinct eigenvalues, a property of the method independent of the
 * code under test.
 */
import assert from 'node:assert/strict';
import { CancelledError } from '../../../src/core/errors';
import { seededRandom } from '../../../src/model/attribution/random';
import { solveShiftedSystem } from '../../../src/model/attribution/shiftedSolve';
import { gaussianSolve } from './denseSolve';

/** Q diag(eigenvalues) Qᵀ, Q from Gram–Schmidt on random vectors. */
function symmetricWithEigenvalues(eigenvalues: number[], seed: number): number[][] {
  const d = eigenvalues.length;
  const random = seededRandom(seed);
  const q: number[][] = [];
  while (q.length < d) {
    const v = Array.from({ length: d }, () => random.normal());
    for (const u of q) {
      const projection = u.reduce((s, ui, i) => s + ui * v[i], 0);
      for (let i = 0; i < d; i++) v[i] -= projection * u[i];
    }
    const norm = Math.hypot(...v);
    q.push(v.map((e) => e / norm));
  }
  return Array.from({ length: d }, (_, r) =>
    Array.from({ length: d }, (_, c) => eigenvalues.reduce((s, l, k) => s + l * q[k][r] * q[k][c], 0)),
  );
}

const product = (H: number[][]) => async (v: Float64Array) =>
  Float64Array.from(H, (row) => row.reduce((s, h, c) => s + h * v[c], 0));

describe('attribution/shiftedSolve', () => {
  it('solves (cI − H)Δ = g like Gaussian elimination, in as many products as H has distinct eigenvalues', async () => {
    // 12 dimensions, 3 distinct eigenvalues (PSD, largest 2.5 < c = 3).
    const eigenvalues = [0, 0, 0, 0, 1, 1, 1, 1, 2.5, 2.5, 2.5, 2.5];
    const H = symmetricWithEigenvalues(eigenvalues, 7);
    const random = seededRandom(8);
    const g = Float64Array.from({ length: 12 }, () => random.normal());
    const c = 3;
    const expected = gaussianSolve(
      H.map((row, r) => row.map((h, k) => (r === k ? c : 0) - h)),
      Array.from(g),
    );
    const solution = await solveShiftedSystem(product(H), g, c, { iterations: 50, tolerance: 1e-10 });
    assert.equal(solution.products, 3);
    assert.ok(solution.relativeResidual <= 1e-10, `${solution.relativeResidual}`);
    solution.delta.forEach((d, i) => assert.ok(Math.abs(d - expected[i]) < 1e-9, `${i}: ${d} vs ${expected[i]}`));
  });

  it('needs one product when H is small next to c, and stops at the tolerance', async () => {
    // A ResNet-18-like case: σ = 0.002 against c = 2λ₂ ≈ 4.
    const H = symmetricWithEigenvalues([0.002, 0.001, 0.0005, 0, 0, 0.0015], 3);
    const g = Float64Array.from([1, -2, 0.5, 3, -1, 0.25]);
    const one = await solveShiftedSystem(product(H), g, 4.002, { iterations: 10, tolerance: 1e-3 });
    assert.equal(one.products, 1);
    assert.ok(one.relativeResidual <= 1e-3);
    const expected = gaussianSolve(
      H.map((row, r) => row.map((h, k) => (r === k ? 4.002 : 0) - h)),
      Array.from(g),
    );
    const scale = Math.max(...expected.map(Math.abs));
    one.delta.forEach((d, i) => assert.ok(Math.abs(d - expected[i]) < 1e-3 * scale));
  });

  it('returns Δ = 0 without a product when g = 0, and keeps to the iteration cap', async () => {
    const H = symmetricWithEigenvalues([1, 2, 3, 4], 1);
    let calls = 0;
    const counted = async (v: Float64Array) => {
      calls++;
      return product(H)(v);
    };
    const zero = await solveShiftedSystem(counted, new Float64Array(4), 5, { iterations: 10, tolerance: 0 });
    assert.deepEqual(Array.from(zero.delta), [0, 0, 0, 0]);
    assert.equal(calls, 0);
    const capped = await solveShiftedSystem(counted, Float64Array.from([1, 2, 3, 4]), 5, {
      iterations: 2,
      tolerance: 0,
    });
    assert.equal(capped.products, 2);
    assert.ok(capped.relativeResidual > 1e-6, 'four distinct eigenvalues need four products');
  });

  it('refuses a shift that leaves cI − H indefinite', async () => {
    const H = symmetricWithEigenvalues([3, 0.5], 2);
    await assert.rejects(
      solveShiftedSystem(product(H), Float64Array.from([1, 1]), 1, { iterations: 10, tolerance: 0 }),
      /not positive definite/,
    );
  });

  it('stops when cancelled, before the next product', async () => {
    const H = symmetricWithEigenvalues([1, 2, 3], 4);
    const controller = new AbortController();
    let calls = 0;
    await assert.rejects(
      solveShiftedSystem(
        async (v) => {
          calls++;
          return product(H)(v);
        },
        Float64Array.from([1, 2, 3]),
        5,
        { iterations: 10, tolerance: 0, signal: controller.signal, onIteration: () => controller.abort() },
      ),
      CancelledError,
    );
    assert.equal(calls, 1);
  });
});
