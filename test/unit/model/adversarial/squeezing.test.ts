import assert from 'node:assert/strict';
import { medianFilter, reduceBitDepth, softmaxL1 } from '../../../../src/core/adversarial/squeeze';
import { fromUnit, squeezeScores, toUnit } from '../../../../src/model/adversarial';
import { forwardModelOf } from '../../../../src/model/forwardModel';
import { fixtureModel, inputs16 } from './fixtures';

describe('model/adversarial squeezing', () => {
  it('runs the model on each squeezed copy and measures the L1 change of its softmax', async () => {
    const { loaded, space } = await fixtureModel();
    const model = await forwardModelOf(loaded, { logits: 'logits' });
    try {
      const x = await inputs16();
      const logits = await model.predict(x, 16);
      const result = await squeezeScores((xs, n) => model.predict(xs, n), space, x, logits, 16, 10);
      const u = toUnit(space, x);
      const geometry = { height: 28, width: 28, channels: 1, layout: 'NCHW' as const };
      const expected = {
        'bit-depth-1': reduceBitDepth(u, 1),
        'bit-depth-4': reduceBitDepth(u, 4),
        'median-3x3': medianFilter(u, geometry),
      };
      for (const [name, squeezed] of Object.entries(expected)) {
        const change = softmaxL1(logits, await model.predict(fromUnit(space, squeezed), 16), 10);
        const ours = result.change[name as keyof typeof result.change];
        change.forEach((value, i) => assert.ok(Math.abs(ours[i] - value) < 1e-9, `${name} image ${i}`));
        for (const value of ours) assert.ok(value >= 0 && value <= 2);
      }
      // The residual by its definition.
      const median = expected['median-3x3'];
      for (let i = 0; i < 16; i++) {
        let sum = 0;
        for (let e = 0; e < 784; e++) sum += Math.abs(u[i * 784 + e] - median[i * 784 + e]);
        assert.ok(Math.abs(result.residual[i] - sum / 784) < 1e-7);
      }
    } finally {
      await model.release();
    }
  });

  it('a flat image has no residual; a lone bright pixel has residual 1/784', async () => {
    const { space } = await fixtureModel();
    const flat = new Float32Array(2 * 784).fill(0.5);
    flat[784 + 400] = 1; // image 2: one pixel at 1 on a 0.5 background, removed by the median
    flat.fill(0, 784, 784 + 400);
    flat.fill(0, 784 + 401, 2 * 784);
    const x = fromUnit(space, flat);
    const result = await squeezeScores(
      async (_xs, n) => new Float32Array(n * 2),
      space,
      x,
      new Float32Array(4),
      2,
      2,
    );
    assert.ok(result.residual[0] < 1e-7);
    assert.ok(Math.abs(result.residual[1] - 1 / 784) < 1e-7);
  });
});
