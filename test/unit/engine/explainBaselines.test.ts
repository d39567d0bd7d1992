/**
 * Baselines through runExplain (src/engine/explain.ts, explainBaseline.ts): the
 * defaults each method gets, black read in pixel space, models without pixels,
 * and the PNG's original panel against the input image.
 */
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { isInputError } from '../../../src/core/errors';
import { silentContext } from '../../../src/engine/context';
import { runExplain } from '../../../src/engine/explain';
import { pngLayout } from '../../../src/engine/mapFiles';
import { explainWith, scratchFolder } from './explainHelpers';

const FIXTURES = resolve(__dirname, '../../fixtures');
const MODEL = join(FIXTURES, 'fmnist', 'model.onnx');
const PNG = join(FIXTURES, 'fmnist', 'reference', 'png', '000.png');
const WINE_MODEL = join(FIXTURES, 'tabular', 'wine-mlp.onnx');
const WINE = join(FIXTURES, 'tabular', 'wine.csv');

describe('explain: baselines', function () {
  this.timeout(120_000);
  const scratch = scratchFolder('margin-explain-baselines-');
  let pixels: Buffer;
  before(async () => {
    pixels = await sharp(PNG).toColourspace('b-w').raw().toBuffer();
  });
  const explain = explainWith(scratch, MODEL, () => PNG);

  it('gives each method its default on an image model, and says which', async () => {
    assert.equal((await explain({ method: 'ig', options: { steps: 8 } })).baseline, 'blur');
    assert.equal((await explain({ method: 'deeplift' })).baseline, 'zeros');
    assert.equal((await explain({ method: 'occlusion' })).baseline, 'mean');
    assert.equal((await explain({ method: 'gradient' })).baseline, undefined, 'the gradient takes no reference');
  });

  for (const method of ['deeplift', 'ig'] as const) {
    it(`${method} against black gives black pixels exactly nothing (x − x0 = 0 there), and the object something`, async () => {
      const result = await explain({ method, options: { baseline: 'black', steps: 16 } });
      assert.equal(result.baseline, 'black');
      let black = 0;
      for (let p = 0; p < 784; p++) {
        if (pixels[p] !== 0) continue;
        black++;
        assert.ok(result.map[p] === 0, `pixel ${p} is black, its attribution ${result.map[p]}`);
      }
      assert.ok(black > 100, `the fixture has a black background (${black} pixels)`);
      assert.ok(result.map.some((v, p) => pixels[p] > 0 && v !== 0));
      // Against zeros (a mid grey), the black background does get attribution: that is what black changes.
      const grey = await explain({ method, options: { baseline: 'zeros', steps: 16 } });
      assert.ok(grey.map.some((v, p) => pixels[p] === 0 && v !== 0));
    });
  }

  it('occlusion against black: a patch over black background changes nothing', async () => {
    // Patch 4, stride 4: the patches tile the image, so each pixel's score is its own patch's drop.
    const result = await explain({ options: { baseline: 'black', patch: 4, stride: 4 } });
    for (let y0 = 0; y0 < 28; y0 += 4) {
      for (let x0 = 0; x0 < 28; x0 += 4) {
        let allBlack = true;
        for (let y = y0; y < y0 + 4; y++) for (let x = x0; x < x0 + 4; x++) allBlack &&= pixels[y * 28 + x] === 0;
        if (allBlack) assert.equal(result.map[y0 * 28 + x0], 0, `patch at (${x0}, ${y0})`);
      }
    }
  });

  it('a table row has no pixels: black is refused naming --baseline, zeros is the default', async () => {
    const row = { model: WINE_MODEL, input: WINE, row: 3 };
    await assert.rejects(
      runExplain({ ...row, method: 'deeplift', options: { baseline: 'black' } }, silentContext, scratch.path),
      (error: unknown) =>
        isInputError(error) &&
        (error as { parameter?: string }).parameter === 'baseline' &&
        /no pixels/.test((error as Error).message),
    );
    const result = await runExplain({ ...row, method: 'deeplift' }, silentContext, scratch.path);
    assert.equal(result.baseline, 'zeros');
    assert.equal(result.map.length, 13);
  });

  it('refuses an unknown baseline naming --baseline', async () => {
    await assert.rejects(
      explain({ options: { baseline: 'white' as never } }),
      /--baseline: must be one of black, blur, mean, zeros, got "white"/,
    );
  });

  it('the PNG shows the input image itself beside the overlay', async () => {
    const out = join(scratch.path, 'map.png');
    await explain({ method: 'deeplift', out: [out] });
    const { data, info } = await sharp(out).raw().toBuffer({ resolveWithObject: true });
    const place = pngLayout(28, 28);
    assert.equal(place.scale, 8);
    assert.deepEqual([info.width, info.height], [place.width, place.height]);
    for (let p = 0; p < 784; p++) {
      const x = place.original.left + (p % 28) * 8 + 4;
      const y = place.original.top + Math.floor(p / 28) * 8 + 4;
      const at = (y * info.width + x) * info.channels;
      assert.deepEqual(Array.from(data.subarray(at, at + 3)), [pixels[p], pixels[p], pixels[p]], `pixel ${p}`);
    }
  });
});
