/** The sidecar: defaults from the input shape, the fixture's own file, and clear errors naming the sidecar. */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/core/errors';
import { embedDataset, loadModelConfig, openModel, sidecarPath } from '../../../src/model';
import { ArrayImageSource } from '../../../src/data/arrayImages';
import { BAD, MODEL } from './helpers';

describe('model/sidecar and model/session', () => {
  let dir: string;
  let bare: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'margin-model-'));
    bare = join(dir, 'classifier.onnx');
    copyFileSync(MODEL, bare);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('puts the sidecar beside the model: x.onnx → x.margin.json', () => {
    assert.equal(sidecarPath('/a/b/net.onnx'), '/a/b/net.margin.json');
  });

  it('reads the fixture sidecar', async () => {
    const model = await openModel(MODEL);
    const config = await loadModelConfig(MODEL, model.info);
    assert.equal(config.input.name, 'pixels');
    assert.deepEqual(config.input.mean, [0.286]);
    assert.equal(config.labels?.[9], 'Ankle_boot');
    assert.equal(config.logits, 'logits');
    assert.equal(config.embedding, null);
  });

  it('infers layout, size and output from the model when there is no sidecar', async () => {
    const model = await openModel(bare);
    assert.deepEqual(model.info.inputs, [{ name: 'pixels', dims: ['N', 1, 28, 28] }]);
    const config = await loadModelConfig(bare, model.info);
    assert.deepEqual(config.input, {
      name: 'pixels',
      layout: 'NCHW',
      channels: 1,
      height: 28,
      width: 28,
      scale: 1 / 255,
      mean: [0],
      std: [1],
      resize: 'shorter-side',
    });
    assert.equal(config.logits, 'logits');
    assert.equal(config.labels, undefined);
    assert.equal(model.sha256.length, 64);
  });

  const badSidecars: [string, string, RegExp][] = [
    ['broken JSON', '{"input": ', /not valid JSON/],
    ['a logits output the model lacks', '{"logits": "probs"}', /logits output "probs".*"logits"/],
    ['a zero std', '{"input": {"std": [0]}}', /std must not contain 0/],
    ['three means for one channel', '{"input": {"mean": [0, 0, 0]}}', /mean must be a list of 1 or 1 numbers/],
    ['an input name the model lacks', '{"input": {"name": "image"}}', /input "image".*"pixels"/],
  ];
  for (const [what, text, problem] of badSidecars) {
    it(`names the sidecar and the problem for ${what}`, async () => {
      writeFileSync(sidecarPath(bare), text);
      const model = await openModel(bare);
      await assert.rejects(
        loadModelConfig(bare, model.info),
        (error: unknown) => error instanceof InputError && error.file === sidecarPath(bare) && problem.test(error.problem),
      );
    });
  }

  it('names the sidecar when its labels do not match the number of logits', async () => {
    writeFileSync(sidecarPath(bare), JSON.stringify({ labels: ['a', 'b', 'c'] }));
    const model = await openModel(bare);
    const config = await loadModelConfig(bare, model.info);
    const images = new ArrayImageSource(new Uint8Array(28 * 28), 1, 28, 28, 1);
    await assert.rejects(
      embedDataset(model, config, images, { batchSize: 1, files: () => 'x' }),
      (error: unknown) => error instanceof InputError && error.file === sidecarPath(bare) && /3 labels.*10 logits/.test(error.problem),
    );
  });

  it('names the sidecar when its embedding tensor does not exist', async () => {
    writeFileSync(sidecarPath(bare), JSON.stringify({ embedding: 'nope' }));
    const model = await openModel(bare);
    const config = await loadModelConfig(bare, model.info);
    const images = new ArrayImageSource(new Uint8Array(28 * 28), 1, 28, 28, 1);
    await assert.rejects(embedDataset(model, config, images, { batchSize: 1, files: () => 'x' }), /embedding tensor "nope"/);
  });

  const badModels: [string, string, RegExp][] = [
    ['corrupt.onnx', join(BAD, 'corrupt.onnx'), /not a valid ONNX model/],
    ['not-a-model.onnx', join(BAD, 'not-a-model.onnx'), /not a valid ONNX model/],
    ['a missing file', join(BAD, 'missing.onnx'), /does not exist/],
    ['a folder', BAD, /is not a file/],
  ];
  for (const [what, path, problem] of badModels) {
    it(`refuses ${what} with an error naming it`, async () => {
      await assert.rejects(openModel(path), (error: unknown) => error instanceof InputError && error.file === path && problem.test(error.problem));
    });
  }

  it('refuses an empty file', async () => {
    const empty = join(dir, 'empty.onnx');
    writeFileSync(empty, '');
    await assert.rejects(openModel(empty), /is empty/);
  });
});
