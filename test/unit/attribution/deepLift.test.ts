/** DeepLIFT's assembly of multipliers into attributions, and summation to delta on a ReLU net. */
import assert from 'node:assert/strict';
import { deepLift } from '../../../src/model/attribution/deepLift';
import { float32, linearModel, maxAbsDifference, reluNet } from './analyticModels';

describe('attribution/deepLift', () => {
  it('is w_t ⊙ (x − x0) on a linear model, from the chosen baseline', async () => {
    const model = linearModel(
      [
        [0.5, -1, 2, 1],
        [1, 1, -1, 3],
      ],
      [0, 0],
      [1, 2, 2],
    );
    // mean baseline of (2, 0, −1, 3) is 1 everywhere.
    const map = await deepLift(model, { x: float32([2, 0, -1, 3]), target: 1 }, { baseline: 'mean' }, {});
    assert.ok(maxAbsDifference(map, [1, -1, 2, 6]) < 1e-6);
    assert.deepEqual(Array.from(model.calls.deepLift[0].upstream), [0, 1]);
    assert.equal(model.calls.deepLift[0].rule, 'rescale');
  });

  it('sums to f_t(x) − f_t(x0) on a ReLU net (Rescale rule), and passes the rule on', async () => {
    const model = reluNet(
      [
        [1, -1],
        [2, 1],
        [-1, 0.5],
      ],
      [0.1, -0.9, 0.5],
      [
        [1, 2, -1],
        [0.5, -1, 1],
      ],
      [0, 0.2],
    );
    const x = float32([1, 0.5]);
    const map = await deepLift(model, { x, target: 0 }, {}, {});
    // f₀(x) = 0.6 + 2·1.6 − 0 = 3.8; f₀(0) = 0.1 + 0 − 0.5 = −0.4.
    assert.ok(Math.abs(map[0] + map[1] - (3.8 - -0.4)) < 1e-5);
    await deepLift(model, { x, target: 0 }, { rule: 'reveal-cancel' }, {});
    assert.equal(model.calls.deepLift[1].rule, 'reveal-cancel');
  });
});
