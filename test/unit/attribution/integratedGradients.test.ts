/**
 * Integrated Gradients against closed forms: exact on a linear model, and on a
 * ReLU net against the path integral worked out unit by unit (each hidden
 * unit is active on an interval of α that a line crossing gives exactly).
 */
import assert from 'node:assert/strict';
import { CancelledError } from '../../../src/core/errors';
import { integratedGradients } from '../../../src/model/attribution/integratedGradients';
import { affine, float32, linearModel, maxAbsDifference, reluNet, SMALL_RELU_NET } from './analyticModels';

const { U, A, V, C } = SMALL_RELU_NET;

/**
 * Exact IG of logit t on the ReLU net along x0 + α(x − x0): unit j's
 * pre-activation is p_j + α d_j, active on a sub-interval of [0, 1] of
 * length A_j, so ∫∇f_t dα = Σ_j V_tj A_j U_j.
 */
function exactIg(x: number[], x0: number[], t: number): number[] {
  const p = affine(U, A, x0);
  const d = affine(U, A, x).map((v, j) => v - p[j]);
  const active = Array.from(p, (pj, j) => {
    if (d[j] === 0) return pj > 0 ? 1 : 0;
    const root = Math.min(1, Math.max(0, -pj / d[j]));
    return d[j] > 0 ? 1 - root : root;
  });
  return x.map((xi, i) => (xi - x0[i]) * U.reduce((sum, row, j) => sum + V[t][j] * active[j] * row[i], 0));
}

describe('attribution/integratedGradients', () => {
  const W = [
    [0.5, -1, 2, 0.25],
    [1, 1, -1, 3],
  ];

  it('is (x − x0) ⊙ w_t on a linear model, whatever the steps', async () => {
    const model = linearModel(W, [0.1, -0.2], [1, 2, 2]);
    const x = float32([1, -2, 0.5, 3]);
    for (const steps of [1, 7, 64]) {
      const map = await integratedGradients(model, { x, target: 0 }, { steps }, {});
      assert.ok(maxAbsDifference(map, [0.5, 2, 1, 0.75]) < 1e-6, `steps ${steps}`);
    }
  });

  it('measures from the chosen baseline', async () => {
    const model = linearModel(W, [0, 0], [1, 2, 2]);
    const x = float32([1, -2, 0.5, 3]);
    // mean baseline: x0 = 0.625 everywhere, so IG = (x − 0.625) ⊙ w₁.
    const map = await integratedGradients(model, { x, target: 1 }, { baseline: 'mean', steps: 8 }, {});
    assert.ok(maxAbsDifference(map, [0.375, -2.625, 0.125, 7.125]) < 1e-6);
  });

  it('converges on a ReLU net: the completeness error falls as the steps grow', async () => {
    const model = reluNet(U, A, V, C);
    const x = [1, 0.5];
    // Along 0 → x the units' pre-activations are 0.1 + 0.5α, −0.9 + 2.5α and 0.5 − 0.75α:
    // kinks at α = 0.36 and 2/3, so no midpoint rule with these steps is exact.
    const exact = exactIg(x, [0, 0], 0);
    const fx = (await model.predict(float32(x), 1))[0];
    const f0 = (await model.predict(float32([0, 0]), 1))[0];
    // Completeness of the exact integral: Σ IG = f(x) − f(0).
    assert.ok(Math.abs(exact[0] + exact[1] - (fx - f0)) < 1e-6);

    const errors: number[] = [];
    for (const steps of [4, 16, 64, 256]) {
      const map = await integratedGradients(model, { x: float32(x), target: 0 }, { steps }, {});
      errors.push(Math.abs(map[0] + map[1] - (fx - f0)));
      // Midpoint rule: each kink misjudges at most half an interval, |V_tj U_ji (x_i − x0_i)| / 2m.
      const bound = x.map(
        (xi, i) => (Math.abs(V[0][1] * U[1][i] * xi) + Math.abs(V[0][2] * U[2][i] * xi)) / (2 * steps),
      );
      map.forEach((value, i) =>
        assert.ok(Math.abs(value - exact[i]) <= bound[i] + 1e-6, `steps ${steps}, feature ${i}`),
      );
    }
    for (let k = 1; k < errors.length; k++)
      assert.ok(errors[k] < errors[k - 1], `errors ${errors.join(', ')}`);
  });

  it('sends all steps in one call up to 128 and reports progress in steps', async () => {
    const model = reluNet(U, A, V, C);
    const reports: [number, number][] = [];
    await integratedGradients(
      model,
      { x: float32([1, 0.5]), target: 1 },
      {},
      { progress: (done, total) => reports.push([done, total]) },
    );
    assert.deepEqual(
      model.calls.vjp.map((call) => call.n),
      [64],
    );
    assert.deepEqual(reports, [
      [0, 64],
      [64, 64],
    ]);
  });

  it('stops between calls when cancelled', async () => {
    const model = reluNet(U, A, V, C);
    const controller = new AbortController();
    const run = integratedGradients(
      model,
      { x: float32([1, 0.5]), target: 1 },
      { steps: 300 },
      { signal: controller.signal, progress: (done) => done > 0 && controller.abort() },
    );
    await assert.rejects(run, CancelledError);
    assert.equal(model.calls.vjp.length, 1);
  });
});
