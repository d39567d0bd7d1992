/** The deletion measure on a model whose probabilities after each deletion are worked out by hand. */
import assert from 'node:assert/strict';
import { deletionCurve, deletionOrder, trapezoidArea } from '../../../src/model/attribution/faithfulness';
import { float32, linearModel } from './analyticModels';

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('attribution/deletion', () => {
  // Two classes with logits (w·x, 0): p(class 0) = sigmoid(w·x).
  const model = () =>
    linearModel(
      [
        [3, 1, 2, 0],
        [0, 0, 0, 0],
      ],
      [0, 0],
      [1, 2, 2],
    );
  const x = float32([1, 1, 1, 1]);

  it('deletes in decreasing saliency and integrates p(target) over the fraction deleted', async () => {
    // Order 0, 2, 3, 1: w·x falls 6 → 3 → 1 → 1 → 0 as features are zeroed one by one.
    const curve = await deletionCurve(model(), { x, target: 0 }, [0.9, 0.1, 0.5, 0.3], { steps: 4 });
    const p = [6, 3, 1, 1, 0].map(sigmoid);
    assert.deepEqual(Array.from(curve.fractions), [0, 0.25, 0.5, 0.75, 1]);
    curve.probabilities.forEach((value, k) => assert.ok(Math.abs(value - p[k]) < 1e-6, `step ${k}`));
    const auc = 0.25 * (p[0] / 2 + p[1] + p[2] + p[3] + p[4] / 2);
    assert.ok(Math.abs(curve.auc - auc) < 1e-6);
  });

  it('rewards the faithful ordering with the lower AUC', async () => {
    const faithful = await deletionCurve(model(), { x, target: 0 }, [3, 1, 2, 0], { steps: 4 });
    const reversed = await deletionCurve(model(), { x, target: 0 }, [0, 2, 1, 3], { steps: 4 });
    assert.ok(faithful.auc < reversed.auc);
  });

  it('fills with the chosen baseline, in one forward call of steps + 1 inputs', async () => {
    const m = model();
    // mean fill: every deleted feature becomes mean(2, 0, 0, 2) = 1. The order is 0, 3, 1, 2
    // (ties by position), so w·x = 3·2 = 6 → 3·1 = 3 → 3 (w₃ = 0) → 3 + 1·1 = 4 → 4 + 2·1 = 6.
    const curve = await deletionCurve(m, { x: float32([2, 0, 0, 2]), target: 0 }, [1, 0, 0, 1], {
      steps: 4,
      fill: 'mean',
    });
    [6, 3, 3, 4, 6].forEach((z, k) =>
      assert.ok(Math.abs(curve.probabilities[k] - sigmoid(z)) < 1e-6, `step ${k}`),
    );
    assert.deepEqual(m.calls.predict, [5]);
  });

  it('uses 20 steps by default, rounding the features per step', async () => {
    const curve = await deletionCurve(model(), { x, target: 1 }, [4, 3, 2, 1]);
    assert.equal(curve.fractions.length, 21);
    // After step k, round(4k/20) features are gone: step 3 → round(0.6) = 1, step 2 → 0.
    assert.equal(curve.fractions[2], 0);
    assert.equal(curve.fractions[3], 0.25);
  });

  it('orders ties by position and puts NaN last', () => {
    assert.deepEqual(Array.from(deletionOrder([1, NaN, 2, 1, 2])), [2, 4, 0, 3, 1]);
  });

  it('integrates by the trapezoid rule', () => {
    assert.equal(trapezoidArea([0, 0.5, 1], [1, 0, 1]), 0.5);
  });
});
