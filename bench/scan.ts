/**
 * Wall time and peak memory of a labels scan of the full Fashion-MNIST
 * training set (60,000 images, from Debian's dataset-fashion-mnist) with the
 * fixture model. 5% of the labels are flipped (symmetric noise, fixed seed)
 * through a --labels file, so the run also reports how well the flips are found.
 *
 *   npx tsx bench/scan.ts [--data PATH] [--k 20] [--noise 0.05]
 */
import { gunzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { averagePrecision, recallAtFraction } from '../src/core/metrics';
import { runScan } from '../src/engine/scan';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz' },
    k: { type: 'string', default: '20' },
    noise: { type: 'string', default: '0.05' },
    'batch-size': { type: 'string', default: '256' },
  },
});
const repo = resolve(__dirname, '..');
const imagesPath = values.data!;
const labelsPath = imagesPath.replace('images-idx3', 'labels-idx1');

/** Mulberry32: a small seeded generator, so every run flips the same labels. */
function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function main(): Promise<void> {
  const raw = readFileSync(labelsPath);
  const labels = Array.from((labelsPath.endsWith('.gz') ? gunzipSync(raw) : raw).subarray(8));
  const random = seededRandom(2026);
  const flipped = new Set<number>();
  const noisy = labels.map((label, index) => {
    if (random() >= Number(values.noise)) return label;
    flipped.add(index);
    return (label + 1 + Math.floor(random() * 9)) % 10;
  });
  const work = mkdtempSync(join(tmpdir(), 'margin-bench-'));
  const labelsFile = join(work, 'noisy-labels.txt');
  writeFileSync(labelsFile, noisy.join('\n') + '\n');

  const stages = new Map<string, number>();
  const started = performance.now();
  const result = await runScan(
    {
      task: 'labels',
      datasets: [{ role: 'data', path: imagesPath, labels: labelsFile }],
      model: join(repo, 'test/fixtures/fmnist/model.onnx'),
      k: Number(values.k),
      batchSize: Number(values['batch-size']),
      noCache: true,
    },
    {
      progress: (stage) => {
        if (!stages.has(stage)) stages.set(stage, performance.now());
      },
      log: () => {},
    },
  );
  const wall = performance.now() - started;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  const ranked = result.samples.map((sample) => sample.index);
  const positives = new Set(flipped);

  console.log(
    `dataset          ${imagesPath} (${result.samples.length} samples, ${flipped.size} labels flipped)`,
  );
  console.log(`k                ${values.k}`);
  console.log(`wall time        ${(wall / 1000).toFixed(1)} s`);
  console.log(`peak RSS         ${peakMiB.toFixed(0)} MiB`);
  for (const [stage, ms] of Object.entries(result.timings))
    console.log(`  ${stage.padEnd(15)}${(ms / 1000).toFixed(1)} s`);
  console.log(`recall@10%       ${recallAtFraction(ranked, positives, 0.1).toFixed(3)}`);
  console.log(`recall@5%        ${recallAtFraction(ranked, positives, 0.05).toFixed(3)}`);
  console.log(`average precision ${averagePrecision(ranked, positives).toFixed(3)}`);
}

void main();
