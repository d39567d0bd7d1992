/**
 * The plain gradient on closed-form models (analyticModels.ts): the expected
 * values are derived by hand in the comments and checked against central
 * finite differences of the logits.
 */
import assert from 'node:assert/strict';
import { CancelledError, InputError } from '../../../src/core/errors';
import { gradient, targetGradients } from '../../../src/model/attribution/gradient';
import { float32, linearModel, maxAbsDifference, reluNet, SMALL_RELU_NET } from './analyticModels';

const { U, A, V, C } = SMALL_RELU_NET;

describe('attribution/gradient', () => {
  it('is the target row of W on a linear model', async () => {
    const model = linearModel(
      [
        [1, -2, 0.5],
        [3, 0, -1],
      ],
      [0.3, -0.3],
    );
    const map = await gradient(model, { x: float32([0.2, -1, 4]), target: 1 }, {}, {});
    assert.deepEqual(Array.from(map), [3, 0, -1]);
  });

  it('follows the active units of a ReLU net', async () => {
    const model = reluNet(U, A, V, C);
    // x = (1, 0.5): pre = (1 − 0.5 + 0.1, 2 + 0.5 − 0.9, −1 + 0.25 + 0.5) = (0.6, 1.6, −0.25),
    // so units 0 and 1 are active and ∇ logit₀ = 1·U₀ + 2·U₁ = (1, −1) + (4, 2) = (5, 1).
    const x = float32([1, 0.5]);
    const map = await gradient(model, { x, target: 0 }, {}, {});
    assert.deepEqual(Array.from(map), [5, 1]);

    // The same by central differences of the logits (exact inside the linear region).
    const h = 1e-2;
    const fd = [0, 1].map(async (i) => {
      const plus = x.slice();
      const minus = x.slice();
      plus[i] += h;
      minus[i] -= h;
      const [fp, fm] = [await model.predict(plus, 1), await model.predict(minus, 1)];
      return (fp[0] - fm[0]) / (2 * h);
    });
    assert.ok(maxAbsDifference(map, await Promise.all(fd)) < 1e-4);
  });

  it('batches many points into calls of at most 128 samples', async () => {
    const model = reluNet(U, A, V, C);
    const n = 300;
    const points = new Float32Array(2 * n);
    for (let s = 0; s < n; s++) points.set([s / n, 1 - s / n], 2 * s);
    const grads = await targetGradients(model, points, n, 1, {});
    assert.deepEqual(
      model.calls.vjp.map((call) => call.n),
      [128, 128, 44],
    );
    // Sample 299 = (0.997, 0.0033): pre = (1.093, 1.097, −0.495): ∇ logit₁ = 0.5·U₀ − 1·U₁ = (−1.5, −1.5).
    assert.ok(maxAbsDifference(grads.subarray(598, 600), [-1.5, -1.5]) < 1e-6);
  });

  it('refuses a target outside the classes and an input of the wrong size', async () => {
    const model = reluNet(U, A, V, C);
    await assert.rejects(gradient(model, { x: float32([1, 0.5]), target: 2 }, {}, {}), InputError);
    await assert.rejects(gradient(model, { x: float32([1, 0.5, 3]), target: 0 }, {}, {}), RangeError);
  });

  it('throws CancelledError when the signal is already aborted', async () => {
    const model = reluNet(U, A, V, C);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      gradient(model, { x: float32([1, 0.5]), target: 0 }, {}, { signal: controller.signal }),
      CancelledError,
    );
    assert.equal(model.calls.vjp.length, 0);
  });
});
