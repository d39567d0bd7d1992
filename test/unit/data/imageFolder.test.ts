import assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { decodeImageFile } from '../../../src/data/fileImages';
import { openDataset } from '../../../src/data/open';
import type { Dataset } from '../../../src/data/types';
import {
  assertSameBytes,
  FIXTURES,
  FMNIST,
  makeTempDir,
  rejectsInput,
  splitLines,
  t10kReference,
} from './helpers';

const NOISY = join(FMNIST, 'noisy');

describe('data/imageFolder: the noisy Fashion-MNIST folder', () => {
  let dataset: Dataset;
  let truth: { id: string; given: string }[];
  const t10k = t10kReference();

  before(async () => {
    dataset = await openDataset(NOISY);
    // noisy-truth.csv: id,given_label,true_label,flipped; rows sorted by id in Python (code-point order).
    truth = splitLines(await readFile(join(FMNIST, 'noisy-truth.csv'), 'utf8'))
      .slice(1)
      .map((line) => {
        const [id, given] = line.split(',');
        return { id, given };
      });
  });

  it('lists 1000 images in 10 label folders, in label-then-file byte order', () => {
    assert.equal(dataset.kind, 'image-folder');
    assert.equal(dataset.source, NOISY);
    assert.equal(dataset.samples.length, 1000);
    assert.equal(dataset.images?.count, 1000);
    assert.equal(new Set(dataset.labels).size, 10);
    assert.deepEqual(dataset.skipped, []);
    assert.deepEqual(
      dataset.samples.map((sample) => sample.id),
      truth.map((row) => row.id),
    );
    assert.deepEqual(
      dataset.labels,
      truth.map((row) => row.given),
    );
    dataset.samples.forEach((sample) => assert.equal(sample.path, join(NOISY, sample.id)));
  });

  it('decodes images lazily to the same bytes as the original t10k images', async () => {
    const images = dataset.images!;
    for (const index of [0, 1, 99, 250, 500, 731, 999]) {
      const image = await images.read(index);
      const t10kIndex = Number(/t10k-(\d+)\.png$/.exec(dataset.samples[index].id)![1]);
      assert.equal(image.width, 28);
      assert.equal(image.height, 28);
      assert.equal(image.channels, 1, 'a greyscale PNG decodes to one channel');
      assertSameBytes(image.pixels, t10k.image(t10kIndex), `sample ${dataset.samples[index].id}`);
    }
  });

  it('converts to 3 channels on request (grey replicated) and back to 1', async () => {
    const grey = await dataset.images!.read(5, 1);
    const rgb = await dataset.images!.read(5, 3);
    assert.equal(rgb.channels, 3);
    assert.equal(rgb.pixels.length, 28 * 28 * 3);
    for (let p = 0; p < 28 * 28; p++) {
      for (let c = 0; c < 3; c++) assert.equal(rgb.pixels[3 * p + c], grey.pixels[p]);
    }
  });
});

describe('data/imageFolder: PNG decoding against the reference arrays', () => {
  it('decodes reference/png/000…015.png byte for byte like pixels16.npy and the t10k originals', async () => {
    const t10k = t10kReference();
    // pixels16.npy: uint8 16×28×28, a version-1 header padded so that data starts at a multiple of 64.
    const npy = await readFile(join(FMNIST, 'reference', 'pixels16.npy'));
    const dataStart = 10 + npy.readUInt16LE(8);
    assert.equal(npy.length - dataStart, 16 * 28 * 28);
    for (let i = 0; i < 16; i++) {
      const image = await decodeImageFile(
        join(FMNIST, 'reference', 'png', `${String(i).padStart(3, '0')}.png`),
      );
      const expected = npy.subarray(dataStart + i * 784, dataStart + (i + 1) * 784);
      assertSameBytes(image.pixels, expected, `png ${i} vs pixels16.npy`);
      assertSameBytes(image.pixels, t10k.image(i), `png ${i} vs t10k`);
    }
  });
});

