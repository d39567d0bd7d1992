/**
 * Bad and unusual inputs for explain (src/engine/explain.ts, explainImage.ts,
 * explainGradients.ts), in the engine and through the built CLI: real image
 * files written by sharp into a temporary folder, the real fixture models.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { silentContext } from '../../../src/engine/context';
import { runExplain } from '../../../src/engine/explain';
import { npyFloat32Bytes } from '../../../src/engine/mapFiles';
import { runCli } from '../../integration/helpers';
import { expectInput, explainWith, scratchFolder } from './explainHelpers';

const FIXTURES = resolve(__dirname, '../../fixtures');
const MODEL = join(FIXTURES, 'fmnist', 'model.onnx');
const RGB_MODEL = join(FIXTURES, 'mixed-images', 'model.onnx');
const NO_GRADIENTS = join(FIXTURES, 'autodiff', 'bad', 'unsupported-op.onnx');
const PNG = join(FIXTURES, 'fmnist', 'reference', 'png', '000.png');

describe('explain: unusual and bad inputs', function () {
  this.timeout(120_000);
  const scratch = scratchFolder('margin-explain-inputs-');
  let greyPixels: Buffer;
  before(async () => {
    greyPixels = await sharp(PNG).toColourspace('b-w').raw().toBuffer();
    assert.equal(greyPixels.length, 784, 'the fixture PNG is 28×28 grey');
  });
  const explain = explainWith(scratch, MODEL, () => PNG);
  /** Writes raw pixels as a PNG; one channel is written as a greyscale PNG (sharp would otherwise store RGB). */
  const writeRaw = async (name: string, pixels: Buffer, width: number, height: number, channels: 1 | 3 | 4) => {
    const image = sharp(pixels, { raw: { width, height, channels } });
    await (channels === 1 ? image.toColourspace('b-w') : image).png().toFile(join(scratch.path, name));
    return join(scratch.path, name);
  };

  it('refuses a 1×1 image, naming the file and the size', async () => {
    const file = await writeRaw('dot.png', Buffer.from([200]), 1, 1, 1);
    await assert.rejects(explain({ input: file }), expectInput(file, /is 1×1 pixel: a side of one pixel has no shape/));
  });

  it('refuses a one-pixel-high strip too', async () => {
    const file = await writeRaw('strip.png', Buffer.alloc(40, 90), 40, 1, 1);
    await assert.rejects(explain({ input: file }), expectInput(file, /is 40×1 pixels: a side of one pixel/));
  });

  it('shrinks an image larger than 8k×8k while loading, and says so', async () => {
    // A black 8200×8200 PNG with a light 4100×4100 square in the middle: the 28×28 input keeps the square.
    const file = join(scratch.path, 'huge.png');
    const square = await sharp({ create: { width: 4100, height: 4100, channels: 3, background: '#dcdcdc' } })
      .png()
      .toBuffer();
    await sharp({ create: { width: 8200, height: 8200, channels: 3, background: '#000000' } })
      .composite([{ input: square, left: 2050, top: 2050 }])
      .removeAlpha()
      .toColourspace('b-w')
      .png({ compressionLevel: 1 })
      .toFile(file);
    const result = await explain({ input: file });
    assert.deepEqual(result.shape, [1, 28, 28]);
    assert.deepEqual(result.notices, [
      'huge.png is 8200×8200 pixels (67.2 megapixels): shrunk to 28×28 while loading ' +
        '(shorter side resized, centre cropped), never held at full size; the map is of the shrunk image',
    ]);
    assert.ok(result.map.some((v) => v !== 0));
  });

  it('says when a smaller image is resized', async () => {
    const file = join(scratch.path, 'small.png');
    await sharp(PNG).resize(14, 14).toColourspace('b-w').toFile(file);
    const result = await explain({ input: file });
    assert.match(result.notices?.[0] ?? '', /^small\.png is 14×14 pixels: resized to 28×28 \(shorter side resized/);
  });

  it('composites alpha over white (as Pillow does) and converts to grey, with notices; the result matches doing it by hand', async () => {
    // Grey colours (R = G = B = v), so the model's grey is v after compositing: round((v·a + 255·(255 − a)) / 255).
    const rgba = Buffer.alloc(784 * 4);
    const byHand = Buffer.alloc(784);
    for (let p = 0; p < 784; p++) {
      const v = greyPixels[p];
      const a = p % 28 < 14 ? 255 : (p * 7) % 256; // the left half opaque, the right half of varied alpha
      rgba.fill(v, p * 4, p * 4 + 3);
      rgba[p * 4 + 3] = a;
      byHand[p] = Math.round((v * a + 255 * (255 - a)) / 255);
    }
    const withAlpha = await writeRaw('alpha.png', rgba, 28, 28, 4);
    const flattened = await writeRaw('flattened.png', byHand, 28, 28, 1);
    const result = await explain({ input: withAlpha });
    assert.deepEqual(result.notices, [
      'alpha.png has an alpha channel: composited over white (as Pillow\'s convert("RGB") does), so transparent areas are explained as white',
      'alpha.png is colour, but model.onnx takes greyscale: converted to grey (ITU-R 601 luma, as Pillow does)',
    ]);
    const reference = await explain({ input: flattened });
    assert.equal(reference.notices, undefined, 'a 28×28 grey PNG needs nothing done');
    assert.deepEqual(result.probabilities, reference.probabilities);
    assert.deepEqual(Array.from(result.map), Array.from(reference.map));
  });

  it('expands a palette image, with a notice', async () => {
    const file = join(scratch.path, 'palette.png');
    await sharp(PNG).png({ palette: true, colours: 16 }).toFile(file);
    const meta = await sharp(file).metadata();
    assert.equal(meta.isPalette, true, 'sharp wrote an indexed PNG');
    const result = await explain({ input: file });
    assert.equal(result.notices?.[0], 'palette.png is a palette (indexed-colour) image: its colours were expanded to RGB');
    assert.deepEqual(result.shape, [1, 28, 28]);
  });

  it('converts a CMYK JPEG, with a notice', async () => {
    const file = join(scratch.path, 'cmyk.jpg');
    await sharp(PNG).toColourspace('cmyk').jpeg().toFile(file);
    assert.equal((await sharp(file).metadata()).space, 'cmyk');
    const result = await explain({ input: file });
    assert.equal(result.notices?.[0], 'cmyk.jpg is CMYK: converted to RGB by Pillow\'s formula (no colour management)');
  });

  it('converts grey for an RGB model and RGB for a grey one, with notices', async () => {
    const grey = join(scratch.path, 'grey32.png');
    await sharp(PNG).resize(32, 32).toColourspace('b-w').toFile(grey);
    const toRgb = await runExplain({ model: RGB_MODEL, input: grey, method: 'occlusion' }, silentContext, scratch.path);
    assert.deepEqual(toRgb.notices, ['grey32.png is greyscale, but model.onnx takes RGB: the grey was copied to R, G and B']);
    assert.deepEqual(toRgb.shape, [3, 32, 32]);

    const rgb = Buffer.alloc(784 * 3);
    for (let p = 0; p < 784; p++) rgb.fill(greyPixels[p], p * 3, p * 3 + 3);
    const colour = await writeRaw('rgb.png', rgb, 28, 28, 3);
    const toGrey = await explain({ input: colour });
    assert.deepEqual(toGrey.notices, [
      'rgb.png is colour, but model.onnx takes greyscale: converted to grey (ITU-R 601 luma, as Pillow does)',
    ]);
    // R = G = B: luma gives the grey back exactly, so the map is the grey PNG's.
    assert.deepEqual(Array.from(toGrey.map), Array.from((await explain({})).map));
  });

  it('a gradient method on a model without gradients names the op and offers occlusion and margin', async () => {
    const x = join(scratch.path, 'x16.npy');
    await writeFile(x, npyFloat32Bytes([1, 16, 16], Float32Array.from({ length: 256 }, (_, i) => (i % 17) / 17)));
    for (const method of ['gradient', 'ig', 'deeplift'] as const) {
      await assert.rejects(
        runExplain({ model: NO_GRADIENTS, input: x, method }, silentContext, scratch.path),
        expectInput(
          NO_GRADIENTS,
          new RegExp(
            `^has no gradients for --method ${method}: op CumSum at node "/CumSum" has no backward rule; ` +
              '--method occlusion and --method margin need no gradients and work on this model$',
          ),
        ),
      );
    }
    const occlusion = await runExplain({ model: NO_GRADIENTS, input: x, method: 'occlusion' }, silentContext, scratch.path);
    assert.ok(occlusion.map.some((v) => v !== 0));
  });

  describe('through the CLI (dist/cli.js, npm run build first)', () => {
    it('prints the notices on stderr, even with --quiet', async () => {
      const file = join(scratch.path, 'small-cli.png');
      await sharp(PNG).resize(14, 14).toColourspace('b-w').toFile(file);
      const run = runCli(['explain', '--model', MODEL, '--input', file, '--method', 'occlusion', '--quiet']);
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /^note: small-cli\.png is 14×14 pixels: resized to 28×28/m);
    });

    it('refuses a 1×1 image and a gradient method without gradients with one line each', async () => {
      const dot = await writeRaw('dot-cli.png', Buffer.from([10]), 1, 1, 1);
      const tiny = runCli(['explain', '--model', MODEL, '--input', dot, '--method', 'deeplift', '--quiet']);
      assert.equal(tiny.status, 2, tiny.stderr);
      assert.equal(tiny.stderr.trim().split('\n').length, 1);
      assert.match(tiny.stderr, new RegExp(`${dot.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: is 1×1 pixel`));

      const x = join(scratch.path, 'x16-cli.npy');
      await writeFile(x, npyFloat32Bytes([1, 16, 16], new Float32Array(256).fill(0.5)));
      const noGradients = runCli(['explain', '--model', NO_GRADIENTS, '--input', x, '--method', 'ig', '--quiet']);
      assert.equal(noGradients.status, 2, noGradients.stderr);
      assert.match(noGradients.stderr, /unsupported-op\.onnx: has no gradients for --method ig: op CumSum/);
      assert.match(noGradients.stderr, /--method occlusion and --method margin need no gradients/);
    });
  });
});
