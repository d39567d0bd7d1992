import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ScanResult } from '../../src/protocol/engine';
import { seededUniform } from '../../src/core/random';
import { fixtures, freshDir, readCsv, runCli } from './helpers';

/**
 * The acquire task through the built CLI (`npm run build` first), on manifests
 * under test/fixtures/acquire/ (made by make-manifests.mjs there) that point at
 * the 1,000 fixture images of fmnist/noisy/ with most labels blank.
 */
const acquireFixtures = join(fixtures, 'acquire');
const model = join(fixtures, 'fmnist', 'model.onnx');
const partly = join(acquireFixtures, 'partly-labelled.csv');

/** True label of every image, by absolute path. */
const truthByPath = new Map(
  readCsv(join(fixtures, 'fmnist', 'noisy-truth.csv')).map((row) => [
    resolve(fixtures, 'fmnist', 'noisy', row.id),
    row.true_label,
  ]),
);

interface ManifestRow {
  path: string;
  label: string;
}

/** The rows of a fixture manifest, with absolute paths. */
function readManifest(file: string): ManifestRow[] {
  return readCsv(file).map((row) => ({ path: resolve(acquireFixtures, row.path), label: row.label }));
}

function writeManifest(rows: ManifestRow[]): string {
  const file = join(freshDir('acquire-manifest-'), 'manifest.csv');
  writeFileSync(file, ['path,label', ...rows.map((row) => `${row.path},${row.label}`)].join('\n') + '\n');
  return file;
}

function scan(args: string[]): { result: ScanResult; stderr: string } {
  const cwd = freshDir();
  const run = runCli(['scan', '--task', 'acquire', ...args, '--out', 'result.json'], cwd);
  assert.equal(run.status, 0, run.stderr);
  return {
    result: JSON.parse(readFileSync(join(cwd, 'result.json'), 'utf8')) as ScanResult,
    stderr: run.stderr,
  };
}

function failingScan(args: string[]): string {
  const run = runCli(['scan', '--task', 'acquire', ...args]);
  assert.equal(run.status, 2, `expected exit code 2, got ${run.status}: ${run.stderr}`);
  assert.ok(!/\n\s+at /.test(run.stderr), `stack trace on stderr: ${run.stderr}`);
  return run.stderr.trim().split('\n').at(-1)!;
}

/**
 * Label a batch (fill in the true labels of `batch` paths), scan again, and
 * measure the suggested labels against the truth on `judged` paths.
 */
function accuracyAfterLabelling(rows: ManifestRow[], batch: Set<string>, judged: Set<string>): number {
  const labelledRows = rows.map((row) =>
    batch.has(row.path) ? { ...row, label: truthByPath.get(row.path)! } : row,
  );
  const { result } = scan(['--data', writeManifest(labelledRows), '--model', model, '--scorer', 'random']);
  let right = 0;
  let total = 0;
  for (const sample of result.samples) {
    if (!judged.has(sample.path!)) continue;
    total++;
    if (sample.suggested === truthByPath.get(sample.path!)) right++;
  }
  assert.equal(total, judged.size);
  return right / total;
}

