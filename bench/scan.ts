/**
 * Wall time, peak memory and quality of a labels scan with the fixture model,
 * on Debian's dataset-fashion-mnist, labels flipped on purpose through a
 * --labels file:
 *
 * 1. held-out (printed first, the figure to quote): the 10,000 test images,
 *    which the model never saw, 10% of the labels flipped (the protocol of
 *    bench/eval/tasks/labels.ts, seed 1);
 * 2. the 60,000 training images, 5% flipped (symmetric noise, fixed seed): the
 *    model was trained on these images with their true labels, so it recognises
 *    most flips by heart and the recall is optimistic; the wall time and memory
 *    are the point of this run.
 *
 *   npx tsx bench/scan.ts [--data IMAGES.idx.gz] [--k 20] [--noise 0.05] [--scorer auto]
 *
 * --data scans that file only (with --noise).
 */
import { gunzipSync } from 'node:zlib';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { averagePrecision, recallAtFraction } from '../src/core/metrics';
import { runScan } from '../src/engine/scan';
import { seededRandom } from './eval/fashionMnist';
import { flipLabels } from './eval/tasks/labels';

const FASHION_MNIST = '/usr/share/datasets/fashion-mnist';
const { values } = parseArgs({
  options: {
    data: { type: 'string' },
    k: { type: 'string', default: '20' },
    noise: { type: 'string', default: '0.05' },
    scorer: { type: 'string', default: 'auto' },
    'batch-size': { type: 'string', default: '256' },
  },
});
const repo = resolve(__dirname, '..');

function readLabels(imagesPath: string): number[] {
  const labelsPath = imagesPath.replace('images-idx3', 'labels-idx1');
  const raw = readFileSync(labelsPath);
  return Array.from((labelsPath.endsWith('.gz') ? gunzipSync(raw) : raw).subarray(8));
}

/** Each label flipped with probability `noise` to another class (the training-set protocol kept from before). */
function bernoulliFlips(labels: number[], noise: number): { noisy: number[]; flipped: Set<number> } {
  const random = seededRandom(2026);
  const flipped = new Set<number>();
  const noisy = labels.map((label, index) => {
    if (random() >= noise) return label;
    flipped.add(index);
    return (label + 1 + Math.floor(random() * 9)) % 10;
  });
  return { noisy, flipped };
}

async function benchScan(
  title: string,
  imagesPath: string,
  noisy: number[],
  flipped: Set<number>,
): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'margin-bench-'));
  const labelsFile = join(work, 'noisy-labels.txt');
  writeFileSync(labelsFile, noisy.join('\n') + '\n');
  const rssBefore = process.resourceUsage().maxRSS;
  const started = performance.now();
  const result = await runScan(
    {
      task: 'labels',
      datasets: [{ role: 'data', path: imagesPath, labels: labelsFile }],
      model: join(repo, 'test/fixtures/fmnist/model.onnx'),
      k: Number(values.k),
      scorer: values.scorer,
      batchSize: Number(values['batch-size']),
      noCache: true,
    },
    { progress: () => {}, log: () => {} },
  );
  const wall = performance.now() - started;
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  const ranked = result.samples.map((sample) => sample.index);
  const metrics = result.metrics ?? {};

  console.log(`== ${title}`);
  console.log(
    `dataset          ${imagesPath} (${result.samples.length} samples, ${flipped.size} labels flipped)`,
  );
  console.log(`scorer           ${result.scorer}, k ${values.k}`);
  console.log(`wall time        ${(wall / 1000).toFixed(1)} s`);
  console.log(
    `peak RSS         ${peakMiB.toFixed(0)} MiB${rssBefore > 0 ? ` (process so far; ${(rssBefore / 1024).toFixed(0)} MiB before this scan)` : ''}`,
  );
  for (const [stage, ms] of Object.entries(result.timings))
    console.log(`  ${stage.padEnd(15)}${(ms / 1000).toFixed(1)} s`);
  console.log(`recall@5%        ${recallAtFraction(ranked, flipped, 0.05).toFixed(3)}`);
  console.log(`recall@10%       ${recallAtFraction(ranked, flipped, 0.1).toFixed(3)}`);
  console.log(`recall@30%       ${recallAtFraction(ranked, flipped, 0.3).toFixed(3)}`);
  console.log(`average precision ${averagePrecision(ranked, flipped).toFixed(3)}`);
  console.log(
    `estimated issues ${metrics.estimatedIssues} (flipped: ${flipped.size}; cleanlab's confident joint: ${metrics.confidentJointIssues})`,
  );
  console.log('');
}

async function main(): Promise<void> {
  if (values.data) {
    const { noisy, flipped } = bernoulliFlips(readLabels(values.data), Number(values.noise));
    await benchScan('the given data', values.data, noisy, flipped);
    return;
  }
  const heldOut = join(FASHION_MNIST, 't10k-images-idx3-ubyte.gz');
  const truth = Int32Array.from(readLabels(heldOut));
  const flips = flipLabels(truth, 10, 0.1, 1);
  await benchScan(
    'held-out: 10,000 test images the model never saw, 10% flipped (quote this one)',
    heldOut,
    Array.from(flips.noisy),
    flips.flipped,
  );
  const train = join(FASHION_MNIST, 'train-images-idx3-ubyte.gz');
  const { noisy, flipped } = bernoulliFlips(readLabels(train), Number(values.noise));
  await benchScan(
    'training set: 60,000 images the model was trained on (optimistic recall; time and memory)',
    train,
    noisy,
    flipped,
  );
}

void main();
