/**
 * Images of any size and mode through the CLI: the mixed folder of real photos
 * (test/fixtures/mixed-images: sizes from 28×28 to 1280×960; RGB, grey, RGBA,
 * grey + alpha, CMYK JPEG, 16-bit PNG) scanned with a small RGB model, none
 * skipped, and the counts of what was resized and converted in the result and
 * on one line; the sidecar's `input.resize`; and the same outcome for an odd
 * image wherever it sits in the order (issue 9: one sorted first used to abort
 * the scan with exit 2, elsewhere it was skipped).
 */
import assert from 'node:assert/strict';
import { copyFileSync, cpSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ScanResult } from '../../src/protocol/engine';
import { fixtures, freshDir, runCli } from './helpers';

const mixed = join(fixtures, 'mixed-images');
const mixedModel = join(mixed, 'model.onnx');
const fmnist = join(fixtures, 'fmnist');
const fmnistModel = join(fmnist, 'model.onnx');
const NOTE = 'note: images: 28 of 31 images resized to 32×32';

function scan(args: string[], dir = freshDir()): { result: ScanResult; stderr: string } {
  const run = runCli(['scan', '--quiet', '--top', '0', '--out', 'r.json', ...args], dir);
  assert.equal(run.status, 0, run.stderr);
  return { result: JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as ScanResult, stderr: run.stderr };
}

describe('images of any size and mode (CLI)', function () {
  this.timeout(300_000);

  it('scans the mixed folder with an RGB model: none skipped, resized and converted counted', () => {
    const { result, stderr } = scan([
      '--data',
      join(mixed, 'images'),
      '--model',
      mixedModel,
      '--k',
      '5',
      '--no-cache',
    ]);
    assert.equal(result.samples.length, 31);
    assert.deepEqual(result.skipped, []);
    // Of 31 images, the three 32×32 RGB PNGs are untouched: 28 resized. Converted, per label:
    // 4 greyscale (two plain, one with alpha, one 16-bit), 2 with alpha, 1 CMYK, 2 16-bit: 7 images, 21 in all.
    assert.equal(result.metrics?.imagesResized, 28);
    assert.equal(result.metrics?.imagesConverted, 21);
    const notes = stderr.split('\n').filter((line) => line.startsWith('note: images:'));
    assert.deepEqual(notes, [
      `${NOTE} (shorter side resized, centre cropped); 21 of 31 converted ` +
        '(12 greyscale to RGB, 6 alpha over white, 3 CMYK to RGB, 6 16-bit to 8-bit)',
    ]);
  });

  it('keeps the counts when the embeddings come from the cache', () => {
    const dir = freshDir();
    const args = ['--data', join(mixed, 'images'), '--model', mixedModel];
    const first = scan([...args, '--k', '5'], dir);
    // Another k: the result is computed again, the embeddings are read from the cache.
    const second = scan([...args, '--k', '6'], dir);
    assert.equal(second.result.cached.embeddings, true);
    assert.equal(second.result.metrics?.imagesResized, first.result.metrics?.imagesResized);
    assert.equal(second.result.metrics?.imagesConverted, 21);
    assert.ok(second.stderr.includes(NOTE), second.stderr);
  });

  it('stretches instead when the sidecar says input.resize: "stretch"', () => {
    const dir = freshDir();
    copyFileSync(mixedModel, join(dir, 'model.onnx'));
    const sidecar = JSON.parse(readFileSync(join(mixed, 'model.margin.json'), 'utf8')) as {
      input: Record<string, unknown>;
    };
    sidecar.input.resize = 'stretch';
    writeFileSync(join(dir, 'model.margin.json'), JSON.stringify(sidecar));
    const { result, stderr } = scan(
      ['--data', join(mixed, 'images'), '--model', join(dir, 'model.onnx'), '--k', '5'],
      dir,
    );
    assert.deepEqual(result.skipped, []);
    assert.ok(stderr.includes(`${NOTE} (stretched)`), stderr);
  });
});

