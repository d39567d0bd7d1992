import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { STREAM_CHUNK_BYTES } from '../data/limits';
import type { Dataset } from '../data/types';

/** Files stat'ed concurrently; enough to hide latency without exhausting handles. */
const STAT_CONCURRENCY = 64;

/**
 * A hash of what the dataset's samples are: their ids and, for every file
 * behind them, size and modification time (reading every image of a folder
 * to hash it would cost as much as the scan the cache saves). Re-saving an
 * image changes it; editing a label file does not (labels are not part of
 * the embeddings). A dataset held in one file (IDX, NPY, CSV), which the
 * loader reads whole anyway, is hashed by its content.
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
  if (stamp !== 'dir') return stamp === 'missing' ? stamp : contentDigest(source);
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

/**
 * SHA-256 of a file's bytes (streamed), or of a folder's files by name and
 * content (not recursive); 'missing' when the path does not exist. What a
 * cache key needs for a file whose content may change while its size and
 * modification time stay (a model re-exported over itself, then touched).
 */
export async function contentDigest(path: string): Promise<string> {
  const stamp = await fileStamp(path);
  if (stamp === 'missing') return stamp;
  const hash = createHash('sha256');
  if (stamp === 'dir') {
    for (const name of (await readdir(path)).sort()) {
      const file = join(path, name);
      hash.update(`${name}\0${(await fileStamp(file)) === 'dir' ? 'dir' : await contentDigest(file)}\n`);
    }
    return hash.digest('hex');
  }
  for await (const chunk of createReadStream(path, { highWaterMark: STREAM_CHUNK_BYTES }))
    hash.update(chunk as Buffer);
  return hash.digest('hex');
}
