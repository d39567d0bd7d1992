/** SmoothGrad: exact on a linear model, and the noise scale checked through a cubic whose mean gradient is known. */
import assert from 'node:assert/strict';
import { smoothGrad } from '../../../src/model/attribution/smoothGrad';
import { cubicModel, float32, linearModel, maxAbsDifference } from './analyticModels';

describe('attribution/smoothGrad', () => {
  it('is the weight row on a linear model, whatever the noise', async () => {
    const model = linearModel(
      [
        [0.5, -1, 2],
        [1, 1, -1],
      ],
      [0, 0],
    );
    const map = await smoothGrad(
      model,
      { x: float32([3, -1, 0]), target: 0 },
      { samples: 20, noise: 0.5, seed: 3 },
      {},
    );
    assert.ok(maxAbsDifference(map, [0.5, -1, 2]) < 1e-6);
  });

  it('adds noise of σ = noise × (max − min)', async () => {
    // logit Σ x³/6 has ∇ = x²/2, so E[∇ at x + N(0, σ²)] = (x² + σ²)/2. x spans
    // [−1, 3], so σ = 0.15 · 4 = 0.6 and the expected map is (x² + 0.36)/2.
    const x = [-1, 0, 1, 3];
    const samples = 4000;
    const map = await smoothGrad(cubicModel(4), { x: float32(x), target: 0 }, { samples, seed: 11 }, {});
    x.forEach((xi, i) => {
      const expected = (xi * xi + 0.36) / 2;
      // Var[(x + z)²/2] = σ²x² + σ⁴/2 for z ~ N(0, σ²); five standard errors.
      const standardError = Math.sqrt((0.36 * xi * xi + 0.36 ** 2 / 2) / samples);
      assert.ok(Math.abs(map[i] - expected) < 5 * standardError, `feature ${i}: ${map[i]} vs ${expected}`);
    });
  });

  it('is reproducible with a seed, and the seed matters', async () => {
    const model = cubicModel(3);
    const input = { x: float32([0.5, -2, 1]), target: 0 };
    const a = await smoothGrad(model, input, { samples: 10, seed: 5 }, {});
    const b = await smoothGrad(model, input, { samples: 10, seed: 5 }, {});
    const c = await smoothGrad(model, input, { samples: 10, seed: 6 }, {});
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('defaults to 50 samples in one call', async () => {
    const model = cubicModel(3);
    await smoothGrad(model, { x: float32([0.5, -2, 1]), target: 0 }, {}, {});
    assert.deepEqual(
      model.calls.vjp.map((call) => call.n),
      [50],
    );
  });
});
