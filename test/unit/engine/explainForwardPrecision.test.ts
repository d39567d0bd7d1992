/**
 * `forwardPrecision` through runExplain (and the CLI's --forward-precision):
 * the engine hands it to the gradient model, keeps float32 and float64 models
 * apart in its pool, and refuses it where it means nothing.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCommandLine } from '../../../src/cli/args';
import { silentContext } from '../../../src/engine/context';
import { runExplain } from '../../../src/engine/explain';
import { GradientModelPool } from '../../../src/engine/gradientModelPool';
import { npyFloat32Bytes } from '../../../src/engine/mapFiles';
import { RELU_KINK, RELU_KINK_INPUT, reluKinkModelBytes } from '../../support/reluKinkModel';
import { expectInput, scratchFolder } from './explainHelpers';

describe('runExplain with forwardPrecision', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('margin-explain-precision-');
  let model: string;
  let input: string;
  before(async () => {
    model = join(scratch.path, 'kink.onnx');
    input = join(scratch.path, 'x.npy');
    await writeFile(model, reluKinkModelBytes());
    await writeFile(input, npyFloat32Bytes([1, 2], RELU_KINK_INPUT));
  });
  const explain = (method: 'gradient' | 'occlusion' | 'deeplift', options = {}, pool?: GradientModelPool) =>
    runExplain({ model, input, method, target: 0, options }, silentContext, scratch.path, pool);

  it('takes the gradient through the float64 branch only when asked', async () => {
    const pool = new GradientModelPool();
    try {
      const single = await explain('gradient', {}, pool);
      const double = await explain('gradient', { forwardPrecision: 'float64' }, pool);
      assert.deepEqual(Array.from(single.map), RELU_KINK.float32.gradient);
      assert.deepEqual(Array.from(double.map), RELU_KINK.float64.gradient);
      assert.equal(pool.size, 2, 'a float64 model is not served to a float32 request, nor the reverse');
      assert.equal(single.forwardPrecision, undefined);
      assert.equal(double.forwardPrecision, 'float64', 'the result (and map.json) says how it was computed');
    } finally {
      await pool.close();
    }
  });

  it('refuses it for methods without gradients, for DeepLIFT, and an unknown precision', async () => {
    await assert.rejects(
      explain('occlusion', { forwardPrecision: 'float64' }),
      expectInput('--forward-precision', /gradient methods; occlusion runs the model as it is/),
    );
    await assert.rejects(
      explain('deeplift', { forwardPrecision: 'float64' }),
      expectInput('--forward-precision', /plain gradients; DeepLIFT/),
    );
    await assert.rejects(
      explain('gradient', { forwardPrecision: 'float16' }),
      expectInput('--forward-precision', /one of float32, float64, got "float16"/),
    );
  });

  it('is parsed from the command line', () => {
    const explainWith = (precision: string) =>
      parseCommandLine([
        'explain',
        '--model',
        'm.onnx',
        '--input',
        'x.npy',
        '--method',
        'gradient',
        '--forward-precision',
        precision,
      ]);
    const parsed = explainWith('float64');
    assert.equal(parsed.command === 'explain' && parsed.params.options?.forwardPrecision, 'float64');
    assert.throws(() => explainWith('double'), expectInput('--forward-precision', /float32, float64/));
  });
});
