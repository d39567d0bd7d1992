/**
 * Models exported with a fixed batch (torch.onnx.export without dynamic_axes;
 * scripts/make-fixed-batch-fixtures.py): inference feeds them exactly their
 * batch, padding the last run, and gets what the dynamic-batch export of the
 * same weights gets; an onnxruntime failure is reported whole, on one line.
 */
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { openDataset } from '../../../src/data/open';
import { createSession, embedDataset, loadModelConfig, openModel, type Embedded } from '../../../src/model';
import { declaredBatch, runFailure } from '../../../src/model/session';
import { MODEL, maxAbsDifference } from './helpers';

const FIXED = resolve(__dirname, '../../fixtures/fixed-batch');
const IMAGES = join(FIXED, 'images.csv');

async function embed(modelPath: string, batchSize: number): Promise<Embedded> {
  const model = await openModel(modelPath);
  const config = await loadModelConfig(modelPath, model.info);
  const dataset = await openDataset(IMAGES);
  return embedDataset(model, config, dataset.images!, { batchSize, files: (i) => dataset.samples[i].path! });
}

describe('model: fixed-batch models', () => {
  let dynamic: Embedded;
  before(async () => (dynamic = await embed(MODEL, 256)));

  it('reads the batch the model declares: 1 and 4 for the fixed exports, none for the dynamic one', async () => {
    assert.equal(declaredBatch((await openModel(join(FIXED, 'model-batch1.onnx'))).info.inputs[0]), 1);
    assert.equal(declaredBatch((await openModel(join(FIXED, 'model-batch4.onnx'))).info.inputs[0]), 4);
    assert.equal(declaredBatch((await openModel(MODEL)).info.inputs[0]), undefined);
  });

  for (const [batch, batchSize] of [
    [1, 256],
    [4, 256],
    [4, 5],
    [4, 1],
  ]) {
    it(`embeds 42 images with a batch-${batch} model (batch size ${batchSize}) as the dynamic-batch model does`, async () => {
      const fixed = await embed(join(FIXED, `model-batch${batch}.onnx`), batchSize);
      assert.equal(dynamic.keptIndices.length, 42);
      assert.deepEqual([...fixed.keptIndices], [...dynamic.keptIndices]);
      assert.deepEqual([fixed.embeddings.rows, fixed.embeddings.dim], [42, 64]);
      assert.ok(maxAbsDifference(fixed.embeddings.data, dynamic.embeddings.data) < 1e-5);
      assert.ok(maxAbsDifference(fixed.logits.data, dynamic.logits.data) < 1e-5);
    });
  }

  it("reports onnxruntime's whole message on one line (which index, what it got, what it expected)", async () => {
    const path = join(FIXED, 'model-batch1.onnx');
    const session = await createSession(path, (await openModel(path)).bytes);
    try {
      const twoImages = new ort.Tensor('float32', new Float32Array(2 * 28 * 28), [2, 1, 28, 28]);
      const error = await session.run({ pixels: twoImages }).then(
        () => assert.fail('onnxruntime ran a batch of 2 on a batch-1 model'),
        (failure: unknown) => failure,
      );
      assert.ok((error as Error).message.includes('\n'), "onnxruntime's own message spans lines");
      const reported = runFailure(path, error);
      assert.equal(reported.file, path);
      assert.doesNotMatch(reported.problem, /\n/);
      assert.match(
        reported.problem,
        /^onnxruntime failed to run the model: Got invalid dimensions for input: pixels for the following indices index: 0 Got: 2 Expected: 1/,
      );
    } finally {
      await session.release();
    }
  });
});
