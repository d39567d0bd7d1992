/**
 * Wall time and peak memory of every scan task at the size of a real dataset:
 * the CLI (`dist/cli.js`, built first) in a fresh process per task, no cache,
 * on Debian's Fashion-MNIST (`dataset-fashion-mnist`) with the fixture model.
 *
 *   npx tsx bench/tasks.ts [--task NAME]... [--repeats 1]
 *
 * - labels, boundary, prototypes: the 60,000 training images.
 * - boundary with a reference: the 10,000 test images against the 60,000 training images.
 * - adversarial: the 10,000 test images under test, 60,000 training images as the clean reference.
 * - acquire: the 60,000 training images with all but 1,000 labels blanked (a CSV labels file).
 * Peak RSS is the child's own (`process.resourceUsage().maxRSS` at exit).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { scanInChild } from './cliScan';
import { FIXTURE_MODEL, imagesFile, seededRandom, trueLabels } from './eval/fashionMnist';

const { values } = parseArgs({
  options: { task: { type: 'string', multiple: true }, repeats: { type: 'string', default: '1' } },
});
const work = mkdtempSync(join(tmpdir(), 'margin-bench-tasks-'));
const train = imagesFile('train');
const test = imagesFile('t10k');
const trainLabels = train.replace('images-idx3', 'labels-idx1');

/** The training labels with all but `kept` blanked (seeded), as a one-column CSV. */
function partialLabels(kept: number): string {
  const labels = trueLabels('train');
  const random = seededRandom(7);
  const keep = new Set<number>();
  while (keep.size < kept) keep.add(Math.floor(random() * labels.length));
  const file = join(work, 'partial-labels.csv');
  writeFileSync(
    file,
    'label\n' + Array.from(labels, (label, i) => (keep.has(i) ? String(label) : '')).join('\n') + '\n',
  );
  return file;
}

const model = ['--model', FIXTURE_MODEL];
const RUNS: Record<string, () => string[]> = {
  labels: () => ['--task', 'labels', '--data', train, ...model],
  boundary: () => ['--task', 'boundary', '--data', train, ...model],
  'boundary+reference': () => [
    '--task',
    'boundary',
    '--data',
    test,
    '--reference',
    train,
    '--reference-labels',
    trainLabels,
    ...model,
  ],
  adversarial: () => [
    '--task',
    'adversarial',
    '--data',
    test,
    '--reference',
    train,
    '--reference-labels',
    trainLabels,
    ...model,
  ],
  prototypes: () => ['--task', 'prototypes', '--data', train, ...model],
  acquire: () => ['--task', 'acquire', '--data', train, '--labels', partialLabels(1000), ...model],
};

for (const name of values.task ?? Object.keys(RUNS)) {
  const args = RUNS[name];
  if (!args) throw new Error(`unknown task run "${name}" (known: ${Object.keys(RUNS).join(', ')})`);
  for (let repeat = 0; repeat < Number(values.repeats); repeat++) {
    const {
      result,
      seconds,
      peakMiB: rss,
    } = scanInChild<{ samples: unknown[]; scorer: string; timings: Record<string, number> }>(name, args(), work);
    const stages = Object.entries(result.timings)
      .map(([stage, ms]) => `${stage} ${(ms / 1000).toFixed(1)} s`)
      .join(', ');
    console.log(
      `${name.padEnd(19)} ${result.samples.length.toString().padStart(6)} ranked  scorer ${result.scorer.padEnd(11)} ` +
        `${seconds.toFixed(1).padStart(6)} s wall  ${rss.toFixed(0).padStart(5)} MiB peak  (${stages})`,
    );
  }
}
