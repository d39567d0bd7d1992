/**
 * Held-out Fashion-MNIST for the quality evaluations: the Debian package's
 * IDX files (`dataset-fashion-mnist`), and the fixture model's embeddings and
 * logits of them, cached in bench/.cache/ so each evaluation runs the model once.
 * The fixture model was trained on the 60,000 training images only, so the
 * 10,000 test images are data it has not seen.
 */
import { existsSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { DenseMatrix } from '../../src/core/types';
import { openDataset } from '../../src/data/open';
import type { Dataset } from '../../src/data/types';
import { MarginCache } from '../../src/engine/cache';
import { silentContext } from '../../src/engine/context';
import { computeRepresentation } from '../../src/engine/representation';

export const repoRoot = resolve(__dirname, '..', '..');
export const FASHION_MNIST = '/usr/share/datasets/fashion-mnist';
export const FIXTURE_MODEL = join(repoRoot, 'test', 'fixtures', 'fmnist', 'model.onnx');
/** bench/.cache/ (git-ignored) holds the cached embeddings and anything else an evaluation makes. */
export const benchCache = join(repoRoot, 'bench', '.cache');

export type Split = 'train' | 't10k';

export function imagesFile(split: Split): string {
  const path = join(FASHION_MNIST, `${split}-images-idx3-ubyte.gz`);
  if (!existsSync(path)) {
    throw new Error(
      `${path} is missing: install Debian's dataset-fashion-mnist (apt-get install -y dataset-fashion-mnist)`,
    );
  }
  return path;
}

/** True labels of a split as class indices. */
export function trueLabels(split: Split): Int32Array {
  const raw = gunzipSync(readFileSync(join(FASHION_MNIST, `${split}-labels-idx1-ubyte.gz`)));
  return Int32Array.from(raw.subarray(8));
}

/** Raw pixels (n × 784, uint8) of a split. */
export function pixels(split: Split): { count: number; data: Uint8Array } {
  const raw = gunzipSync(readFileSync(imagesFile(split)));
  const count = raw.readUInt32BE(4);
  return { count, data: new Uint8Array(raw.buffer, raw.byteOffset + 16, count * 784) };
}

export interface EmbeddedSplit {
  dataset: Dataset;
  embeddings: DenseMatrix;
  logits: DenseMatrix;
  labels: Int32Array;
}

/** The fixture model's penultimate features and logits of every image of a split (cached). */
export async function embeddedSplit(split: Split, model = FIXTURE_MODEL): Promise<EmbeddedSplit> {
  const dataset = await openDataset(imagesFile(split));
  const representation = await computeRepresentation(
    dataset,
    { task: 'labels', datasets: [{ role: 'data', path: dataset.source }], model },
    silentContext,
    new MarginCache(benchCache),
  );
  if (!representation.logits || representation.keptIndices.length !== dataset.samples.length) {
    throw new Error(`${split}: the model did not embed every image`);
  }
  return {
    dataset,
    embeddings: representation.points,
    logits: representation.logits,
    labels: trueLabels(split),
  };
}

/** Mulberry32: a small seeded generator, so every run draws the same samples. */
export function seededRandom(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mean and standard deviation, for "0.912 ± 0.004" over seeds. */
export function meanAndSpread(values: number[]): { mean: number; sd: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
  return { mean, sd };
}
