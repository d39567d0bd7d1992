/**
 * Bad input through the CLI: one clear line naming the file and the problem,
 * exit code 2 — or, for a broken image, a skipped-and-reported sample and a
 * scan that goes on.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanResult } from '../../src/protocol/engine';
import { fixtures, freshDir, runCli } from './helpers';

const fmnist = join(fixtures, 'fmnist');
const bad = join(fixtures, 'bad');
const model = join(fmnist, 'model.onnx');

function expectInputError(args: string[], file: string, problem: RegExp): void {
  const run = runCli(['scan', '--quiet', ...args]);
  assert.equal(run.status, 2, `exit code (stderr: ${run.stderr})`);
  const lines = run.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${run.stderr}`);
  assert.ok(lines[0].includes(file), `"${lines[0]}" names ${file}`);
  assert.match(lines[0], problem);
  assert.doesNotMatch(lines[0], /internal error|at .*\.js:\d+/);
}

describe('bad input (CLI)', function () {
  this.timeout(120_000);

  it('an empty folder', () => {
    const empty = freshDir('margin-empty-');
    expectInputError(['--data', empty, '--model', model], empty, /no images|empty/i);
  });

  it('a corrupt .onnx file', () => {
    const corrupt = join(bad, 'corrupt.onnx');
    expectInputError(
      ['--data', join(fmnist, 'noisy'), '--model', corrupt],
      corrupt,
      /not a valid ONNX model|protobuf|corrupt/i,
    );
  });

  it('a file that is not a model at all', () => {
    const text = join(bad, 'not-a-model.onnx');
    expectInputError(
      ['--data', join(fmnist, 'noisy'), '--model', text],
      text,
      /not a valid ONNX model|protobuf/i,
    );
  });

  it('a missing model file', () => {
    const missing = join(bad, 'no-such-model.onnx');
    expectInputError(
      ['--data', join(fmnist, 'noisy'), '--model', missing],
      missing,
      /not found|does not exist|no such/i,
    );
  });

  it('a label column that is missing', () => {
    const manifest = join(bad, 'manifest-missing-label.csv');
    expectInputError(['--data', manifest, '--model', model], manifest, /label/i);
  });

  it('a model whose input shape differs from the images: they are brought to it, and the note says so', () => {
    const mismatch = join(bad, 'mismatch-3x32x32.onnx');
    // The boundary task reads the model's own predictions (this model has no class names of the data's labels).
    const run = runCli(['scan', '--quiet', '--top', '0', '--task', 'boundary', '--data', join(fmnist, 'noisy'), '--model', mismatch]);
    assert.equal(run.status, 0, run.stderr);
    assert.match(
      run.stderr,
      /^note: noisy: 1000 of 1000 images resized to 32×32 \(shorter side resized, centre cropped\); 1000 of 1000 converted \(1000 greyscale to RGB\)$/m,
    );
  });

  it('a sidecar whose input.resize is neither "stretch" nor "shorter-side"', () => {
    const dir = freshDir();
    cpSync(model, join(dir, 'model.onnx'));
    const sidecar = JSON.parse(readFileSync(join(fmnist, 'model.margin.json'), 'utf8')) as { input: Record<string, unknown> };
    sidecar.input.resize = 'crop';
    writeFileSync(join(dir, 'model.margin.json'), JSON.stringify(sidecar));
    expectInputError(
      ['--data', join(fmnist, 'noisy'), '--model', join(dir, 'model.onnx')],
      join(dir, 'model.margin.json'),
      /input\.resize must be "stretch" or "shorter-side", got "crop"/,
    );
  });

  it('an image that fails to decode is skipped and reported; the scan goes on', () => {
    const dir = freshDir();
    const run = runCli(
      [
        'scan',
        '--quiet',
        '--data',
        join(bad, 'broken-images'),
        '--model',
        model,
        '--k',
        '5',
        '--out',
        'r.json',
      ],
      dir,
    );
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as ScanResult;
    assert.equal(result.samples.length, 30);
    assert.equal(result.skipped.length, 1);
    assert.ok(result.skipped[0].file.endsWith(join('Bag', 'broken.png')));
    assert.ok(run.stderr.includes('broken.png'), 'the skip is reported on stderr');
    assert.ok(!result.samples.some((sample) => sample.id.endsWith('broken.png')));
  });

  it('a manifest row whose file is missing is skipped and reported', () => {
    const dir = freshDir();
    const manifest = join(bad, 'manifest-missing-file.csv');
    const run = runCli(
      ['scan', '--quiet', '--data', manifest, '--model', model, '--k', '3', '--out', 'r.json'],
      dir,
    );
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as ScanResult;
    assert.equal(result.skipped.length, 1);
    assert.match(result.skipped[0].problem, /not found|does not exist|no such/i);
  });

  it('a path that does not exist', () => {
    const missing = join(fixtures, 'no-such-dataset');
    expectInputError(['--data', missing], missing, /not found|does not exist|no such/i);
  });

  it('bad arguments', () => {
    expectInputError(['--data', join(fmnist, 'noisy'), '--k', 'many'], '--k', /positive integer/);
    expectInputError(
      ['--data', join(fmnist, 'noisy'), '--task', 'nonsense'],
      '--task',
      /must be one of labels, boundary, adversarial, prototypes, acquire, got "nonsense"/,
    );
    expectInputError(['--data', join(fmnist, 'noisy'), '--bogus'], 'arguments', /bogus/);
  });

  it('k not smaller than the number of samples', () => {
    expectInputError(
      ['--data', join(fmnist, 'manifest.csv'), '--model', model, '--k', '100'],
      '--k',
      /more than 100/,
    );
  });

  it('a folder with label sub-folders but a stray file still scans the images', () => {
    const data = join(freshDir(), 'data');
    cpSync(join(bad, 'broken-images'), data, { recursive: true });
    mkdirSync(join(data, 'Empty-class'));
    const run = runCli(['scan', '--quiet', '--data', data, '--model', model, '--k', '5']);
    assert.equal(run.status, 0, run.stderr);
  });
});
