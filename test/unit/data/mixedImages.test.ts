/**
 * Real photos in every mode a folder mixes (test/fixtures/mixed-images, made
 * by scripts/make-image-fixtures.py), decoded and brought to 32×32, against
 * torchvision's preprocessing of the same files (reference/*.npy):
 * - images up to 1 megapixel equal Pillow's Resize (+ CenterCrop) byte for byte;
 * - the 1280×960 JPEG, shrunk by sharp while it loads, is within a mean of 0.5
 *   and a maximum of 12 levels (measured: 0.32 and 9);
 * - torchvision's tensor Resize(antialias=True) is within 1 level of Pillow's
 *   (its float arithmetic rounds once, Pillow's twice); antialias=False is
 *   another filter altogether (up to 52 levels away, reference/summary.json).
 * And an image above the pixel limit is refused by name, before decoding.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { InputError } from '../../../src/core/errors';
import { FileImageSource, decodeImageFile } from '../../../src/data/fileImages';
import type { ImageFit, ResizeMode } from '../../../src/data/imageFit';
import { readNpy } from '../../../src/data/npy';
import type { ImageConversion } from '../../../src/data/types';
import { embedDataset, loadModelConfig, openModel } from '../../../src/model';
import { FIXTURES, makeTempDir } from './helpers';

const MIXED = join(FIXTURES, 'mixed-images');
const IDS: string[] = JSON.parse(readFileSync(join(MIXED, 'reference', 'ids.json'), 'utf8')) as string[];
const LARGE = 'cat/large-1280x960.jpg';

async function reference(name: string): Promise<{ data: Uint8Array; perImage: number }> {
  const array = await readNpy(join(MIXED, 'reference', `${name}.npy`));
  assert.equal(array.shape[0], IDS.length);
  return { data: array.data, perImage: array.shape.slice(1).reduce((a, b) => a * b, 1) };
}

function differences(actual: Uint8Array, expected: Uint8Array): { max: number; mean: number } {
  assert.equal(actual.length, expected.length);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max, mean: sum / actual.length };
}

async function compareAll(
  refName: string,
  channels: number,
  resize: ResizeMode,
  smallMax: number,
): Promise<void> {
  const { data, perImage } = await reference(refName);
  const fit: ImageFit = { width: 32, height: 32, resize };
  for (const [i, id] of IDS.entries()) {
    const image = await decodeImageFile(join(MIXED, 'images', id), channels, fit);
    assert.deepEqual([image.width, image.height, image.channels], [32, 32, channels], id);
    const found = differences(image.pixels, data.subarray(i * perImage, (i + 1) * perImage));
    if (id === LARGE) {
      assert.ok(found.mean <= 0.5 && found.max <= 12, `${id}: ${JSON.stringify(found)}`);
    } else {
      assert.ok(found.max <= smallMax, `${id} vs ${refName}: ${JSON.stringify(found)}`);
    }
  }
}

describe('data: mixed real images against torchvision (Resize, CenterCrop)', function () {
  this.timeout(120_000);

  it('shorter-side: Resize(32) + CenterCrop(32) on the PIL image, byte for byte', () =>
    compareAll('pil-shorter-side', 3, 'shorter-side', 0));

  it('stretch: Resize((32, 32)) on the PIL image, byte for byte', () =>
    compareAll('pil-stretch', 3, 'stretch', 0));

  it("greyscale: Pillow's convert('L') then Resize + CenterCrop, byte for byte", () =>
    compareAll('pil-grey-shorter-side', 1, 'shorter-side', 0));

  it("within 1 level of torchvision's tensor Resize(antialias=True)", () =>
    compareAll('tensor-antialias', 3, 'shorter-side', 1));

  it('records each conversion the file needed, and the resize', async () => {
    const expected = (id: string): ImageConversion[] => {
      const conversions: ImageConversion[] = [];
      if (/16-/.test(id)) conversions.push('16-bit');
      if (/cmyk/.test(id)) conversions.push('cmyk');
      if (/alpha|rgba/.test(id)) conversions.push('alpha');
      if (/grey/.test(id)) conversions.push('grey-to-rgb');
      return conversions;
    };
    for (const id of IDS) {
      const image = await decodeImageFile(join(MIXED, 'images', id), 3, {
        width: 32,
        height: 32,
        resize: 'shorter-side',
      });
      const resized = !id.endsWith('32x32.png');
      const conversions = expected(id);
      assert.deepEqual(
        image.adjusted,
        resized || conversions.length ? { resized, conversions } : undefined,
        id,
      );
    }
  });
});

describe('data: images above the pixel limit', function () {
  this.timeout(300_000);
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let huge: string;

  before(async () => {
    temp = await makeTempDir();
    huge = join(temp.dir, 'huge.png');
    // 20000 × 20000 of one colour: 400 megapixels (1.2 GB as RGB), a few hundred KB as PNG.
    await sharp({
      create: { width: 20000, height: 20000, channels: 3, background: { r: 40, g: 90, b: 160 } },
      limitInputPixels: false,
    })
      .png({ compressionLevel: 9 })
      .toFile(huge);
  });
  after(() => temp.cleanup());

  it('refuses the file by name and size, from its header', async () => {
    const fit: ImageFit = { width: 32, height: 32, resize: 'shorter-side' };
    const attempts = [
      () => decodeImageFile(huge, 3, fit),
      () => new FileImageSource([huge]).read(0),
      () => decodeImageFile(huge),
    ];
    for (const attempt of attempts) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.equal(error.file, huge);
        assert.match(
          error.problem,
          /^is 20000×20000 pixels \(400\.0 megapixels\), more than the 268\.4 megapixels/,
        );
        assert.match(error.problem, /not decoded/);
        return true;
      });
    }
  });

  it('is skipped by a scan with its reason, and the other images are embedded', async () => {
    const fmnistModel = join(FIXTURES, 'fmnist', 'model.onnx');
    const good = join(FIXTURES, 'fmnist', 'reference', 'png', '000.png');
    const files = [huge, good];
    const model = await openModel(fmnistModel);
    const config = await loadModelConfig(fmnistModel, model.info);
    const out = await embedDataset(model, config, new FileImageSource(files), {
      batchSize: 4,
      files: (i) => files[i],
    });
    assert.deepEqual([...out.keptIndices], [1]);
    assert.equal(out.skipped.length, 1);
    assert.equal(out.skipped[0].file, huge);
    assert.match(out.skipped[0].problem, /^is 20000×20000 pixels \(400\.0 megapixels\)/);
  });
});
