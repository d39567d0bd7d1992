import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset } from '../data/types';

/** Files stat'ed concurrently; enough to hide latency without exhausting handles. */
const STAT_CONCURRENCY = 64;

/**
 * A hash of what the dataset's samples are: their ids and, for every file
 * behind them, size and modification time. Re-saving an image changes it;
 * editing a label file does not (labels are not part of the embeddings).
 */
export async function datasetFingerprint(dataset: Dataset): Promise<string> {
  const hash = createHash('sha256');
  hash.update(`${dataset.kind}\0${dataset.source}\0${dataset.samples.length}\0`);
  const paths = dataset.samples.map((sample) => sample.path);
  const stamps: string[] = new Array(paths.length);
  for (let start = 0; start < paths.length; start += STAT_CONCURRENCY) {
    const chunk = paths.slice(start, start + STAT_CONCURRENCY);
    const results = await Promise.all(chunk.map((path) => (path ? fileStamp(path) : Promise.resolve(''))));
    results.forEach((stamp, offset) => (stamps[start + offset] = stamp));
  }
  dataset.samples.forEach((sample, index) => hash.update(`${sample.id}\0${stamps[index]}\n`));
  // Array datasets (IDX, NPY, CSV) have no file per sample: stamp the source,
  // or every file of the source folder (an IDX pair given by its folder).
  if (!paths.some(Boolean)) hash.update(await sourceStamp(dataset.source));
  return hash.digest('hex');
}

async function sourceStamp(source: string): Promise<string> {
  const stamp = await fileStamp(source);
  if (stamp !== 'dir') return stamp;
  const names = (await readdir(source)).sort();
  const stamps = await Promise.all(names.map((name) => fileStamp(join(source, name))));
  return names.map((name, i) => `${name}:${stamps[i]}`).join('\n');
}

/** Size and modification time of a file, or a marker when it is absent. */
export async function fileStamp(path: string): Promise<string> {
  try {
    const info = await stat(path);
    return info.isDirectory() ? 'dir' : `${info.size}:${Math.round(info.mtimeMs)}`;
  } catch {
    return 'missing';
  }
}

export function hashJson(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}
