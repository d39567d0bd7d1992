import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openDataset } from '../../../src/data/open';
import { readLabelsFile } from '../../../src/data/labelsFile';
import { FMNIST_LABELS } from '../../support/fmnist';
import {
  assertSameBytes,
  FMNIST,
  makeTempDir,
  npyBytes,
  rejectsInput,
  splitLines,
  t10kReference,
} from './helpers';

const NPY = join(FMNIST, 'npy');
/** The names scripts/make-fixtures.py writes to labels.txt, by class index. */
const LABEL_NAMES = FMNIST_LABELS;

describe('data/npy: the Fashion-MNIST arrays', () => {
  const t10k = t10kReference();
  const expectedLabels = Array.from({ length: 200 }, (_, i) => String(t10k.label(i)));

  it('reads images.npy (uint8 200×28×28) with labels.npy beside it', async () => {
    const file = join(NPY, 'images.npy');
    const dataset = await openDataset(file);
    assert.equal(dataset.kind, 'npy');
    assert.equal(dataset.source, file);
    assert.equal(dataset.samples.length, 200);
    assert.equal(dataset.samples[42].id, '#42');
    assert.equal(dataset.features, undefined);
    assert.deepEqual(dataset.images!.shape, { height: 28, width: 28, channels: 1 });
    assert.deepEqual(dataset.labels, expectedLabels);
    for (let index = 0; index < 200; index++) {
      assertSameBytes((await dataset.images!.read(index)).pixels, t10k.image(index), `image ${index}`);
    }
  });

  it('reads features.npy (float32 200×64) as features, matching embeddings16.npy', async () => {
    const dataset = await openDataset(join(NPY, 'features.npy'));
    assert.equal(dataset.images, undefined);
    const features = dataset.features!;
    assert.equal(features.rows, 200);
    assert.equal(features.dim, 64);
    assert.deepEqual(dataset.labels, expectedLabels);
    // embeddings16.npy holds the same model's embeddings of the first 16 images, computed in a separate batch.
    const reference = await readFile(join(FMNIST, 'reference', 'embeddings16.npy'));
    const start = 10 + reference.readUInt16LE(8);
    for (let i = 0; i < 16 * 64; i++) {
      const expected = reference.readFloatLE(start + 4 * i);
      assert.ok(
        Math.abs(features.data[i] - expected) <= 1e-4 * Math.max(1, Math.abs(expected)),
        `value ${i}`,
      );
    }
  });

  it('takes label names from labels.txt with --labels', async () => {
    const dataset = await openDataset(join(NPY, 'images.npy'), { labelsPath: join(NPY, 'labels.txt') });
    assert.deepEqual(
      dataset.labels,
      Array.from({ length: 200 }, (_, i) => LABEL_NAMES[t10k.label(i)]),
    );
  });

  it('reads labels.npy (int64) and labels.txt through readLabelsFile', async () => {
    assert.deepEqual(await readLabelsFile(join(NPY, 'labels.npy')), expectedLabels);
    const lines = splitLines(await readFile(join(NPY, 'labels.txt'), 'utf8'));
    assert.deepEqual(await readLabelsFile(join(NPY, 'labels.txt')), lines);
  });
});

