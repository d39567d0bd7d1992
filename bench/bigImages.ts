/**
 * Peak memory of a scan over a folder with huge images (issue 9 §5,
 * decompression bombs): 300 Fashion-MNIST PNGs of the fixture set (28×28,
 * 30 per class) and 16 PNGs of 16000×16000 (256 megapixels each, one colour,
 * under 1 MB each as files) spread over the same class folders, scanned by the
 * CLI (`dist/cli.js`, built first) in a fresh process with the fixture model,
 * no cache. 16000² is under the pixel limit (16383²), so those images are
 * decoded, streamed and shrunk while they load, not skipped. A second run adds
 * 4 PNGs of 20000×20000, above the limit: they are skipped by name.
 *
 *   npm run bench:big-images   (or: npm run build && npx tsx bench/bigImages.ts [--huge 16] [--normal 300])
 *
 * Aim (issue 9): ≤ 1 GiB peak RSS. Before images were read header first and
 * shrunk while loading, the same folder took 4.0 GiB.
 * Peak RSS is the child's own (`process.resourceUsage().maxRSS` at exit).
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { scanInChild } from './cliScan';
import { benchCache, FIXTURE_MODEL, repoRoot } from './eval/fashionMnist';

const { values } = parseArgs({
  options: { huge: { type: 'string', default: '16' }, normal: { type: 'string', default: '300' } },
});
const hugeCount = Number(values.huge);
const normalCount = Number(values.normal);
const NOISY = join(repoRoot, 'test', 'fixtures', 'fmnist', 'noisy');
const work = mkdtempSync(join(tmpdir(), 'margin-bench-big-images-'));

/** One PNG of side × side in one colour, made once into bench/.cache/ (16000²: about 7 s). */
async function solidPng(side: number): Promise<string> {
  const path = join(benchCache, `solid-${side}.png`);
  if (!existsSync(path)) {
    mkdirSync(benchCache, { recursive: true });
    await sharp({
      create: { width: side, height: side, channels: 3, background: { r: 200, g: 30, b: 60 } },
      limitInputPixels: false,
    })
      .png({ compressionLevel: 9 })
      .toFile(path);
  }
  return path;
}

/** `normal` fixture PNGs (the same share of each class) and `huge` copies of `hugeFile`, round-robin over the classes. */
function makeFolder(name: string, huge: { file: string; count: number }[]): string {
  const root = join(work, name);
  const labels = readdirSync(NOISY).sort();
  const perLabel = Math.ceil(normalCount / labels.length);
  let copied = 0;
  for (const label of labels) {
    mkdirSync(join(root, label), { recursive: true });
    for (const file of readdirSync(join(NOISY, label)).sort().slice(0, perLabel)) {
      if (copied++ >= normalCount) break;
      copyFileSync(join(NOISY, label, file), join(root, label, file));
    }
  }
  let placed = 0;
  for (const { file, count } of huge) {
    for (let i = 0; i < count; i++, placed++) {
      copyFileSync(file, join(root, labels[placed % labels.length], `huge-${placed}.png`));
    }
  }
  return root;
}

interface Result {
  samples: unknown[];
  skipped: { file: string; problem: string }[];
  metrics?: Record<string, number>;
}

function scan(title: string, data: string): void {
  const { result, seconds, peakMiB } = scanInChild<Result>(
    'big-images',
    ['--task', 'labels', '--data', data, '--model', FIXTURE_MODEL, '--top', '0'],
    work,
  );
  console.log(title);
  console.log(`  wall time    ${seconds.toFixed(1)} s`);
  console.log(`  peak RSS     ${peakMiB.toFixed(0)} MiB (${(peakMiB / 1024).toFixed(2)} GiB; aim ≤ 1 GiB)`);
  console.log(
    `  scanned      ${result.samples.length}, skipped ${result.skipped.length}, resized ${result.metrics?.imagesResized ?? 0}, converted ${result.metrics?.imagesConverted ?? 0}`,
  );
  if (result.skipped[0])
    console.log(`  first skip   ${result.skipped[0].file}: ${result.skipped[0].problem}`);
}

async function main(): Promise<void> {
  try {
    const big = await solidPng(16000);
    scan(
      `${normalCount} Fashion-MNIST PNGs + ${hugeCount} PNGs of 16000×16000 (decoded, shrunk while loading)`,
      makeFolder('within-limit', [{ file: big, count: hugeCount }]),
    );
    const over = await solidPng(20000);
    scan(
      `the same + 4 PNGs of 20000×20000 (above the pixel limit: skipped)`,
      makeFolder('over-limit', [
        { file: big, count: hugeCount },
        { file: over, count: 4 },
      ]),
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

void main();
