/** The black-box model (src/model/forwardModel.ts) against PyTorch's logits for the same inputs. */
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { isInputError } from '../../../src/core/errors';
import { npyToFloat32, readNpy } from '../../../src/data/npy';
import { openForwardModel, sampleShapeOf } from '../../../src/model/forwardModel';

const FMNIST = resolve(__dirname, '../../fixtures/fmnist');
const MODEL = join(FMNIST, 'model.onnx');

describe('openForwardModel', () => {
  it('reads the per-sample shape and class count, and predicts in chunks what PyTorch computed', async () => {
    const inputs = npyToFloat32(await readNpy(join(FMNIST, 'reference', 'inputs16.npy')));
    const expected = npyToFloat32(await readNpy(join(FMNIST, 'reference', 'logits16.npy')));
    const model = await openForwardModel(MODEL, { batchSize: 5 });
    try {
      assert.deepEqual(model.sampleShape, [1, 28, 28]);
      assert.equal(model.sampleSize, 784);
      assert.equal(model.numClasses, 10);
      assert.equal(model.inputName, 'pixels');
      const logits = await model.predict(inputs, 16);
      assert.equal(logits.length, 160);
      let worst = 0;
      for (let i = 0; i < 160; i++) worst = Math.max(worst, Math.abs(logits[i] - expected[i]));
      assert.ok(worst < 1e-3, `max |onnxruntime − PyTorch| = ${worst}`);
      assert.equal((await model.predict(new Float32Array(0), 0)).length, 0);
    } finally {
      await model.release();
    }
  });

  it('names a missing logits output', async () => {
    await assert.rejects(
      openForwardModel(MODEL, { logits: 'probs' }),
      (error) => isInputError(error) && /no output "probs"/.test((error as Error).message),
    );
  });

  it('refuses a symbolic dimension other than the batch, naming it', () => {
    assert.deepEqual(sampleShapeOf('m.onnx', 'x', ['N', 3, 32, 32]), {
      batchDim: undefined,
      sampleShape: [3, 32, 32],
    });
    assert.deepEqual(sampleShapeOf('m.onnx', 'x', [1, 10]), { batchDim: 1, sampleShape: [10] });
    assert.throws(
      () => sampleShapeOf('m.onnx', 'x', ['N', 3, 'height', 'width']),
      (error) =>
        isInputError(error) &&
        /"height"/.test((error as Error).message) &&
        (error as Error).message.startsWith('m.onnx'),
    );
  });
});
