/**
 * margin scan --task prototypes end to end (built CLI, real fixture images,
 * the real fixture model): the result carries best-first `prototypes` and
 * `criticisms`, and their prefixes are checked independently of the code that
 * chose them: the first ten cover the ten classes, and a 1-nearest-neighbour
 * classifier holding the first m prototypes labels the fixture's other images
 * (raw pixels decoded here with sharp, true labels from noisy-truth.csv)
 * better than one holding m random picks.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import type { ScanResult } from '../../src/protocol/engine';
import { fixtures, freshDir, readCsv, runCli } from './helpers';

const fmnist = join(fixtures, 'fmnist');
const noisy = join(fmnist, 'noisy');
const model = join(fmnist, 'model.onnx');

function scan(args: string[]): ScanResult {
  const dir = freshDir();
  const out = join(dir, 'r.json');
  const run = runCli(['scan', '--task', 'prototypes', ...args, '--out', out, '--quiet', '--no-cache'], dir);
  assert.equal(run.status, 0, `margin scan failed: ${run.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8')) as ScanResult;
}

interface Images {
  pixels: Float32Array[];
  given: string[];
  truth: string[];
}

/** Every image of the noisy set in the result's dataset order, decoded independently of src/data. */
async function imagesOf(result: ScanResult): Promise<Images> {
  const truth = new Map(readCsv(join(fmnist, 'noisy-truth.csv')).map((row) => [row.id, row.true_label]));
  const byIndex = [...result.samples].sort((a, b) => a.index - b.index);
  const pixels = await Promise.all(
    byIndex.map(async (sample) => {
      const raw = await sharp(sample.path!).greyscale().raw().toBuffer();
      return Float32Array.from(raw, (v) => v / 255);
    }),
  );
  return {
    pixels,
    given: byIndex.map((sample) => sample.id.split('/')[0]),
    truth: byIndex.map((sample) => truth.get(sample.id)!),
  };
}

/** Accuracy of 1-NN (given labels of `held`) on every image not in `held`, against the true labels. */
function oneNnAccuracy(images: Images, held: number[]): number {
  const heldSet = new Set(held);
  let right = 0;
  let total = 0;
  images.pixels.forEach((x, i) => {
    if (heldSet.has(i)) return;
    let best = -1;
    let bestD = Infinity;
    for (const p of held) {
      let d = 0;
      const y = images.pixels[p];
      for (let c = 0; c < x.length; c++) d += (x[c] - y[c]) ** 2;
      if (d < bestD) [bestD, best] = [d, p];
    }
    total++;
    if (images.given[best] === images.truth[i]) right++;
  });
  return right / total;
}

