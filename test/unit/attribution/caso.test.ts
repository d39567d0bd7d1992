/**
 * CASO on closed-form models. For logits W x + b the loss Hessian is exactly
 * H = Wᵀ(diag p − ppᵀ)W and g = Wᵀ(p − e_t), written out here as matrices,
 * so the CASO objective Δᵀg + ½ΔᵀHΔ − λ₁‖Δ‖₁ − λ₂‖Δ‖² is a known quadratic:
 * with λ₁ = 0 its maximiser is (2λ₂I − H)⁻¹g (solved here by elimination);
 * with λ₁ > 0 the maximiser is checked by its optimality (KKT) conditions.
 */
import assert from 'node:assert/strict';
import { CancelledError } from '../../../src/core/errors';
import { caso, casoSolution, casoWith, softThreshold } from '../../../src/model/attribution/caso';
import { crossEntropyCurvature, largestEigenvalue } from '../../../src/model/attribution/lossCurvature';
import { seededRandom } from '../../../src/model/attribution/random';
import { gaussianSolve } from './denseSolve';
import { affine, float32, linearModel, maxAbsDifference, reluNet, softmaxOf } from './analyticModels';

const W = [
  [0.8, -0.4, 0.3, 0.1],
  [-0.2, 0.5, -0.6, 0.4],
  [0.1, 0.2, 0.7, -0.9],
];
const B = [0.2, -0.1, 0];
const X = [0.5, -1, 0.25, 1.5];
const TARGET = 1;

function lossTerms(weights: number[][], bias: number[], x: number[], target: number) {
  const p = softmaxOf(affine(weights, bias, x));
  const d = x.length;
  const A = p.map((pi, i) => p.map((pj, j) => (i === j ? pi : 0) - pi * pj));
  const H = Array.from({ length: d }, (_, r) =>
    Array.from({ length: d }, (_, c) =>
      weights.reduce(
        (s, _row, i) => s + weights.reduce((t, _r, j) => t + weights[i][r] * A[i][j] * weights[j][c], 0),
        0,
      ),
    ),
  );
  const g = Array.from({ length: d }, (_, r) =>
    weights.reduce((s, row, i) => s + row[r] * (p[i] - (i === target ? 1 : 0)), 0),
  );
  return { p, H, g };
}

const times = (M: number[][], v: ArrayLike<number>) =>
  M.map((row) => row.reduce((s, m, c) => s + m * v[c], 0));

/** The closed forms hold at x itself: these tests turn the default smoothing over noisy copies off. */
const AT_X = { smoothing: { samples: 0, noise: 0 } };

const U = [
  [1, -1],
  [2, 1],
  [-1, 0.5],
];
const V = [
  [1, 2, -1],
  [0.5, -1, 1],
];
const relu = () => reluNet(U, [0.1, -0.9, 0.5], V, [0, 0.2]);

