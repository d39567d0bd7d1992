/**
 * The fixture CNN run through onnxruntime-node against PyTorch: logits and the
 * tapped penultimate embeddings of 16 test images must match the reference
 * arrays written by scripts/make-fixtures.py (max abs error ≤ 1e-4).
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../src/core/errors';
import { ArrayImageSource } from '../../../src/data/arrayImages';
import { FileImageSource } from '../../../src/data/fileImages';
import type { ImageSource } from '../../../src/data/types';
import {
  embedDataset,
  findEmbeddingTensor,
  loadModelConfig,
  openModel,
  writeImage,
} from '../../../src/model';
import { BAD, maxAbsDifference, MODEL, readFloat32, readUint8, REFERENCE } from './helpers';

const TOLERANCE = 1e-4;

describe('model/inference (onnxruntime vs PyTorch reference)', () => {
  let pixels: { data: Uint8Array; shape: number[] };
  before(async () => {
    pixels = await readUint8(join(REFERENCE, 'pixels16.npy'));
    assert.deepEqual(pixels.shape, [16, 28, 28]);
  });

  it('preprocesses pixels exactly as the PyTorch reference inputs', async () => {
    const model = await openModel(MODEL);
    const config = await loadModelConfig(MODEL, model.info);
    const expected = await readFloat32(join(REFERENCE, 'inputs16.npy'));
    const batch = new Float32Array(16 * 28 * 28);
    const images = new ArrayImageSource(pixels.data, 16, 28, 28, 1);
    for (let i = 0; i < 16; i++) writeImage(await images.read(i, 1), config.input, batch, i);
    // (p/255 − 0.286)/0.353 in float32: a few ulps of values up to ~2.
    assert.ok(maxAbsDifference(batch, expected.data) < 1e-5);
  });

  it('taps the input of the last Gemm before the logits as the embedding', async () => {
    const model = await openModel(MODEL);
    const config = await loadModelConfig(MODEL, model.info);
    assert.equal(findEmbeddingTensor(model, config), '/features/features.10/Relu_output_0');
  });

  for (const batchSize of [16, 5]) {
    it(`matches PyTorch logits and embeddings within ${TOLERANCE} (batch size ${batchSize})`, async () => {
      const model = await openModel(MODEL);
      const config = await loadModelConfig(MODEL, model.info);
      const progress: number[] = [];
      const out = await embedDataset(model, config, new ArrayImageSource(pixels.data, 16, 28, 28, 1), {
        batchSize,
        files: (i) => `pixels16.npy#${i}`,
        onProgress: (done) => progress.push(done),
      });
      const logits = await readFloat32(join(REFERENCE, 'logits16.npy'));
      const embeddings = await readFloat32(join(REFERENCE, 'embeddings16.npy'));
      assert.deepEqual([out.logits.rows, out.logits.dim], [16, 10]);
      assert.deepEqual([out.embeddings.rows, out.embeddings.dim], [16, 64]);
      assert.ok(maxAbsDifference(out.logits.data, logits.data) <= TOLERANCE, 'logits');
      assert.ok(maxAbsDifference(out.embeddings.data, embeddings.data) <= TOLERANCE, 'embeddings');
      assert.deepEqual([...out.keptIndices], [...Array(16).keys()]);
      assert.equal(progress.at(-1), 16);
    });
  }

  it('reads images held in an HWC array in place, with the same numbers as reading each', async () => {
    const model = await openModel(MODEL);
    const config = await loadModelConfig(MODEL, model.info);
    const source = new ArrayImageSource(pixels.data, 16, 28, 28, 1);
    assert.ok(source.storedPixels, 'an HWC array lends its pixels');
    const lent = source.storedPixels(3);
    assert.equal(lent.buffer, pixels.data.buffer, 'a view of the array, not a copy');
    assert.deepEqual(lent, await source.read(3).then((image) => image.pixels));
    // The same images without storedPixels: each one read (copied) through read().
    const readEach: ImageSource = { count: 16, shape: source.shape, read: (i, c, f) => source.read(i, c, f) };
    const options = { batchSize: 5, files: (i: number) => `pixels16.npy#${i}` };
    const inPlace = await embedDataset(model, config, source, options);
    const copied = await embedDataset(model, config, readEach, options);
    assert.deepEqual(inPlace.logits.data, copied.logits.data);
    assert.deepEqual(inPlace.embeddings.data, copied.embeddings.data);
    // Channels-first colour arrays are not HWC: they are converted on every read.
    assert.equal(new ArrayImageSource(new Uint8Array(2 * 3 * 4), 2, 2, 2, 3, 'chw').storedPixels, undefined);
  });

  it('gives the same numbers from the PNG files as from the arrays (decoding is lossless)', async () => {
    const model = await openModel(MODEL);
    const config = await loadModelConfig(MODEL, model.info);
    const folder = join(REFERENCE, 'png');
    const files = readdirSync(folder)
      .sort()
      .map((name) => join(folder, name));
    const out = await embedDataset(model, config, new FileImageSource(files), {
      batchSize: 8,
      files: (i) => files[i],
    });
    const logits = await readFloat32(join(REFERENCE, 'logits16.npy'));
    assert.ok(maxAbsDifference(out.logits.data, logits.data) <= TOLERANCE);
  });

  it('skips an image that fails to decode, names it, and embeds the rest', async () => {
    const model = await openModel(MODEL);
    const config = await loadModelConfig(MODEL, model.info);
    const broken = join(BAD, 'broken-images', 'Bag', 'broken.png');
    const good = join(REFERENCE, 'png', '000.png');
    const out = await embedDataset(model, config, new FileImageSource([good, broken, good]), {
      batchSize: 2,
      files: (i) => [good, broken, good][i],
    });
    assert.deepEqual([...out.keptIndices], [0, 2]);
    assert.equal(out.skipped.length, 1);
    assert.equal(out.skipped[0].file, broken);
    assert.equal(out.skipped[0].index, 1);
  });

  it("brings images of another size and mode to the model's input, and counts them", async () => {
    const mismatched = join(BAD, 'mismatch-3x32x32.onnx');
    const model = await openModel(mismatched);
    const config = await loadModelConfig(mismatched, model.info);
    assert.deepEqual([config.input.channels, config.input.height, config.input.width], [3, 32, 32]);
    const good = join(REFERENCE, 'png', '000.png');
    const out = await embedDataset(model, config, new FileImageSource([good, good]), {
      batchSize: 4,
      files: () => good,
    });
    assert.deepEqual([...out.keptIndices], [0, 1]);
    assert.deepEqual(out.images, { images: 2, resized: 2, converted: 2, conversions: { 'grey-to-rgb': 2 } });
  });

  it('gives an InputError naming the first image when no image can be read', async () => {
    const broken = join(BAD, 'broken-images', 'Bag', 'broken.png');
    const model = await openModel(MODEL);
    const config = await loadModelConfig(MODEL, model.info);
    await assert.rejects(
      embedDataset(model, config, new FileImageSource([broken, broken]), {
        batchSize: 4,
        files: () => broken,
      }),
      (error: unknown) =>
        error instanceof InputError &&
        error.file === broken &&
        /no image could be read.*cannot be decoded/.test(error.problem),
    );
  });

  it('stops when cancelled', async () => {
    const model = await openModel(MODEL);
    const config = await loadModelConfig(MODEL, model.info);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      embedDataset(model, config, new ArrayImageSource(pixels.data, 16, 28, 28, 1), {
        batchSize: 4,
        files: () => 'x',
        signal: controller.signal,
      }),
      { name: 'CancelledError' },
    );
  });
});
