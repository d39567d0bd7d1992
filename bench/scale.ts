/**
 * A million samples: 1,000,000 × 64-d points in 10 Gaussian classes of low
 * intrinsic dimension (bench/lowRankClasses.ts: each class varies along 8
 * directions of its own, plus a little isotropic noise), 5% of the labels
 * flipped to another class (seeded), written as features.npy + labels.npy in
 * a temporary folder and scanned by the engine's runScan (labels task, its
 * default scorer, the .margin/ cache in that folder, as the CLI would).
 *
 * The scan runs in a child process so that its peak RSS is its own (the
 * parent's copy of the generated points is not counted). Prints the wall time
 * of each stage, peak RSS, the kNN recall the scan measured (approximate
 * above 100,000 points), and the recall of the flips in the top 5/10/30%.
 * Aim (issue 9): ≤ 10 minutes wall, ≤ 6 GiB peak RSS, recall@10% ≥ 0.9.
 * With --rescan-k, a second scan with another k follows (its index read from the cache).
 *
 *   npx tsx bench/scale.ts [--rows 1000000] [--dim 64] [--noise 0.05] [--k 20]
 *                          [--scorer auto] [--knn auto|exact|approximate] [--keep] [--rescan-k 30]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { averagePrecision, recallAtFraction } from '../src/core/metrics';
import { runScan } from '../src/engine/scan';
import type { KnnBackend } from '../src/protocol/engine';
import { DEFAULT_CLASSES, flipLabels, lowRankClasses } from './lowRankClasses';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000000' },
    dim: { type: 'string', default: '64' },
    noise: { type: 'string', default: '0.05' },
    k: { type: 'string', default: '20' },
    scorer: { type: 'string', default: 'auto' },
    knn: { type: 'string', default: 'auto' },
    keep: { type: 'boolean', default: false },
    // A second scan with this k after the first: the approximate index then comes from the cache.
    'rescan-k': { type: 'string' },
    // Internal: the child process that scans a folder written by the parent.
    scan: { type: 'string' },
  },
});

/** A version 1.0 .npy file: magic, version, header padded to 64 bytes, little-endian data. */
function npyBytes(descr: string, shape: number[], data: Uint8Array): Buffer {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const prefix = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0, 0]);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([
    prefix,
    Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  ]);
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function writeDataset(folder: string): void {
  const started = performance.now();
  const rows = Number(values.rows);
  const { points, truth } = lowRankClasses({ ...DEFAULT_CLASSES, rows, dim: Number(values.dim) });
  const { labels, flipped } = flipLabels(truth, DEFAULT_CLASSES.classes, Number(values.noise), 7);
  writeFileSync(
    join(folder, 'features.npy'),
    npyBytes('<f4', [points.rows, points.dim], new Uint8Array(points.data.buffer)),
  );
  writeFileSync(join(folder, 'labels.npy'), npyBytes('<i4', [rows], new Uint8Array(labels.buffer)));
  writeFileSync(join(folder, 'flipped.bin'), flipped);
  console.log(
    `generated        ${rows} × ${points.dim} points, ${DEFAULT_CLASSES.classes} classes, ` +
      `${flipped.reduce((a, b) => a + b, 0)} labels flipped, in ${seconds(performance.now() - started)} (not counted)`,
  );
}

/** The child: one scan, timed by stage, then the figures. */
async function scanFolder(folder: string): Promise<void> {
  const { readFileSync } = await import('node:fs');
  const flipped = readFileSync(join(folder, 'flipped.bin'));
  const stageStarts: [string, number][] = [];
  const started = performance.now();
  const result = await runScan(
    {
      task: 'labels',
      datasets: [{ role: 'data', path: join(folder, 'features.npy') }],
      k: Number(values.k),
      scorer: values.scorer,
      knn: values.knn as KnnBackend,
      cacheRoot: folder,
    },
    {
      progress: (stage) => {
        if (stageStarts[stageStarts.length - 1]?.[0] !== stage) stageStarts.push([stage, performance.now()]);
      },
      log: () => {},
    },
  );
  const wall = performance.now() - started;
  const peakGiB = process.resourceUsage().maxRSS / 1024 ** 2;
  const positives = new Set<number>();
  flipped.forEach((isFlipped, index) => isFlipped && positives.add(index));
  const ranked = result.samples.map((sample) => sample.index);

  console.log(`scorer           ${result.scorer}, k ${values.k}`);
  console.log(`wall time        ${seconds(wall)}`);
  console.log(`peak RSS         ${peakGiB.toFixed(2)} GiB`);
  console.log('stages (engine timings):');
  for (const [stage, ms] of Object.entries(result.timings))
    console.log(`  ${stage.padEnd(28)}${seconds(ms)}`);
  console.log('stages (progress reports, start to next start):');
  stageStarts.forEach(([stage, at], i) =>
    console.log(`  ${stage.padEnd(28)}${seconds((stageStarts[i + 1]?.[1] ?? started + wall) - at)}`),
  );
  const metrics = result.metrics ?? {};
  console.log(
    `kNN recall       ${metrics.knnRecall === undefined ? 'exact search (1 by construction)' : `${metrics.knnRecall.toFixed(3)} on ${metrics.knnRecallQueries} sampled points, ef ${metrics.knnExpansionSearch}`}`,
  );
  for (const fraction of [0.05, 0.1, 0.3])
    console.log(
      `recall@${String(fraction * 100).padEnd(3)}%     ${recallAtFraction(ranked, positives, fraction).toFixed(3)}`,
    );
  console.log(`average precision ${averagePrecision(ranked, positives).toFixed(3)}`);
  for (const notice of result.notices ?? []) console.log(`note: ${notice}`);

  if (!values['rescan-k']) return;
  const again = performance.now();
  const second = await runScan(
    {
      task: 'labels',
      datasets: [{ role: 'data', path: join(folder, 'features.npy') }],
      k: Number(values['rescan-k']),
      scorer: values.scorer,
      knn: values.knn as KnnBackend,
      cacheRoot: folder,
    },
    { progress: () => {}, log: () => {} },
  );
  console.log(`rescan, k ${values['rescan-k']}: ${seconds(performance.now() - again)}`);
  for (const notice of second.notices ?? []) console.log(`note: ${notice}`);
}

async function main(): Promise<void> {
  if (values.scan) return scanFolder(values.scan);
  const folder = mkdtempSync(join(tmpdir(), 'margin-scale-'));
  try {
    writeDataset(folder);
    const child = spawnSync(
      process.execPath,
      [...process.execArgv, __filename, ...process.argv.slice(2), '--scan', folder],
      {
        stdio: 'inherit',
      },
    );
    if (child.status !== 0) process.exitCode = child.status ?? 1;
  } finally {
    if (values.keep) console.log(`kept ${folder}`);
    else rmSync(folder, { recursive: true, force: true });
  }
}

void main();
