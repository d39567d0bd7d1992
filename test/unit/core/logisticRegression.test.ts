import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../src/core/errors';
import { fitLogisticRegression, logisticDecision } from '../../../src/core/logisticRegression';

/**
 * Against sklearn: test/fixtures/adversarial/logistic-reference.json holds two
 * problems fitted by LogisticRegression(C, tol=1e-12, solver='newton-cg') on
 * StandardScaler'd features (made by scripts/make-adversarial-fixtures.py).
 * Both minimise the same strictly convex objective, so the optimum agrees to
 * the solvers' tolerance.
 */
interface Problem {
  name: string;
  c: number;
  rows: number;
  dim: number;
  x: number[];
  y: number[];
  sampleWeights: number[] | null;
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
  decision: number[];
}

const reference = JSON.parse(
  readFileSync(join(__dirname, '..', '..', 'fixtures', 'adversarial', 'logistic-reference.json'), 'utf8'),
) as { problems: Problem[] };

function assertClose(actual: ArrayLike<number>, expected: number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) <= tolerance,
      `${what}[${i}]: ${actual[i]} vs sklearn ${expected[i]}`,
    );
  }
}

describe('core/logisticRegression', () => {
  for (const problem of reference.problems) {
    it(`equals sklearn on "${problem.name}" (C = ${problem.c})`, () => {
      const model = fitLogisticRegression(problem.x, problem.rows, problem.dim, problem.y, {
        c: problem.c,
        sampleWeights: problem.sampleWeights ?? undefined,
      });
      assertClose(model.mean, problem.mean, 1e-12, 'mean');
      // A constant column: sklearn's scale_ is 1, ours too.
      assertClose(model.scale, problem.scale, 1e-12, 'scale');
      assertClose(model.weights, problem.weights, 1e-7, 'weights');
      assert.ok(Math.abs(model.bias - problem.bias) <= 1e-7, `bias ${model.bias} vs ${problem.bias}`);
      const firstRows = problem.x.slice(0, 10 * problem.dim);
      assertClose(logisticDecision(model, firstRows, 10), problem.decision, 1e-6, 'decision');
    });
  }

  it('the gradient of the objective vanishes at the fit (by hand: ½‖w‖² + C Σ log(1 + e^(−ỹ(w·z + b))))', () => {
    const x = [0, 1, 2, 3, 4, 5, 1.5, 2.5];
    const y = [0, 0, 1, 0, 1, 1, 0, 1];
    const c = 2;
    const model = fitLogisticRegression(x, 8, 1, y, { c });
    const z = x.map((v) => (v - model.mean[0]) / model.scale[0]);
    let gw = model.weights[0];
    let gb = 0;
    z.forEach((zi, i) => {
      const p = 1 / (1 + Math.exp(-(model.weights[0] * zi + model.bias)));
      gw += c * (p - y[i]) * zi;
      gb += c * (p - y[i]);
    });
    // Newton stops once a step no longer lowers the objective in float64; the gradient is then ~1e-9 of terms ~1.
    assert.ok(Math.abs(gw) < 1e-7 && Math.abs(gb) < 1e-7, `gradient (${gw}, ${gb})`);
  });

  it('stays finite on separable data (the penalty bounds the weights)', () => {
    const model = fitLogisticRegression([0, 1, 2, 10, 11, 12], 6, 1, [0, 0, 0, 1, 1, 1]);
    assert.ok(Number.isFinite(model.weights[0]) && model.weights[0] > 0);
    const decision = logisticDecision(model, [0, 12], 2);
    assert.ok(decision[0] < 0 && decision[1] > 0);
  });

  it('refuses labels of one class only', () => {
    assert.throws(() => fitLogisticRegression([1, 2, 3], 3, 1, [1, 1, 1]), InputError);
  });
});
