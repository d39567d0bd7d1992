import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readIdxLabels } from '../../../src/data/idx';
import { openDataset } from '../../../src/data/open';
import {
  assertSameBytes,
  FMNIST,
  idxBytes,
  makeTempDir,
  rejectsInput,
  t10kReference,
} from './helpers';

const IDX = join(FMNIST, 'idx');

describe('data/idx: the Fashion-MNIST IDX fixtures', () => {
  const t10k = t10kReference();

  for (const name of ['t10k-images-idx3-ubyte.gz', 't10k-images-idx3-ubyte']) {
    it(`reads ${name}: 300 images with their labels, equal to the first 300 of t10k`, async () => {
      const file = join(IDX, name);
      const dataset = await openDataset(file);
      assert.equal(dataset.kind, 'idx');
      assert.equal(dataset.source, file);
      assert.equal(dataset.samples.length, 300);
      assert.deepEqual(dataset.samples[0], { id: '#0' });
      assert.equal(dataset.samples[299].id, '#299');
      assert.deepEqual(dataset.images!.shape, { height: 28, width: 28, channels: 1 });
      assert.deepEqual(dataset.labels, Array.from({ length: 300 }, (_, i) => String(t10k.label(i))));
      for (let index = 0; index < 300; index++) {
        const image = await dataset.images!.read(index);
        assertSameBytes(image.pixels, t10k.image(index), `image ${index}`);
      }
    });
  }

  it('matches reference/pixels16.npy for the first 16 images', async () => {
    const npy = await readFile(join(FMNIST, 'reference', 'pixels16.npy'));
    const dataStart = 10 + npy.readUInt16LE(8);
    const dataset = await openDataset(join(IDX, 't10k-images-idx3-ubyte.gz'));
    for (let i = 0; i < 16; i++) {
      assertSameBytes(
        (await dataset.images!.read(i)).pixels,
        npy.subarray(dataStart + i * 784, dataStart + (i + 1) * 784),
        `image ${i}`,
      );
    }
  });

  it('opens a folder that holds one IDX pair (raw and .gz copies count as one)', async () => {
    const dataset = await openDataset(IDX);
    assert.equal(dataset.kind, 'idx');
    assert.equal(dataset.source, IDX);
    assert.equal(dataset.samples.length, 300);
    assert.equal(dataset.labels[0], String(t10k.label(0)));
  });

  it('refuses a folder with several IDX image files, naming them', async () => {
    // The layout of Debian's dataset-fashion-mnist folder: a t10k and a train pair side by side.
    const { dir, cleanup } = await makeTempDir();
    try {
      for (const set of ['t10k', 'train']) {
        await copyFile(join(IDX, 't10k-images-idx3-ubyte.gz'), join(dir, `${set}-images-idx3-ubyte.gz`));
        await copyFile(join(IDX, 't10k-labels-idx1-ubyte.gz'), join(dir, `${set}-labels-idx1-ubyte.gz`));
      }
      await rejectsInput(
        openDataset(dir),
        dir,
        /holds 2 IDX image files \(t10k-images-idx3-ubyte, train-images-idx3-ubyte\)/,
      );
    } finally {
      await cleanup();
    }
  });

  it('reads a 10,000-image gzipped IDX pair (the size of the t10k file)', async () => {
    // The 300 fixture images tiled to 10,000, written by the IDX layout (not by the code under test).
    const { dir, cleanup } = await makeTempDir();
    try {
      const count = 10000;
      const pixels = new Uint8Array(count * 784);
      const labels = new Uint8Array(count);
      for (let i = 0; i < count; i++) {
        pixels.set(t10k.image(i % 300), i * 784);
        labels[i] = t10k.label(i % 300);
      }
      await writeFile(join(dir, 'big-images-idx3-ubyte.gz'), gzipSync(idxBytes(0x08, [count, 28, 28], pixels)));
      await writeFile(join(dir, 'big-labels-idx1-ubyte.gz'), gzipSync(idxBytes(0x08, [count], labels)));
      const dataset = await openDataset(join(dir, 'big-images-idx3-ubyte.gz'));
      assert.equal(dataset.samples.length, count);
      assert.equal(dataset.labels[9999], String(t10k.label(9999 % 300)));
      assertSameBytes((await dataset.images!.read(9999)).pixels, t10k.image(9999 % 300), 'image 9999');
    } finally {
      await cleanup();
    }
  });

  it('reads the labels files, raw and gzipped', async () => {
    const expected = Array.from({ length: 300 }, (_, i) => String(t10k.label(i)));
    assert.deepEqual(await readIdxLabels(join(IDX, 't10k-labels-idx1-ubyte')), expected);
    assert.deepEqual(await readIdxLabels(join(IDX, 't10k-labels-idx1-ubyte.gz')), expected);
  });

  it('converts an IDX image to 3 channels on request', async () => {
    const dataset = await openDataset(join(IDX, 't10k-images-idx3-ubyte'));
    const rgb = await dataset.images!.read(3, 3);
    assert.equal(rgb.channels, 3);
    const grey = t10k.image(3);
    for (let p = 0; p < 784; p++) assert.equal(rgb.pixels[3 * p + 2], grey[p]);
  });
});