/** Mean 1-NN accuracy of m random picks over 20 seeded draws. */
function randomAccuracy(images: Images, m: number): number {
  let seed = 17;
  const uniform = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  let sum = 0;
  for (let draw = 0; draw < 20; draw++) {
    const order = images.pixels.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(uniform() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    sum += oneNnAccuracy(images, order.slice(0, m));
  }
  return sum / 20;
}

function checkLists(result: ScanResult, count: number): void {
  assert.equal(result.task, 'prototypes');
  assert.equal(result.prototypes!.length, count);
  assert.equal(result.criticisms!.length, count);
  const all = [...result.prototypes!, ...result.criticisms!];
  assert.equal(new Set(all).size, 2 * count, 'prototypes and criticisms are distinct samples');
  assert.ok(all.every((index) => Number.isInteger(index) && index >= 0 && index < 1000));
  const byIndex = new Map(result.samples.map((sample) => [sample.index, sample]));
  result.prototypes!.forEach((index, place) => {
    assert.equal(byIndex.get(index)!.role, 'prototype');
    assert.equal(byIndex.get(index)!.place, place + 1);
  });
  // The first ten prototypes: one of each of the ten (given) classes.
  const firstTen = result.prototypes!.slice(0, 10).map((index) => byIndex.get(index)!.label);
  assert.equal(new Set(firstTen).size, 10, `first ten prototypes: ${firstTen.join(', ')}`);
  // Ranked by score, higher = more deserving of a look: prototypes sit below the criticisms.
  const rank = (index: number) => byIndex.get(index)!.rank;
  const meanRank = (list: number[]) => list.reduce((sum, index) => sum + rank(index), 0) / list.length;
  assert.ok(meanRank(result.criticisms!) < meanRank(result.prototypes!));
}

describe('margin scan --task prototypes (CLI)', function () {
  this.timeout(300_000);
  let images: Images | undefined;

  for (const withModel of [false, true]) {
    it(`lists best-first prototypes whose every prefix beats random picks at 1-NN (${withModel ? 'fixture model' : 'pixels, no model'})`, async () => {
      const result = scan(['--data', noisy, ...(withModel ? ['--model', model] : [])]);
      assert.equal(result.scorer, 'contrastive', 'auto is the contrastive scorer');
      checkLists(result, 50);
      images ??= await imagesOf(result);
      for (const m of [10, 20, 50]) {
        const chosen = oneNnAccuracy(images, result.prototypes!.slice(0, m));
        const random = randomAccuracy(images, m);
        console.log(
          `      first ${m} prototypes: 1-NN accuracy ${chosen.toFixed(3)}, random picks ${random.toFixed(3)}`,
        );
        assert.ok(chosen > random + 0.03, `m = ${m}: ${chosen} vs random ${random}`);
      }
      // Criticisms are what the prototypes do not cover: a classifier built on them does worse.
      const critics = oneNnAccuracy(images, result.criticisms!);
      assert.ok(critics < oneNnAccuracy(images, result.prototypes!), `criticisms ${critics}`);
    });
  }

  it('runs every scorer by name, each with its own lists', () => {
    const seen = new Set<string>();
    for (const scorer of ['contrastive', 'facility-location', 'mmd-critic', 'margin']) {
      const result = scan(['--data', noisy, '--model', model, '--scorer', scorer, '--count', '20']);
      assert.equal(result.scorer, scorer);
      assert.equal(result.prototypes!.length, 20);
      assert.equal(result.criticisms!.length, 20);
      seen.add(result.prototypes!.join(','));
    }
    assert.ok(seen.size >= 3, 'the scorers do not all pick the same prototypes');
  });

  it('writes the role columns to the CSV', () => {
    const dir = freshDir();
    const out = join(dir, 'r.csv');
    const run = runCli(
      [
        'scan',
        '--task',
        'prototypes',
        '--data',
        noisy,
        '--model',
        model,
        '--count',
        '5',
        '--out',
        out,
        '--quiet',
      ],
      dir,
    );
    assert.equal(run.status, 0, run.stderr);
    const rows = readCsv(out);
    assert.equal(rows.length, 1000);
    assert.deepEqual(Object.keys(rows[0]), [
      'rank',
      'index',
      'id',
      'path',
      'label',
      'role',
      'place',
      'nearestPrototype',
      'coverage',
      'score',
    ]);
    assert.equal(rows.filter((row) => row.role === 'prototype').length, 5);
    assert.equal(rows.filter((row) => row.role === 'criticism').length, 5);
  });

  it('without labels: one global set, with a notice', () => {
    // The fixture images.npy alone, without the labels.npy that sits beside it.
    const dir = freshDir();
    copyFileSync(join(fmnist, 'npy', 'images.npy'), join(dir, 'images.npy'));
    const result = scan(['--data', join(dir, 'images.npy'), '--count', '10']);
    assert.equal(result.prototypes!.length, 10);
    assert.ok(
      result.notices!.some((notice) => /no labels/.test(notice)),
      JSON.stringify(result.notices),
    );
  });

  it('one class only: works, with a notice', () => {
    const dir = freshDir();
    const labels = join(dir, 'one-class.txt');
    writeFileSync(labels, 'Bag\n'.repeat(100));
    const result = scan([
      '--data',
      join(fmnist, 'manifest-no-label.csv'),
      '--labels',
      labels,
      '--count',
      '10',
    ]);
    assert.equal(result.prototypes!.length, 10);
    assert.equal(result.criticisms!.length, 10);
    assert.ok(
      result.notices!.some((notice) => /one class only \(Bag\)/.test(notice)),
      JSON.stringify(result.notices),
    );
  });

  it('refuses more prototypes than samples: exit 2, one line naming --count and both numbers', () => {
    const run = runCli([
      'scan',
      '--task',
      'prototypes',
      '--data',
      join(fmnist, 'manifest.csv'),
      '--count',
      '101',
      '--no-cache',
    ]);
    assert.equal(run.status, 2);
    const last = run.stderr.trim().split('\n').pop()!;
    assert.match(last, /--count.*101.*100/);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  });

  it('refuses --count 0 and an unknown scorer by name', () => {
    const zero = runCli(['scan', '--task', 'prototypes', '--data', noisy, '--count', '0']);
    assert.equal(zero.status, 2);
    assert.match(zero.stderr.trim().split('\n').pop()!, /--count/);
    const unknown = runCli(['scan', '--task', 'prototypes', '--data', noisy, '--scorer', 'kmeans']);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr.trim().split('\n').pop()!, /--scorer.*contrastive.*kmeans/);
  });
});