describe('an odd image has the same outcome wherever it sits in the order (CLI)', function () {
  this.timeout(300_000);
  const noisy = join(fmnist, 'noisy');
  const labels = ['Bag', 'Trouser'];

  /** 10 Fashion-MNIST PNGs of two classes, plus `odd` copied into Bag (the first label) as `name`. */
  function folder(odd: string, name: string): string {
    const root = join(freshDir(), 'data');
    for (const label of labels) {
      mkdirSync(join(root, label), { recursive: true });
      for (const file of readdirSync(join(noisy, label)).sort().slice(0, 10)) {
        copyFileSync(join(noisy, label, file), join(root, label, file));
      }
    }
    copyFileSync(odd, join(root, 'Bag', name));
    return root;
  }

  /** Scores by sample id, so that runs over two orders compare. */
  const scoresById = (result: ScanResult) =>
    new Map(result.samples.map((sample) => [sample.id, sample.score] as const));

  let oddImage: string;
  before(async () => {
    // 40×30 RGB JPEG: another size, another mode than the 28×28 greyscale model.
    oddImage = join(freshDir(), 'odd.jpg');
    await sharp(join(noisy, 'Bag', readdirSync(join(noisy, 'Bag')).sort()[0]))
      .resize(40, 30, { fit: 'fill' })
      .toColourspace('srgb')
      .jpeg()
      .toFile(oddImage);
  });

  for (const model of [fmnistModel, undefined]) {
    const using = model ? 'with a model' : 'without a model (pixels)';

    it(`an image of another size and mode is brought to the common size, first or last (${using})`, () => {
      const runs = ['0-odd.jpg', 'z-odd.jpg'].map((name) =>
        scan([
          '--data',
          folder(oddImage, name),
          '--k',
          '5',
          '--no-cache',
          ...(model ? ['--model', model] : []),
        ]),
      );
      for (const [i, { result, stderr }] of runs.entries()) {
        assert.equal(result.samples.length, 21, `run ${i}`);
        assert.deepEqual(result.skipped, [], `run ${i}`);
        assert.equal(result.metrics?.imagesResized, 1, `run ${i}`);
        assert.equal(result.metrics?.imagesConverted, 1, `run ${i}`);
        assert.match(
          stderr,
          /^note: data: 1 of 21 images resized to 28×28 .*1 of 21 converted \(1 RGB to greyscale\)$/m,
        );
      }
      if (model) {
        // Same images, same embeddings: the same score for every sample, whichever order they came in.
        const [a, b] = runs.map(({ result }) => scoresById(result));
        for (const [id, score] of a) {
          const other = b.get(id.replace('0-odd', 'z-odd')) ?? NaN;
          assert.ok(Math.abs(score - other) < 1e-6, `${id}: ${score} vs ${other}`);
        }
      }
    });

    it(`an undecodable image is skipped and reported, first or last (${using})`, () => {
      const broken = join(fixtures, 'bad', 'broken-images', 'Bag', 'broken.png');
      for (const name of ['0-broken.png', 'z-broken.png']) {
        const { result, stderr } = scan([
          '--data',
          folder(broken, name),
          '--k',
          '5',
          '--no-cache',
          ...(model ? ['--model', model] : []),
        ]);
        assert.equal(result.samples.length, 20, name);
        assert.equal(result.skipped.length, 1, name);
        assert.ok(result.skipped[0].file.endsWith(join('Bag', name)), result.skipped[0].file);
        assert.match(result.skipped[0].problem, /cannot be decoded as an image/);
        assert.ok(stderr.includes(`skipped ${result.skipped[0].file}`), stderr);
      }
    });
  }

  it('a folder where no image can be read fails in the same way, whatever the order', () => {
    const root = join(freshDir(), 'data');
    mkdirSync(join(root, 'Bag'), { recursive: true });
    cpSync(join(fixtures, 'bad', 'broken-images', 'Bag', 'broken.png'), join(root, 'Bag', 'a.png'));
    cpSync(join(fixtures, 'bad', 'broken-images', 'Bag', 'broken.png'), join(root, 'Bag', 'b.png'));
    const run = runCli(['scan', '--quiet', '--data', root, '--model', fmnistModel, '--no-cache']);
    assert.equal(run.status, 2, run.stderr);
    assert.match(
      run.stderr.trim(),
      /a\.png: no image could be read, so there is nothing to scan \(the first, .*a\.png, cannot be decoded/,
    );
  });
});