describe('data/npy: hand-made arrays', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => (temp = await makeTempDir()));
  after(() => temp.cleanup());

  const write = async (name: string, bytes: Buffer) => {
    const file = join(temp.dir, name);
    await writeFile(file, bytes);
    return file;
  };
  const f32 = (values: number[]) => new Uint8Array(Float32Array.from(values).buffer);

  it('reads float32 N×C×H×W in [0, 1] as RGB images scaled to 0–255, channel last', async () => {
    // 1 image, 3 channels of 1×4 pixels: R = (0, 1, 0, 0), G = (0.5, 0.2, 0, 0), B = (1, 0, 0, 0.1).
    const file = await write(
      'chw.npy',
      npyBytes('<f4', [1, 3, 1, 4], f32([0, 1, 0, 0, 0.5, 0.2, 0, 0, 1, 0, 0, 0.1])),
    );
    const dataset = await openDataset(file);
    assert.deepEqual(dataset.images!.shape, { height: 1, width: 4, channels: 3 });
    // 0.5·255 = 127.5 → 128, 0.2·255 = 51, 0.1·255 = 25.5 → 26.
    assert.deepEqual(
      [...(await dataset.images!.read(0)).pixels],
      [0, 128, 255, 255, 51, 0, 0, 0, 0, 0, 0, 26],
    );
  });

  it('reads uint8 N×H×W×C as it is, and N×H×W×1 as greyscale', async () => {
    const hwc = await write(
      'hwc.npy',
      npyBytes(
        '|u1',
        [2, 2, 1, 3],
        Uint8Array.from({ length: 12 }, (_, i) => i * 10),
      ),
    );
    const dataset = await openDataset(hwc);
    assert.deepEqual(dataset.images!.shape, { height: 2, width: 1, channels: 3 });
    assert.deepEqual([...(await dataset.images!.read(1)).pixels], [60, 70, 80, 90, 100, 110]);
    const grey = await write('grey4d.npy', npyBytes('|u1', [1, 2, 2, 1], Uint8Array.from([1, 2, 3, 4])));
    const greyDataset = await openDataset(grey);
    assert.deepEqual(greyDataset.images!.shape, { height: 2, width: 2, channels: 1 });
    assert.deepEqual(
      [...(await greyDataset.images!.read(0, 3)).pixels],
      [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4],
    );
  });

  it('reads big-endian float64 features and int16 images in 0–255', async () => {
    const big = Buffer.alloc(4 * 8);
    [1.5, -2, 3.25, 1e-3].forEach((value, i) => big.writeDoubleBE(value, 8 * i));
    const features = await openDataset(await write('big.npy', npyBytes('>f8', [2, 2], big)));
    assert.deepEqual([...features.features!.data], [1.5, -2, 3.25, Math.fround(1e-3)]);
    const shorts = await openDataset(
      await write(
        'shorts.npy',
        npyBytes('<i2', [1, 1, 3], new Uint8Array(Int16Array.from([0, 17, 255]).buffer)),
      ),
    );
    assert.deepEqual([...(await shorts.images!.read(0)).pixels], [0, 17, 255]);
  });

  it('finds <stem>_labels.npy before labels.npy, and reads string labels', async () => {
    const utf32 = Buffer.alloc(2 * 3 * 4);
    ['cat', 'ox'].forEach((word, i) =>
      [...word].forEach((c, j) => utf32.writeUInt32LE(c.codePointAt(0)!, 12 * i + 4 * j)),
    );
    await write('pets_labels.npy', npyBytes('<U3', [2], utf32));
    await write('labels.npy', npyBytes('<i8', [3], new Uint8Array(BigInt64Array.from([1n, 2n, 3n]).buffer)));
    const file = await write('pets.npy', npyBytes('<f4', [2, 1], f32([1, 2])));
    assert.deepEqual((await openDataset(file)).labels, ['cat', 'ox']);
  });

  it('refuses a labels.npy whose count differs from the samples', async () => {
    const folder = join(temp.dir, 'sub');
    await mkdir(folder);
    await writeFile(join(folder, 'labels.npy'), npyBytes('<i8', [3], new Uint8Array(24)));
    const file = join(folder, 'x.npy');
    await writeFile(file, npyBytes('<f4', [2, 1], f32([1, 2])));
    await rejectsInput(
      openDataset(file),
      join(folder, 'labels.npy'),
      /holds 3 labels but .*x\.npy holds 2 samples/,
    );
  });

  it('refuses unsupported dtypes, naming them', async () => {
    const half = await write('half.npy', npyBytes('<f2', [2, 2], new Uint8Array(8)));
    await rejectsInput(
      openDataset(half),
      half,
      /has dtype '<f2', which is not supported \(supported: bool, uint8–64, int8–64, float32, float64/,
    );
    const objects = await write('objects.npy', npyBytes('|O', [2], new Uint8Array(16)));
    await rejectsInput(openDataset(objects), objects, /dtype '\|O'.*object arrays hold Python objects/);
    const complex = await write('complex.npy', npyBytes('<c8', [2, 2], new Uint8Array(32)));
    await rejectsInput(openDataset(complex), complex, /dtype '<c8', which is not supported/);
  });

  it('refuses truncated files, bad magic and huge declared shapes', async () => {
    const whole = npyBytes('<f4', [10, 4], f32(new Array(40).fill(1)));
    const cut = await write('cut.npy', whole.subarray(0, whole.length - 8));
    await rejectsInput(
      openDataset(cut),
      cut,
      /is truncated: shape \(10, 4\) of <f4 needs 160 bytes of data but the file holds 152/,
    );
    const headerCut = await write('header-cut.npy', whole.subarray(0, 30));
    await rejectsInput(openDataset(headerCut), headerCut, /is truncated: it ends inside the \.npy header/);
    const notNpy = await write('not.npy', Buffer.from('just text, not numpy\n'));
    await rejectsInput(openDataset(notNpy), notNpy, /is not a \.npy file/);
    const huge = await write('huge.npy', npyBytes('<f8', [1000000, 1000], new Uint8Array(0)));
    await rejectsInput(
      openDataset(huge),
      huge,
      /is too large: its header declares an array of shape \(1000000, 1000\) and dtype <f8, which needs 7\.5 GiB/,
    );
  });

  it('refuses arrays that are neither images nor features', async () => {
    const oneD = await write('flat.npy', npyBytes('<i8', [3], new Uint8Array(24)));
    await rejectsInput(openDataset(oneD), oneD, /holds a 1-D array of shape \(3\).*give it with --labels/);
    const noChannel = await write('nochan.npy', npyBytes('|u1', [1, 5, 5, 5], new Uint8Array(125)));
    await rejectsInput(openDataset(noChannel), noChannel, /no channel axis of size 1 or 3/);
    const outOfRange = await write('range.npy', npyBytes('<f4', [1, 1, 2], f32([-1, 300])));
    await rejectsInput(
      openDataset(outOfRange),
      outOfRange,
      /holds pixel values from -1 to 300: images must be uint8, or floats in \[0, 1\] or \[0, 255\]/,
    );
    const fortran = await write('fortran.npy', npyBytes('<f4', [2, 2], f32([1, 2, 3, 4]), true));
    await rejectsInput(openDataset(fortran), fortran, /Fortran order.*np\.ascontiguousarray/);
  });
});
