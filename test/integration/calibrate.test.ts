/**
 * `margin calibrate` end to end on the fixture manifest (100 Fashion-MNIST test
 * images) with the PyTorch-trained model: every scorer of the labels registry,
 * recall checked against independent scans of the same flipped labels, the
 * recommendation stored and then used by `scan --scorer auto` (not after the
 * model's bytes change), the cache, and bad input.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawLabelFlips } from '../../src/engine/calibrate/flipLabels';
import { findTask } from '../../src/engine/tasks';
import type { CalibrationResult, ScanResult } from '../../src/protocol/engine';
import { fixtures, freshDir, readCsv, runCli } from './helpers';

const fmnist = join(fixtures, 'fmnist');
const manifest = join(fmnist, 'manifest.csv');
const model = join(fmnist, 'model.onnx');
const labelsTask = findTask('labels');
const FRACTIONS = [0.05, 0.1, 0.2, 0.3];

function calibrate(args: string[], cwd: string): CalibrationResult {
  const run = runCli(['calibrate', ...args, '--json', '--quiet'], cwd);
  assert.equal(run.status, 0, `margin calibrate failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as CalibrationResult;
}

function scan(args: string[], cwd: string): ScanResult {
  const out = join(cwd, `scan-${Math.random().toString(36).slice(2)}.json`);
  const run = runCli(['scan', '--task', 'labels', ...args, '--out', out, '--quiet'], cwd);
  assert.equal(run.status, 0, `margin scan failed: ${run.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8')) as ScanResult;
}

function failure(args: string[]): string {
  const run = runCli(['calibrate', ...args]);
  assert.equal(run.status, 2, `expected exit 2, got ${run.status}: ${run.stderr}`);
  const lines = run.stderr.trim().split('\n');
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  return lines[lines.length - 1];
}

describe('margin calibrate (CLI)', function () {
  this.timeout(600_000);
  const dir = freshDir('margin-calibrate-');
  let first: CalibrationResult;

  before(() => {
    first = calibrate(['--data', manifest, '--model', model], dir);
  });

  it('reports every scorer of the labels task, with recall in [0, 1] over 3 seeds', () => {
    assert.deepEqual(
      first.scorers.map((entry) => entry.scorer),
      labelsTask.scorers.map((scorer) => scorer.name),
    );
    assert.equal(first.labelled, 100);
    assert.equal(first.flips, 10, '10% of 100 labels');
    assert.deepEqual(first.seeds, [1, 2, 3]);
    assert.deepEqual(first.fractions, FRACTIONS);
    for (const entry of first.scorers) {
      const spec = labelsTask.scorers.find((scorer) => scorer.name === entry.scorer)!;
      // With a model given, only a scorer that needs a reference set cannot run.
      assert.equal(entry.unavailable !== undefined, spec.needs?.reference === true, entry.scorer);
      if (entry.unavailable) continue;
      assert.deepEqual(
        entry.recall.map((cell) => cell.fraction),
        FRACTIONS,
      );
      for (const cell of entry.recall) {
        assert.equal(cell.perSeed.length, 3);
        for (const value of cell.perSeed) {
          assert.ok(value >= 0 && value <= 1, `${entry.scorer}: recall ${value}`);
          assert.ok(Math.abs(value * 10 - Math.round(value * 10)) < 1e-9, 'recall is hits / 10 flips');
        }
        const mean = cell.perSeed.reduce((a, b) => a + b, 0) / 3;
        const sd = Math.sqrt(cell.perSeed.reduce((a, b) => a + (b - mean) ** 2, 0) / 2);
        assert.ok(Math.abs(cell.mean - mean) < 1e-12 && Math.abs(cell.sd - sd) < 1e-12);
      }
      for (let f = 1; f < FRACTIONS.length; f++)
        for (let s = 0; s < 3; s++)
          assert.ok(
            entry.recall[f].perSeed[s] >= entry.recall[f - 1].perSeed[s],
            'recall grows with the cut',
          );
      console.log(
        `      ${entry.scorer}: recall@10% ${entry.recall[1].mean.toFixed(3)} ± ${entry.recall[1].sd.toFixed(3)}`,
      );
    }
    assert.equal(first.cached.embeddings, false, 'the first run computes the embeddings');
  });

  it("each seed's recall equals a plain scan of the same flipped labels, counted by hand", () => {
    // The manifest with seed 2's labels: classes are the sorted label names, rows in manifest order.
    const rows = readCsv(manifest);
    const names = [...new Set(rows.map((row) => row.label))].sort();
    const codes = Int32Array.from(rows, (row) => names.indexOf(row.label));
    const flips = drawLabelFlips(codes, names.length, 0.1, 2);
    const flipped = new Set(flips.rows);
    const noisy = join(dir, 'seed-2.csv');
    writeFileSync(
      noisy,
      'path,label\n' +
        rows.map((row, i) => `${join(fmnist, row.path)},${names[flips.codes[i]]}`).join('\n') +
        '\n',
    );
    for (const entry of first.scorers.filter((candidate) => !candidate.unavailable)) {
      const result = scan(['--data', noisy, '--model', model, '--scorer', entry.scorer], freshDir());
      assert.equal(result.samples.length, 100);
      FRACTIONS.forEach((fraction, f) => {
        const top = result.samples.slice(0, Math.ceil(fraction * 100 - 1e-9));
        const found = top.filter((sample) => flipped.has(sample.index)).length;
        assert.equal(entry.recall[f].perSeed[1], found / 10, `${entry.scorer} at ${fraction}`);
      });
    }
  });

  it('stores the best mean recall@10% (ties: recall@30%), and scan --scorer auto uses it with a notice', () => {
    const available = first.scorers.filter((entry) => !entry.unavailable);
    const best = available.reduce((a, b) =>
      b.recall[1].mean > a.recall[1].mean + 1e-9 ||
      (Math.abs(b.recall[1].mean - a.recall[1].mean) <= 1e-9 && b.recall[3].mean > a.recall[3].mean + 1e-9)
        ? b
        : a,
    );
    assert.equal(first.recommended, best.scorer);
    assert.equal(first.recommendationFile.startsWith(join(dir, '.margin', 'calibration')), true);
    const stored = JSON.parse(readFileSync(first.recommendationFile, 'utf8')) as { scorer: string };
    assert.equal(stored.scorer, first.recommended);
    assert.deepEqual(
      readdirSync(join(dir, '.margin', 'calibration')).filter((name) => name.endsWith('.tmp')),
      [],
      'no temporary file left behind',
    );

    for (const scorerArgs of [['--scorer', 'auto'], []]) {
      const result = scan(['--data', manifest, '--model', model, ...scorerArgs], dir);
      assert.equal(result.scorer, first.recommended);
      assert.match(result.notices![0], new RegExp(`^scorer ${first.recommended} chosen by calibration`));
    }
    const explicit = scan(['--data', manifest, '--model', model, '--scorer', labelsTask.defaultScorer], dir);
    assert.equal(explicit.scorer, labelsTask.defaultScorer);
    assert.ok(!explicit.notices!.some((notice) => /calibration/.test(notice)), 'an explicit scorer wins');

    // Another dataset (same images, labels from another file) or no model: not this calibration.
    const other = scan(['--data', manifest, '--scorer', 'auto'], dir);
    assert.equal(other.scorer, labelsTask.defaultScorer);
    assert.ok(!other.notices!.some((notice) => /calibration/.test(notice)));
  });

  it('scan --scorer auto follows the stored file, and ignores one it cannot use, saying so', () => {
    const file = first.recommendationFile;
    const original = readFileSync(file, 'utf8');
    const stored = JSON.parse(original) as { scorer: string };
    const edited = (change: object | string) =>
      writeFileSync(file, typeof change === 'string' ? change : JSON.stringify({ ...stored, ...change }));
    try {
      // Any scorer the labels task can run on this data, named in the file, is what auto means here.
      for (const scorer of labelsTask.scorers.filter((spec) => !spec.needs?.reference)) {
        edited({ scorer: scorer.name });
        assert.equal(scan(['--data', manifest, '--model', model], dir).scorer, scorer.name);
      }
      edited({ scorer: 'no-such-scorer' });
      let result = scan(['--data', manifest, '--model', model], dir);
      assert.equal(result.scorer, labelsTask.defaultScorer);
      assert.match(result.notices![0], /"no-such-scorer": the labels task has no such scorer/);
      for (const broken of ['{"scorer": 5}', 'not json at all', '{"version": 99}']) {
        edited(broken);
        result = scan(['--data', manifest, '--model', model], dir);
        assert.equal(result.scorer, labelsTask.defaultScorer);
        assert.match(result.notices![0], /^ignored .*calibration.*run margin calibrate again/);
      }
    } finally {
      writeFileSync(file, original);
    }
  });

  it('a model re-exported over itself (other bytes, same path) does not inherit the old choice', () => {
    const work = freshDir('margin-calibrate-model-');
    const copy = join(work, 'm.onnx');
    copyFileSync(model, copy);
    copyFileSync(join(fmnist, 'model.margin.json'), join(work, 'm.margin.json'));
    const calibrated = calibrate(['--data', manifest, '--model', copy, '--seeds', '1'], work);
    const before = scan(['--data', manifest, '--model', copy, '--scorer', 'auto'], work);
    assert.equal(before.scorer, calibrated.recommended);
    assert.match(before.notices![0], /chosen by calibration/);
    // The same network exported with a fixed batch of 4: same sidecar, other bytes.
    copyFileSync(join(fixtures, 'fixed-batch', 'model-batch4.onnx'), copy);
    const after = scan(['--data', manifest, '--model', copy, '--scorer', 'auto'], work);
    assert.equal(after.scorer, labelsTask.defaultScorer);
    assert.match(
      after.notices![0],
      /^ignored the calibration file \.margin\/calibration\/[0-9a-f]{64}\.json \(m\.onnx has changed since it was calibrated\); run margin calibrate again$/,
    );
  });

  it('a second calibrate reads the embeddings from the cache and gives the same table', () => {
    const second = calibrate(['--data', manifest, '--model', model], dir);
    assert.equal(second.cached.embeddings, true);
    assert.ok(second.notices.some((notice) => /embeddings read from the cache/.test(notice)));
    assert.deepEqual(second.scorers, first.scorers);
    assert.equal(second.recommended, first.recommended);
  });

  it('prints the table: one row per scorer, the recommended one marked', () => {
    const run = runCli(['calibrate', '--data', manifest, '--model', model, '--seeds', '1', '--quiet'], dir);
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.match(lines[0], /10 of 100 labels flipped \(10%\), 1 seed, k = 20/);
    assert.match(lines[1], /^scorer\s+recall@5%\s+recall@10%\s+recall@20%\s+recall@30%$/);
    assert.equal(lines.length, 2 + labelsTask.scorers.length);
    assert.equal(lines.filter((line) => line.endsWith('← recommended')).length, 1);
    for (const line of lines.slice(2))
      assert.match(line, /^\S+\s+(\d\.\d{3} ± 0\.000\s+){3}\d\.\d{3} ± 0\.000|unavailable/);
  });

  it('without a model: the scorers that need one are reported unavailable, the others run', () => {
    const result = calibrate(['--data', join(fmnist, 'npy', 'features.npy'), '--seeds', '2'], freshDir());
    assert.equal(result.labelled, 200);
    assert.equal(result.flips, 20);
    for (const entry of result.scorers) {
      const spec = labelsTask.scorers.find((scorer) => scorer.name === entry.scorer)!;
      const cannot = spec.needs?.model === true || spec.needs?.reference === true;
      assert.equal(entry.unavailable !== undefined, cannot, entry.scorer);
      if (!cannot) assert.equal(entry.recall[0].perSeed.length, 2);
    }
    assert.ok(!labelsTask.scorers.find((scorer) => scorer.name === result.recommended)!.needs?.model);
  });

  it('refuses data without labels, a single class, and a fraction or seed count out of range', () => {
    assert.match(
      failure(['--data', join(fmnist, 'manifest-no-label.csv'), '--model', model]),
      /manifest-no-label\.csv: has no label column/,
    );
    const one = join(freshDir(), 'one-class.csv');
    const paths = readCsv(manifest).map((row) => join(fmnist, row.path));
    writeFileSync(one, 'path,label\n' + paths.map((path) => `${path},Coat`).join('\n') + '\n');
    assert.match(failure(['--data', one, '--model', model]), /one-class\.csv: has one class only \("Coat"\)/);
    const blank = join(freshDir(), 'unlabelled.csv');
    writeFileSync(blank, 'path,label\n' + paths.map((path) => `${path},`).join('\n') + '\n');
    assert.match(
      failure(['--data', blank, '--model', model]),
      /unlabelled\.csv: has no labels to calibrate on/,
    );
    for (const fraction of ['0', '0.6', '-0.1', '1'])
      assert.equal(
        failure(['--data', manifest, `--fraction=${fraction}`]),
        `margin: --fraction: must lie in (0, 0.5], got ${Number(fraction)}`,
      );
    assert.equal(
      failure(['--data', manifest, '--fraction', 'abc']),
      'margin: --fraction: must be a number, got "abc"',
    );
    assert.match(
      failure(['--data', manifest, '--fraction', '0.001']),
      /^margin: --fraction: 0\.001 of 100 labelled samples flips none/,
    );
    assert.match(
      failure(['--data', manifest, '--seeds', '0']),
      /^margin: --seeds: must be a positive integer/,
    );
    assert.match(
      failure(['--data', manifest, '--seeds', '101']),
      /^margin: --seeds: must be an integer from 1 to 100/,
    );
    assert.match(failure(['--fraction', '0.1']), /^margin: --data: is required/);
  });
});