describe('attribution/caso', () => {
  it('takes Hessian–vector products equal to Wᵀ(diag p − ppᵀ)W v on a linear model, in both modes', async () => {
    const { H, g } = lossTerms(W, B, X, TARGET);
    const v = Float64Array.of(1, -2, 0.5, 3);
    const exact = await crossEntropyCurvature(linearModel(W, B), float32(X), 1, TARGET);
    assert.equal(exact.mode, 'exact');
    assert.ok(maxAbsDifference(exact.gradient, g) < 1e-6);
    assert.ok(maxAbsDifference(await exact.hessianVector(v), times(H, v)) < 1e-6);
    const difference = await crossEntropyCurvature(
      linearModel(W, B),
      float32(X),
      1,
      TARGET,
      'central-difference',
    );
    assert.ok(maxAbsDifference(difference.gradient, g) < 1e-6);
    // Jv by central differences of float32 logits: ~1e-4 relative error (lossCurvature.ts).
    assert.ok(maxAbsDifference(await difference.hessianVector(v), times(H, v)) < 1e-4 * 0.5);
  });

  it('takes them through the active units on a ReLU net: J = V diag(relu′) U', async () => {
    // At x = (1, 0.5) units 0 and 1 are active (pre = 0.6, 1.6, −0.25):
    // J = [[1·U₀ + 2·U₁], [0.5·U₀ − U₁]] = [[5, 1], [−1.5, −1.5]], logits (3.8, −1.1).
    const J = [
      [5, 1],
      [-1.5, -1.5],
    ];
    const { H, g } = lossTerms(J, [3.8 - (5 * 1 + 1 * 0.5), -1.1 - (-1.5 - 0.75)], [1, 0.5], 0);
    const v = Float64Array.of(0.3, -1);
    const expected = times(H, v);
    const scale = Math.max(...expected.map(Math.abs));
    const exact = await crossEntropyCurvature(relu(), float32([1, 0.5]), 1, 0, 'exact');
    assert.ok(maxAbsDifference(exact.gradient, g) < 1e-7);
    assert.ok(maxAbsDifference(await exact.hessianVector(v), expected) < 1e-5 * scale);
    // A confident two-class prediction: u = p₀p₁(Jv₀ − Jv₁)(1, −1) cancels, so the float32
    // rounding of the logits weighs more in the central difference (3e-4 relative here).
    const difference = await crossEntropyCurvature(relu(), float32([1, 0.5]), 1, 0, 'central-difference');
    const error = maxAbsDifference(await difference.hessianVector(v), expected) / scale;
    assert.ok(error < 1e-3, `${error}`);
  });

  it('averages g and Hv over several inputs', async () => {
    const model = linearModel(W, B);
    const second = [1, 0, -0.5, 0.2];
    const xs = float32([...X, ...second]);
    const curvature = await crossEntropyCurvature(model, xs, 2, TARGET);
    const [a, b] = [lossTerms(W, B, X, TARGET), lossTerms(W, B, second, TARGET)];
    const v = [0.5, 1, -1, 2];
    const hv = times(a.H, v).map((h, i) => (h + times(b.H, v)[i]) / 2);
    assert.ok(
      maxAbsDifference(
        curvature.gradient,
        a.g.map((g, i) => (g + b.g[i]) / 2),
      ) < 1e-6,
    );
    assert.ok(maxAbsDifference(await curvature.hessianVector(Float64Array.from(v)), hv) < 1e-6);
  });

  it('finds the largest eigenvalue p₀p₁‖w₀ − w₁‖² of a two-class Hessian by power iteration', async () => {
    // Two classes: diag p − ppᵀ = p₀p₁ [[1, −1], [−1, 1]], so H = p₀p₁ (w₀ − w₁)(w₀ − w₁)ᵀ, rank one.
    const W2 = [W[0], W[1]];
    const model = linearModel(W2, [0.2, -0.1]);
    const [p0, p1] = softmaxOf(affine(W2, [0.2, -0.1], X));
    const expected = p0 * p1 * W2[0].reduce((s, w, i) => s + (w - W2[1][i]) ** 2, 0);
    const curvature = await crossEntropyCurvature(model, float32(X), 1, 0);
    const sigma = await largestEigenvalue(curvature.hessianVector, 4, 10, seededRandom(1));
    assert.ok(Math.abs(sigma - expected) < 1e-5 * expected, `${sigma} vs ${expected}`);
    // The default λ₂ is (σ + 4)/2.
    const solution = await casoSolution(model, { x: float32(X), target: 0 }, AT_X, 1, {});
    assert.ok(Math.abs(solution.lambda2 - (expected + 4) / 2) < 1e-5);
  });

  it('with λ₁ = 0 reaches the closed-form maximiser (2λ₂I − H)⁻¹g', async () => {
    const { H, g } = lossTerms(W, B, X, TARGET);
    const lambda2 = 0.8;
    const M = H.map((row, r) => row.map((h, c) => (r === c ? 2 * lambda2 : 0) - h));
    const expected = gaussianSolve(M, g);
    const { delta, step } = await casoSolution(
      linearModel(W, B),
      { x: float32(X), target: TARGET },
      { ...AT_X, lambda2, iterations: 300 },
      0,
      {},
    );
    assert.equal(step, 0.05);
    assert.ok(maxAbsDifference(delta, expected) < 1e-6, `${Array.from(delta)} vs ${expected}`);
  });

  it('with λ₁ > 0 satisfies the optimality conditions of the ℓ₁ problem, with exact zeros', async () => {
    const { H, g } = lossTerms(W, B, X, TARGET);
    const lambda1 = 0.35;
    const lambda2 = 0.8;
    const { delta } = await casoSolution(
      linearModel(W, B),
      { x: float32(X), target: TARGET },
      { ...AT_X, lambda1, lambda2, iterations: 400 },
      0,
      {},
    );
    // g + HΔ − 2λ₂Δ = λ₁ sign(Δ_i) where Δ_i ≠ 0, and |g + HΔ|_i ≤ λ₁ where Δ_i = 0.
    const HDelta = times(H, delta);
    delta.forEach((d, i) => {
      if (d === 0) {
        assert.ok(Math.abs(g[i] + HDelta[i]) <= lambda1 + 1e-6, `feature ${i}`);
      } else {
        const r = g[i] + HDelta[i] - 2 * lambda2 * d;
        assert.ok(Math.abs(r - lambda1 * Math.sign(d)) < 1e-6, `feature ${i}: ${r}`);
      }
    });
    // g ≈ (0.78, −0.71, 0.77, −0.31): feature 3 sits below λ₁ = 0.35, the others well above.
    assert.deepEqual(
      Array.from(delta, (d) => d === 0),
      [false, false, false, true],
    );
  });

  it('with λ₁ ≥ ‖g‖∞ gives Δ = 0 exactly', async () => {
    const { g } = lossTerms(W, B, X, TARGET);
    const lambda1 = Math.max(...g.map(Math.abs)) * 1.01;
    const { delta } = await casoSolution(
      linearModel(W, B),
      { x: float32(X), target: TARGET },
      { ...AT_X, lambda1, iterations: 50 },
      0,
      {},
    );
    assert.ok(delta.every((d) => d === 0));
  });

  it('maps |Δ*| by default and −Δ* when signed', async () => {
    const model = linearModel(W, B);
    const input = { x: float32(X), target: TARGET };
    const { delta } = await casoSolution(model, input, {}, 4, {});
    const magnitude = await casoWith()(model, input, { seed: 4 }, {});
    assert.ok(maxAbsDifference(magnitude, Array.from(delta, Math.abs)) < 1e-7);
    const signed = await casoWith({ signed: true })(model, input, { seed: 4 }, {});
    assert.ok(
      maxAbsDifference(
        signed,
        Array.from(delta, (d) => -d),
      ) < 1e-7,
    );
    // At x, −Δ* ≈ −g/(2λ₂) = Wᵀ(e_t − p)/(2λ₂): evidence for the target is positive.
    const { g } = lossTerms(W, B, X, TARGET);
    const atX = await casoWith({ ...AT_X, signed: true })(model, input, {}, {});
    [0, 1, 2, 3].forEach((i) => assert.equal(Math.sign(atX[i]), -Math.sign(g[i])));
  });

  it('follows the official CASO example by default: 16 noisy copies, exact J, 10 + 10 Hessian products', async () => {
    const model = linearModel(W, B);
    const reports: [number, number][] = [];
    await casoWith()(
      model,
      { x: float32(X), target: TARGET },
      {},
      { progress: (done, total) => reports.push([done, total]) },
    );
    // One forward call on the 16 copies, one VJP on 16 × 3 rows (J of each copy); Hv is arithmetic.
    assert.deepEqual(model.calls.predict, [16]);
    assert.deepEqual(
      model.calls.vjp.map((c) => c.n),
      [48],
    );
    assert.deepEqual(reports.at(-1), [20, 20]);
  });

  it('takes one forward call on x ± εv and one VJP per Hessian product in central-difference mode', async () => {
    const model = linearModel(W, B);
    await casoWith({ ...AT_X, jacobian: 'central-difference' })(
      model,
      { x: float32(X), target: TARGET },
      {},
      {},
    );
    // g, then one VJP per product: 10 for σ̂ and 9 for the steps (the first is at Δ = 0, where HΔ = 0).
    assert.equal(model.calls.vjp.length, 1 + 10 + 9);
    assert.deepEqual(model.calls.predict, [1, ...new Array(19).fill(2)]); // p, then x ± εv per product
  });

  it('with a convergence tolerance stops early and still reaches the closed-form maximiser', async () => {
    const { H, g } = lossTerms(W, B, X, TARGET);
    // σ, H's largest eigenvalue, by 2000 plain power steps on the 4 × 4 matrix.
    let v = [1, 1, 1, 1];
    for (let k = 0; k < 2000; k++) {
      const hv = times(H, v);
      const norm = Math.hypot(...hv);
      v = hv.map((e) => e / norm);
    }
    const sigma = times(H, v).reduce((s, e, i) => s + e * v[i], 0);
    const lambda2 = (sigma + 4) / 2;
    const M = H.map((row, r) => row.map((h, c) => (r === c ? 2 * lambda2 : 0) - h));
    const expected = gaussianSolve(M, g);
    const full = await casoSolution(
      linearModel(W, B),
      { x: float32(X), target: TARGET },
      { ...AT_X, iterations: 300, powerIterations: 100 },
      2,
      {},
    );
    const early = await casoSolution(
      linearModel(W, B),
      { x: float32(X), target: TARGET },
      { ...AT_X, iterations: 300, powerIterations: 100, convergence: 1e-9 },
      2,
      {},
    );
    assert.equal(full.products, 100 + 299);
    assert.ok(early.products < 100 + 299 && early.products > 10, `${early.products} products`);
    assert.ok(Math.abs(early.lambda2 - lambda2) < 1e-8 * lambda2, `${early.lambda2} vs ${lambda2}`);
    const scale = Math.max(...expected.map(Math.abs));
    assert.ok(maxAbsDifference(early.delta, expected) < 1e-7 * scale, `${Array.from(early.delta)} vs ${expected}`);
  });

  it('stops the proximal iterations early at a map close to the fixed-count one, in fewer model calls', async () => {
    const fixed = linearModel(W, B);
    const stopping = linearModel(W, B);
    const input = { x: float32(X), target: TARGET };
    const parameters = { ...AT_X, jacobian: 'central-difference' as const };
    const a = await casoWith(parameters)(fixed, input, { seed: 3 }, {});
    const b = await casoWith({ ...parameters, convergence: 1e-3 })(stopping, input, { seed: 3 }, {});
    assert.ok(stopping.calls.vjp.length < fixed.calls.vjp.length);
    assert.ok(maxAbsDifference(a, b) < 2e-3 * Math.max(...a), `${Array.from(a)} vs ${Array.from(b)}`);
  });

  it('with conjugate gradients reaches the closed-form maximiser in at most d products', async () => {
    const { H, g } = lossTerms(W, B, X, TARGET);
    const lambda2 = 0.8;
    const M = H.map((row, r) => row.map((h, c) => (r === c ? 2 * lambda2 : 0) - h));
    const expected = gaussianSolve(M, g);
    const model = linearModel(W, B);
    const { delta, products } = await casoSolution(
      model,
      { x: float32(X), target: TARGET },
      { ...AT_X, lambda2, powerIterations: 1, iterations: 50, solver: 'conjugate-gradient', convergence: 1e-12 },
      0,
      {},
    );
    // CG ends in exact arithmetic after at most d = 4 products (one more is the power step).
    assert.ok(products <= 1 + 4, `${products} products`);
    // The model answers J in float32: agreement to ~1e-7 relative is all its rows carry.
    const scale = Math.max(...expected.map(Math.abs));
    assert.ok(maxAbsDifference(delta, expected) < 1e-6 * scale, `${Array.from(delta)} vs ${expected}`);
  });

  it('refuses conjugate gradients with λ₁ > 0 (the ℓ₁ problem is not a linear system)', async () => {
    await assert.rejects(
      casoSolution(
        linearModel(W, B),
        { x: float32(X), target: TARGET },
        { lambda1: 0.1, solver: 'conjugate-gradient' },
        0,
        {},
      ),
      /λ₁ = 0 problem only/,
    );
  });

  it('registers conjugate gradients with early stopping: nearer the maximiser than main.py\'s 10 steps, in fewer model calls', async () => {
    const input = { x: float32(X), target: TARGET };
    const parameters = { ...AT_X, jacobian: 'central-difference' as const };
    const fistaModel = linearModel(W, B);
    const cgModel = linearModel(W, B);
    const fista = await casoSolution(fistaModel, input, { ...parameters, convergence: 1e-3 }, 3, {});
    const cg = await casoSolution(
      cgModel,
      input,
      { ...parameters, convergence: 1e-3, solver: 'conjugate-gradient' },
      3,
      {},
    );
    assert.equal(cg.lambda2, fista.lambda2); // the same power iteration, the same seed
    const { H, g } = lossTerms(W, B, X, TARGET);
    const M = H.map((row, r) => row.map((h, c) => (r === c ? 2 * cg.lambda2 : 0) - h));
    const expected = gaussianSolve(M, g);
    const scale = Math.max(...expected.map(Math.abs));
    const cgError = maxAbsDifference(cg.delta, expected) / scale;
    const fistaError = maxAbsDifference(fista.delta, expected) / scale;
    assert.ok(cgError < 1e-3, `CG ${cgError}`);
    assert.ok(cgError < fistaError, `CG ${cgError} vs FISTA ${fistaError}`);
    assert.ok(cgModel.calls.vjp.length < fistaModel.calls.vjp.length, `${cgModel.calls.vjp.length} VJPs`);
    // The registered method is that variant (same map from the same seed).
    const registered = await caso(linearModel(W, B), input, { seed: 3 }, {});
    const variant = await casoWith({ convergence: 1e-3, solver: 'conjugate-gradient' })(
      linearModel(W, B),
      input,
      { seed: 3 },
      {},
    );
    assert.deepEqual(registered, variant);
  });

  it('reports progress up to (total, total) when it stops early', async () => {
    const reports: [number, number][] = [];
    await caso(linearModel(W, B), { x: float32(X), target: TARGET }, { seed: 1 }, {
      progress: (done, total) => reports.push([done, total]),
    });
    assert.deepEqual(reports[0], [0, 20]);
    assert.deepEqual(reports.at(-1), [20, 20]);
    for (let i = 1; i < reports.length; i++) assert.ok(reports[i][0] >= reports[i - 1][0], `${reports}`);
  });

  it('stops within one step when cancelled', async () => {
    // Cancelled at the first report, before any model call: no call is made.
    const first = new AbortController();
    const model = linearModel(W, B);
    await assert.rejects(
      casoWith({ jacobian: 'central-difference' })(
        model,
        { x: float32(X), target: TARGET },
        {},
        { signal: first.signal, progress: () => first.abort() },
      ),
      CancelledError,
    );
    assert.deepEqual(model.calls.predict, []);
    assert.deepEqual(model.calls.vjp, []);
    // Cancelled after the first Hessian product: no further product.
    const later = new AbortController();
    const other = linearModel(W, B);
    await assert.rejects(
      casoWith({ jacobian: 'central-difference' })(
        other,
        { x: float32(X), target: TARGET },
        {},
        { signal: later.signal, progress: (done) => done >= 1 && later.abort() },
      ),
      CancelledError,
    );
    assert.equal(other.calls.vjp.length, 2); // g, then the one product
  });

  it('refuses a λ₂ that leaves the objective non-concave', async () => {
    const { H } = lossTerms(W, B, X, TARGET);
    const tiny = 1e-3 * Math.max(...H.map((row, i) => row[i]));
    await assert.rejects(
      casoSolution(linearModel(W, B), { x: float32(X), target: TARGET }, { ...AT_X, lambda2: tiny }, 0, {}),
      RangeError,
    );
  });

  it('soft-thresholds', () => {
    assert.deepEqual(
      [3, -3, 0.5, -0.5].map((v) => softThreshold(v, 1)),
      [2, -2, 0, 0],
    );
  });

  it('is reproducible with a seed, and the seed matters', async () => {
    const input = { x: float32([1, 0.5]), target: 0 };
    const a = await casoWith()(relu(), input, { seed: 9 }, {});
    const b = await casoWith()(relu(), input, { seed: 9 }, {});
    const c = await casoWith()(relu(), input, { seed: 10 }, {});
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.ok(a.every(Number.isFinite));
  });
});
