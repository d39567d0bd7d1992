/**
 * `margin scan --task adversarial` end to end through the built CLI, on the
 * committed fixture (test/fixtures/adversarial/: 30 clean t10k images, 15 FGSM
 * and 15 PGD attacks made by PyTorch, ε = 0.1) with the clean labelled
 * reference test/fixtures/fmnist/idx/ (t10k 0..299) and the fixture model.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { auroc } from '../../src/core/metrics';
import type { ScanResult } from '../../src/protocol/engine';
import { fixtures, freshDir, readCsv, runCli } from './helpers';

const adversarial = join(fixtures, 'adversarial');
const fmnist = join(fixtures, 'fmnist');
const model = join(fmnist, 'model.onnx');
const reference = join(fmnist, 'idx');

function scan(args: string[]): { result: ScanResult; stderr: string } {
  const dir = freshDir();
  const out = join(dir, 'r.json');
  const run = runCli(
    ['scan', '--task', 'adversarial', '--model', model, ...args, '--out', out, '--quiet'],
    dir,
  );
  assert.equal(run.status, 0, `margin scan failed: ${run.stderr}`);
  return { result: JSON.parse(readFileSync(out, 'utf8')) as ScanResult, stderr: run.stderr };
}

function attackAuroc(result: ScanResult): number {
  const kinds = new Map(readCsv(join(adversarial, 'truth.csv')).map((row) => [row.path, row.kind]));
  return auroc(
    result.samples.map((sample) => sample.score),
    result.samples.map((sample) => kinds.get(sample.id) !== 'clean'),
  );
}

function failure(args: string[]): string {
  const run = runCli(['scan', '--task', 'adversarial', '--model', model, ...args, '--quiet'], freshDir());
  assert.equal(run.status, 2, `expected exit 2, got ${run.status}: ${run.stderr}`);
  const lines = run.stderr.trim().split('\n');
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  return lines[lines.length - 1];
}

describe('margin scan --task adversarial (CLI)', function () {
  this.timeout(300_000);

  it('ranks the attacked images above the clean ones (AUROC from the answer key)', () => {
    const labelled = scan([
      '--data',
      join(adversarial, 'inputs-labelled.csv'),
      '--reference',
      reference,
    ]).result;
    assert.equal(labelled.task, 'adversarial');
    assert.equal(labelled.scorer, 'fused');
    assert.equal(labelled.samples.length, 60);
    const value = attackAuroc(labelled);
    console.log(`      AUROC (fused, 30 clean vs 30 attacked): ${value.toFixed(3)}`);
    // Measured 0.984; the floor leaves room for other platforms' onnxruntime rounding.
    assert.ok(value >= 0.9, `AUROC ${value}`);
    assert.equal(labelled.distribution!.series.length, 2);
  });

  const mahalanobisScores = (data: string) =>
    scan([
      '--data',
      join(adversarial, data),
      '--reference',
      reference,
      '--scorer',
      'mahalanobis',
    ]).result.samples.map((s) => [s.id, s.score]);

  it("does not use the data's labels: every label replaced by another class gives the same ranking and scores", () => {
    assert.deepEqual(mahalanobisScores('inputs-mislabelled.csv'), mahalanobisScores('inputs-labelled.csv'));
  });

  it('takes data under test without labels (a manifest with a path column only)', () => {
    assert.deepEqual(mahalanobisScores('inputs.csv'), mahalanobisScores('inputs-labelled.csv'));
  });

  it('writes the CSV with the task columns', () => {
    const dir = freshDir();
    const out = join(dir, 'r.csv');
    const run = runCli(
      [
        'scan',
        '--task',
        'adversarial',
        '--model',
        model,
        '--data',
        join(adversarial, 'inputs-labelled.csv'),
        '--reference',
        reference,
        '--scorer',
        'mahalanobis',
        '--out',
        out,
        '--quiet',
      ],
      dir,
    );
    assert.equal(run.status, 0, run.stderr);
    const rows = readCsv(out);
    assert.equal(rows.length, 60);
    for (const column of ['predicted', 'closest', 'squeezing', 'score', 'rank'])
      assert.ok(column in rows[0], `${column} in ${Object.keys(rows[0])}`);
  });

  it('without --reference: one line saying to pass --reference with --reference-labels', () => {
    const line = failure(['--data', join(adversarial, 'inputs-labelled.csv')]);
    assert.match(
      line,
      /--reference.*is required by the adversarial task.*--reference PATH.*--reference-labels PATH/,
    );
  });

  it('a reference whose samples differ from the data: names the reference', () => {
    const features = join(fmnist, 'npy', 'features.npy');
    const line = failure([
      '--data',
      join(adversarial, 'inputs-labelled.csv'),
      '--reference',
      features,
      '--reference-labels',
      join(fmnist, 'npy', 'labels.npy'),
    ]);
    assert.ok(line.includes(features), line);
    assert.match(line, /cannot be compared/);
  });

  it('a reference of one class only: names the reference and the class', () => {
    const dir = freshDir();
    const labels = join(dir, 'bags.txt');
    writeFileSync(labels, 'Bag\n'.repeat(300));
    const line = failure([
      '--data',
      join(adversarial, 'inputs-labelled.csv'),
      '--reference',
      reference,
      '--reference-labels',
      labels,
      '--scorer',
      'kde',
    ]);
    assert.ok(line.includes(reference), line);
    assert.match(line, /one class only \(Bag\)/);
  });

  it('an unknown scorer: lists the scorers', () => {
    const line = failure([
      '--data',
      join(adversarial, 'inputs-labelled.csv'),
      '--reference',
      reference,
      '--scorer',
      'magic',
    ]);
    assert.match(line, /--scorer.*fused, mahalanobis/);
  });
});