describe('data/imageFolder: bad folders', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => (temp = await makeTempDir()));
  after(() => temp.cleanup());

  const png = (value: number, channels: 1 | 3 | 4 = 1) =>
    sharp(Buffer.alloc(4 * 4 * channels, value), { raw: { width: 4, height: 4, channels } })
      .png()
      .toBuffer();

  it('refuses an empty folder, explaining the layout', async () => {
    const empty = join(temp.dir, 'empty');
    await mkdir(join(empty, 'cats'), { recursive: true });
    await writeFile(join(empty, 'notes.txt'), 'no images here');
    await rejectsInput(openDataset(empty), empty, /^holds no images: expected <label>\/<image> sub-folders$/);
  });

  it('points at a data file in an image-less folder', async () => {
    const folder = join(temp.dir, 'with-csv');
    await mkdir(folder);
    await writeFile(join(folder, 'data.csv'), 'a,label\n1,x\n');
    await rejectsInput(
      openDataset(folder),
      folder,
      /holds no images: .*\(it holds data\.csv: to scan one of those, give the file instead\)/,
    );
  });

  it('refuses images placed directly in the root', async () => {
    const flat = join(temp.dir, 'flat');
    await mkdir(join(flat, 'dogs'), { recursive: true });
    await writeFile(join(flat, 'dogs', 'a.png'), await png(10));
    await writeFile(join(flat, 'loose.png'), await png(20));
    await rejectsInput(openDataset(flat), flat, /holds images directly \(loose\.png\).*<label>\/<image>/);
  });

  it('ignores hidden files and folders and non-image files; orders by bytes', async () => {
    const root = join(temp.dir, 'mixed');
    for (const folder of ['b', 'a', '.cache', 'Z']) await mkdir(join(root, folder), { recursive: true });
    await writeFile(join(root, '.DS_Store'), 'x');
    await writeFile(join(root, 'README.md'), 'x');
    await writeFile(join(root, '.cache', 'c.png'), await png(1));
    await writeFile(join(root, 'a', '.hidden.png'), await png(1));
    await writeFile(join(root, 'a', 'notes.txt'), 'x');
    await writeFile(
      join(root, 'a', 'y.JPG'),
      await sharp(await png(200, 3))
        .jpeg()
        .toBuffer(),
    );
    await writeFile(
      join(root, 'a', 'x.webp'),
      await sharp(await png(100, 3))
        .webp({ lossless: true })
        .toBuffer(),
    );
    await writeFile(join(root, 'b', 'é.png'), await png(3));
    await writeFile(join(root, 'b', 'z.png'), await png(4));
    await writeFile(
      join(root, 'Z', 'q.jpeg'),
      await sharp(await png(50, 3))
        .jpeg()
        .toBuffer(),
    );
    const dataset = await openDataset(root);
    // Byte order: 'Z' (0x5A) < 'a' < 'b'; 'z' (0x7A) < 'é' (0xC3 0xA9).
    assert.deepEqual(
      dataset.samples.map((s) => s.id),
      ['Z/q.jpeg', 'a/x.webp', 'a/y.JPG', 'b/z.png', 'b/é.png'],
    );
    assert.deepEqual(dataset.labels, ['Z', 'a', 'a', 'b', 'b']);
    const webp = await dataset.images!.read(1);
    assert.equal(webp.channels, 3);
    assert.ok(webp.pixels.every((value) => value === 100));
    const greyAsRgb = await decodeImageFile(join(root, 'b', 'z.png'), 3);
    assert.equal(greyAsRgb.channels, 3);
    assert.ok(greyAsRgb.pixels.every((value) => value === 4));
  });

  it('composites alpha over white: an RGBA PNG reads as 3 channels, or 1 on request', async () => {
    const file = join(temp.dir, 'rgba.png');
    await writeFile(file, await png(77, 4));
    // Colour 77 at alpha 77 over white: round((77·77 + 255·(255 − 77)) / 255) = round(201.25) = 201.
    const natural = await decodeImageFile(file);
    assert.equal(natural.channels, 3);
    assert.ok(natural.pixels.every((value) => value === 201));
    assert.deepEqual(natural.adjusted, { resized: false, conversions: ['alpha'] });
    const grey = await decodeImageFile(file, 1);
    assert.equal(grey.channels, 1);
    assert.ok(grey.pixels.every((value) => value === 201));
  });

  it('opens a folder with a broken PNG; reading it throws an InputError naming the file', async () => {
    const root = join(FIXTURES, 'bad', 'broken-images');
    const dataset = await openDataset(root);
    assert.equal(dataset.samples.length, 31);
    const broken = dataset.samples.findIndex((sample) => sample.id === 'Bag/broken.png');
    assert.ok(broken >= 0);
    const error = await rejectsInput(
      dataset.images!.read(broken),
      join(root, 'Bag', 'broken.png'),
      /cannot be decoded as an image/,
    );
    assert.ok(error.message.startsWith(join(root, 'Bag', 'broken.png')));
    // Every other image still decodes: one bad file does not spoil the rest.
    for (let index = 0; index < dataset.samples.length; index++) {
      if (index === broken) continue;
      const image = await dataset.images!.read(index);
      assert.equal(image.pixels.length, 28 * 28);
    }
  });

  it('reports a file deleted after listing as "file not found"', async () => {
    const root = join(temp.dir, 'vanishing');
    await mkdir(join(root, 'a'), { recursive: true });
    await writeFile(join(root, 'a', '1.png'), await png(9));
    const dataset = await openDataset(root);
    await rm(join(root, 'a', '1.png'));
    await rejectsInput(dataset.images!.read(0), join(root, 'a', '1.png'), /^file not found$/);
  });
});
