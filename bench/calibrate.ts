/**
 * Wall time of `margin calibrate` on the 10,000 Fashion-MNIST test images
 * (held out from the fixture model's training; Debian's dataset-fashion-mnist)
 * with the fixture model: a first run in an empty folder (the model embeds
 * every image) and a second run in the same folder (embeddings from .margin/,
 * graph work only). Runs the built CLI (`npm run build` first), as a user
 * would, and prints its stage timings and the calibration table.
 *
 *   npx tsx bench/calibrate.ts [--data PATH] [--fraction 0.1] [--seeds 3]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatCalibrationTable } from '../src/cli/calibrate';
import type { CalibrationResult } from '../src/protocol/engine';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz' },
    fraction: { type: 'string', default: '0.1' },
    seeds: { type: 'string', default: '3' },
  },
});
const repo = resolve(__dirname, '..');
const cli = join(repo, 'dist', 'cli.js');

function calibrate(cwd: string): { seconds: number; result: CalibrationResult } {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    [
      cli,
      'calibrate',
      '--data',
      values.data!,
      '--model',
      join(repo, 'test/fixtures/fmnist/model.onnx'),
      '--fraction',
      values.fraction!,
      '--seeds',
      values.seeds!,
      '--json',
      '--quiet',
    ],
    { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`margin calibrate failed (${run.status}): ${run.stderr}`);
  return { seconds, result: JSON.parse(run.stdout) as CalibrationResult };
}

function describeRun(
  name: string,
  { seconds, result }: { seconds: number; result: CalibrationResult },
): void {
  const stages = Object.entries(result.timings)
    .map(([stage, ms]) => `${stage} ${(ms / 1000).toFixed(1)} s`)
    .join(', ');
  const source = result.cached.embeddings ? 'embeddings from the cache' : 'embeddings computed';
  console.log(`${name.padEnd(11)}${seconds.toFixed(1)} s wall (${stages}; ${source})`);
}

function main(): void {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run build` first');
  const folder = mkdtempSync(join(tmpdir(), 'margin-bench-calibrate-'));
  try {
    const first = calibrate(folder);
    const second = calibrate(folder);
    const { result } = first;
    console.log(
      `dataset    ${result.dataset.source} (${result.labelled} labelled; ${result.flips} flipped per seed, ` +
        `${result.seeds.length} seeds; ${result.scorers.length} scorers)`,
    );
    describeRun('first run', first);
    describeRun('cached run', second);
    console.log(`\n${formatCalibrationTable(result)}`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

main();