describe('acquire task through the CLI', () => {
  const rows = readManifest(partly);
  const unlabelledPaths = rows.filter((row) => row.label === '').map((row) => row.path);

  it('ranks only the unlabelled samples and marks the first --count as the batch', () => {
    const { result } = scan(['--data', partly, '--model', model, '--count', '40']);
    assert.equal(result.task, 'acquire');
    assert.equal(result.scorer, 'nearest-label');
    assert.equal(result.samples.length, unlabelledPaths.length);
    assert.deepEqual(new Set(result.samples.map((sample) => sample.path)), new Set(unlabelledPaths));
    assert.deepEqual(
      result.samples.map((sample) => sample.batch === 'yes'),
      result.samples.map((_, position) => position < 40),
    );
    assert.equal(result.metrics?.batch, 40);
    assert.equal(result.metrics?.labelled, 30);
    // Every suggestion is one of the given classes, with a probability.
    const classes = new Set(rows.filter((row) => row.label !== '').map((row) => row.label));
    for (const sample of result.samples) {
      assert.ok(classes.has(String(sample.suggested)), `suggested ${sample.suggested}`);
      assert.ok(Number(sample.confidence) > 0 && Number(sample.confidence) <= 1);
    }
  });

  it('the top batch teaches label spreading more than seeded random batches of the same size', () => {
    const q = 30;
    const { result } = scan(['--data', partly, '--model', model, '--count', String(q)]);
    const top = new Set(result.samples.slice(0, q).map((sample) => sample.path!));
    const randomBatches = [1, 2, 3, 4, 5].map((seed) => {
      const uniform = seededUniform(seed);
      const shuffled = [...unlabelledPaths];
      for (let i = shuffled.length - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
      }
      return new Set(shuffled.slice(0, q));
    });
    // Judge every batch on the same samples: those no batch labels.
    const judged = new Set(
      unlabelledPaths.filter((path) => !top.has(path) && randomBatches.every((batch) => !batch.has(path))),
    );
    const before = accuracyAfterLabelling(rows, new Set(), judged);
    const withTop = accuracyAfterLabelling(rows, top, judged);
    const withRandom = randomBatches.map((batch) => accuracyAfterLabelling(rows, batch, judged));
    const randomMean = withRandom.reduce((sum, value) => sum + value, 0) / withRandom.length;
    const figures = `top ${withTop.toFixed(3)}, random ${withRandom.map((value) => value.toFixed(3)).join(' ')}, before ${before.toFixed(3)}`;
    assert.ok(withTop > randomMean, figures);
    assert.ok(withTop > before, figures);
  });

  it('reaches every scorer with --scorer', () => {
    for (const scorer of [
      'nearest-label',
      'facility',
      'coverage',
      'margin',
      'uncertainty-density',
      'uncertainty',
      'degree',
      'random',
    ]) {
      const { result } = scan(['--data', partly, '--model', model, '--scorer', scorer, '--count', '10']);
      assert.equal(result.scorer, scorer);
      assert.equal(result.samples.length, unlabelledPaths.length);
      assert.equal(result.samples.filter((sample) => sample.batch === 'yes').length, 10);
    }
  });

  it('works without a model, and clamps --count to the unlabelled samples with a notice', () => {
    const { result } = scan(['--data', join(acquireFixtures, 'few-unlabelled.csv'), '--count', '10']);
    assert.equal(result.samples.length, 5);
    assert.ok(result.samples.every((sample) => sample.batch === 'yes'));
    assert.ok(
      result.notices?.some((notice) => /--count 10 is more than the 5 unlabelled samples/.test(notice)),
      String(result.notices),
    );
  });

  it('ranks exact duplicates after the samples that still add coverage, with a notice', () => {
    const file = join(acquireFixtures, 'duplicates.csv');
    const { result } = scan(['--data', file, '--model', model, '--k', '5']);
    assert.ok(
      result.notices?.some((notice) => /have an exact duplicate/.test(notice)),
      String(result.notices),
    );
    // A duplicated file appears twice; its second copy comes after every sample seen once.
    const positions = new Map<string, number[]>();
    result.samples.forEach((sample, position) =>
      positions.set(sample.path!, [...(positions.get(sample.path!) ?? []), position]),
    );
    const pairs = [...positions.values()].filter((list) => list.length === 2);
    assert.equal(pairs.length, 10);
    const lastSingle = Math.max(
      ...[...positions.values()].filter((list) => list.length === 1).map((list) => list[0]),
    );
    for (const [, second] of pairs)
      assert.ok(second > lastSingle, `a duplicate at ${second}, a single sample at ${lastSingle}`);
  });

  it('bad input: no labelled sample, no unlabelled sample, one class only', () => {
    const none = failingScan(['--data', join(acquireFixtures, 'none-labelled.csv'), '--model', model]);
    assert.match(none, /none-labelled\.csv.*has no labelled sample/);
    const all = failingScan(['--data', join(fixtures, 'fmnist', 'manifest.csv'), '--model', model]);
    assert.match(all, /manifest\.csv.*every one of its 100 samples is labelled/);
    const one = failingScan(['--data', join(acquireFixtures, 'one-class.csv'), '--model', model]);
    assert.match(one, /one-class\.csv.*all 4 labelled samples are "Bag"/);
  });

  it('bad input: a k the data cannot support', () => {
    assert.match(
      failingScan(['--data', join(acquireFixtures, 'few-unlabelled.csv'), '--model', model, '--k', '40']),
      /--k/,
    );
  });
});