describe('data/idx: bad IDX files', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => (temp = await makeTempDir()));
  after(() => temp.cleanup());

  const images = (count: number) =>
    idxBytes(
      0x08,
      [count, 2, 2],
      new Uint8Array(count * 4).map((_, i) => i % 256),
    );
  const labels = (count: number) =>
    idxBytes(
      0x08,
      [count],
      new Uint8Array(count).map((_, i) => i % 10),
    );

  it('reads a tiny hand-made pair', async () => {
    const folder = join(temp.dir, 'tiny');
    await mkdir(folder);
    await writeFile(join(folder, 'x-images-idx3-ubyte'), images(3));
    await writeFile(join(folder, 'x-labels-idx1-ubyte'), labels(3));
    const dataset = await openDataset(join(folder, 'x-images-idx3-ubyte'));
    assert.deepEqual(dataset.labels, ['0', '1', '2']);
    assert.deepEqual([...(await dataset.images!.read(2)).pixels], [8, 9, 10, 11]);
  });

  it('has undefined labels when no labels file is beside the images', async () => {
    const folder = join(temp.dir, 'unlabelled');
    await mkdir(folder);
    await writeFile(join(folder, 'y-images.idx'), images(2));
    const dataset = await openDataset(join(folder, 'y-images.idx'));
    assert.deepEqual(dataset.labels, [undefined, undefined]);
  });

  it('refuses a bad magic number', async () => {
    const file = join(temp.dir, 'bad-images-idx3-ubyte');
    await writeFile(file, Buffer.from('P5\n28 28\n255\n' + 'x'.repeat(100)));
    await rejectsInput(openDataset(file), file, /is not an IDX file: bad magic number 0x50350a32/);
  });

  it('refuses truncated files, raw and gzipped', async () => {
    const raw = join(temp.dir, 'cut-images-idx3-ubyte');
    await writeFile(raw, images(10).subarray(0, 16 + 30));
    await rejectsInput(
      openDataset(raw),
      raw,
      /is truncated: its header declares 40 bytes of data but it holds only 30/,
    );
    const gz = join(temp.dir, 'cutgz-images-idx3-ubyte.gz');
    const whole = gzipSync(images(1000));
    await writeFile(gz, whole.subarray(0, whole.length - 40));
    await rejectsInput(openDataset(gz), gz, /is truncated/);
    const shortHeader = join(temp.dir, 'stub-images-idx3-ubyte');
    await writeFile(shortHeader, Buffer.from([0, 0, 8, 3, 0, 0]));
    await rejectsInput(
      openDataset(shortHeader),
      shortHeader,
      /is truncated: 6 bytes is shorter than an IDX header/,
    );
  });

  it('refuses trailing bytes the header does not declare', async () => {
    const file = join(temp.dir, 'long-images-idx3-ubyte');
    await writeFile(file, Buffer.concat([images(2), Buffer.alloc(5)]));
    await rejectsInput(
      openDataset(file),
      file,
      /bad IDX size: its header declares 8 bytes of data but it holds 13/,
    );
  });

  it('refuses a file whose header declares more than 4 GiB, before reading it', async () => {
    const huge = idxBytes(0x08, [100000, 300, 300], new Uint8Array(0));
    const raw = join(temp.dir, 'huge-images-idx3-ubyte');
    await writeFile(raw, huge);
    await rejectsInput(
      openDataset(raw),
      raw,
      /is too large: its header declares 100000 × 300 × 300 unsigned bytes, which needs 8\.4 GiB/,
    );
    const gz = join(temp.dir, 'huge-images-idx3-ubyte.gz');
    await writeFile(gz, gzipSync(huge));
    await rejectsInput(openDataset(gz), gz, /is too large: .*8\.4 GiB/);
  });

  it('refuses a gzip file that is not gzip inside', async () => {
    const file = join(temp.dir, 'fake-images-idx3-ubyte.gz');
    await writeFile(file, Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(50, 7)]));
    await rejectsInput(openDataset(file), file, /is not a valid gzip file/);
  });

  it('refuses a labels file whose count differs from the images', async () => {
    const folder = join(temp.dir, 'mismatch');
    await mkdir(folder);
    await writeFile(join(folder, 'z-images-idx3-ubyte'), images(4));
    await writeFile(join(folder, 'z-labels-idx1-ubyte'), labels(3));
    await rejectsInput(
      openDataset(folder),
      join(folder, 'z-labels-idx1-ubyte'),
      /holds 3 labels but .*z-images-idx3-ubyte holds 4 images/,
    );
  });

  it('refuses an IDX labels file given as the data, and images of the wrong rank', async () => {
    const labelsFile = join(temp.dir, 'only-labels-idx1-ubyte');
    await copyFile(join(IDX, 't10k-labels-idx1-ubyte'), labelsFile);
    await rejectsInput(openDataset(labelsFile), labelsFile, /is an IDX labels file: give the images file/);
    const flat = join(temp.dir, 'flat-images-idx3-ubyte');
    await writeFile(flat, idxBytes(0x08, [2, 4], new Uint8Array(8)));
    await rejectsInput(openDataset(flat), flat, /holds a 2-D array of unsigned bytes \(2 × 4\), not images/);
  });
});
