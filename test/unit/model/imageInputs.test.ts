/**
 * The whole way from a file of any size and mode to the model's logits, against
 * PyTorch: the mixed-images fixture (real photos: RGB, grey, RGBA, grey + alpha,
 * CMYK, 16-bit; 28×28 to 1280×960) through FileImageSource and embedDataset
 * with the small RGB model, compared with the PyTorch model's logits on
 * torchvision's Resize(32) + CenterCrop(32) of the same files, normalised by
 * the sidecar's per-channel mean and std (reference/logits.npy, made by
 * scripts/make-image-fixtures.py).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FileImageSource } from '../../../src/data/fileImages';
import { embedDataset, loadModelConfig, openModel } from '../../../src/model';
import { readFloat32 } from './helpers';

const MIXED = resolve(__dirname, '../../fixtures/mixed-images');
const MODEL = join(MIXED, 'model.onnx');
const IDS = JSON.parse(readFileSync(join(MIXED, 'reference', 'ids.json'), 'utf8')) as string[];

describe('model: images of any size and mode, to logits, against PyTorch', () => {
  it('gives the logits PyTorch gives on torchvision-preprocessed pixels (all 31 images kept)', async () => {
    const model = await openModel(MODEL);
    const config = await loadModelConfig(MODEL, model.info);
    assert.equal(config.input.resize, 'shorter-side', 'the default when the sidecar is silent');
    const files = IDS.map((id) => join(MIXED, 'images', id));
    const out = await embedDataset(model, config, new FileImageSource(files), {
      batchSize: 8,
      files: (i) => files[i],
    });
    assert.deepEqual(
      [...out.keptIndices],
      IDS.map((_, i) => i),
    );
    assert.deepEqual(out.skipped, []);
    const reference = await readFloat32(join(MIXED, 'reference', 'logits.npy'));
    assert.deepEqual(reference.shape, [IDS.length, 3]);
    for (const [i, id] of IDS.entries()) {
      const ours = out.logits.data.subarray(i * 3, i * 3 + 3);
      const theirs = reference.data.subarray(i * 3, i * 3 + 3);
      const largest = Math.max(...theirs.map(Math.abs));
      const gap = Math.max(...ours.map((value, c) => Math.abs(value - theirs[c])));
      // Same pixels (images up to 1 megapixel): float32 arithmetic only. The 1280×960 JPEG is
      // shrunk by sharp (pixels within a mean of 0.32 levels of Pillow's): a looser bound.
      const bound = id.includes('large') ? 0.05 * largest : 1e-4 * Math.max(1, largest);
      assert.ok(gap <= bound, `${id}: logits ${[...ours]} vs ${[...theirs]}`);
    }
    assert.equal(out.images?.images, 31);
  });
});
