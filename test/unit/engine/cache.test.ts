/**
 * The .margin/ cache (src/engine/cache.ts) treats what it reads back as
 * untrusted input: every kind of damage to every kind of cache file is a miss
 * with one notice naming the file, never an error, and never a wrong value.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MarginCache, type CachedEmbeddings } from '../../../src/engine/cache';
import type { ScanResult } from '../../../src/protocol/engine';

const KEY = 'a'.repeat(64);

function embeddings(): CachedEmbeddings {
  return {
    embeddings: { rows: 3, dim: 2, data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    logits: { rows: 3, dim: 2, data: Float32Array.from([0.5, -0.5, 1, 0, 0, 1]) },
    keptIndices: Int32Array.from([0, 2, 3]),
    skipped: [{ index: 1, file: 'b.png', problem: 'cannot be decoded' }],
  };
}

function result(): ScanResult {
  return {
    task: 'labels',
    title: 'Label issues',
    params: { task: 'labels', datasets: [{ role: 'data', path: '/data' }] },
    scorer: 'margin',
    columns: [{ key: 'label', title: 'Label', kind: 'label' }],
    dataset: { kind: 'image-folder', source: '/data', count: 4, labelNames: ['a', 'b'] },
    samples: [
      { index: 2, id: 'c.png', score: 0.9, rank: 1, label: 'a' },
      { index: 0, id: 'a.png', score: NaN, rank: 2, label: 'b' },
    ],
    skipped: [],
    metrics: { samples: 2 },
    notices: [],
    timings: { task: 3 },
    cached: { embeddings: false, result: false },
  };
}

describe('engine/cache', () => {
  let root: string;
  let cache: MarginCache;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'margin-cache-'));
    cache = new MarginCache(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  const file = (kind: string, name: string) => join(root, '.margin', kind, name);

  it('gives back what it stored: embeddings bit for bit, a result with NaN scores', async () => {
    await cache.writeEmbeddings(KEY, embeddings());
    const read = await cache.readEmbeddings(KEY, 4);
    assert.ok(read);
    assert.deepEqual(Array.from(read.embeddings.data), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(Array.from(read.logits!.data), [0.5, -0.5, 1, 0, 0, 1]);
    assert.deepEqual(Array.from(read.keptIndices), [0, 2, 3]);
    assert.deepEqual(read.skipped, embeddings().skipped);

    await cache.writeResult(KEY, result());
    const cached = await cache.readResult(KEY);
    assert.ok(cached);
    assert.equal(cached.samples[0].score, 0.9);
    assert.ok(Number.isNaN(cached.samples[1].score), 'JSON null is read back as NaN');
    assert.deepEqual(cache.notices, []);
  });

  it('streams embeddings batch by batch into the same entry', async () => {
    const writer = await cache.beginEmbeddings(KEY);
    await writer.append(Float32Array.from([1, 2]), Float32Array.from([0.5, -0.5]), [0]);
    await writer.append(Float32Array.from([3, 4, 5, 6]), Float32Array.from([1, 0, 0, 1]), [2, 3]);
    assert.equal(await cache.readEmbeddings(KEY, 4), undefined, 'nothing is visible before commit');
    await writer.commit(3, 2, 2, []);
    const read = await cache.readEmbeddings(KEY, 4);
    assert.deepEqual(Array.from(read!.embeddings.data), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(Array.from(read!.keptIndices), [0, 2, 3]);
  });

  it('leaves nothing behind when a streamed write is aborted', async () => {
    const writer = await cache.beginEmbeddings(KEY);
    await writer.append(Float32Array.from([1, 2]), undefined, [0]);
    await writer.abort();
    assert.deepEqual(await readdir(join(root, '.margin', 'embeddings')), []);
  });

  it('treats a missing entry as a plain miss, without a notice', async () => {
    assert.equal(await cache.readEmbeddings(KEY, 4), undefined);
    assert.equal(await cache.readResult(KEY), undefined);
    assert.deepEqual(cache.notices, []);
  });

  /** Each damage, applied to one file, must give a miss and one notice naming that file. */
  const damages: Record<string, (path: string) => Promise<void>> = {
    truncated: async (path) => truncate(path, Math.floor((await readFile(path)).length / 2)),
    'wrong schema': (path) => writeFile(path, '{"samples": 5}'),
    'random bytes': async (path) => writeFile(path, randomBytes((await readFile(path)).length || 64)),
  };

  for (const [damage, apply] of Object.entries(damages)) {
    it(`ignores and reports a result file that is ${damage}`, async () => {
      await cache.writeResult(KEY, result());
      await apply(file('results', `${KEY}.json`));
      assert.equal(await cache.readResult(KEY), undefined);
      assert.equal(cache.notices.length, 1);
      assert.match(cache.notices[0], new RegExp(`\\.margin/results/${KEY}\\.json .*rebuilt`));
    });

    for (const part of ['json', 'embeddings', 'logits', 'kept']) {
      it(`ignores and reports an embeddings .${part} file that is ${damage}`, async () => {
        await cache.writeEmbeddings(KEY, embeddings());
        const path = file('embeddings', `${KEY}.${part}`);
        if (part !== 'json' && damage === 'wrong schema') {
          // A binary part has no schema: the same length with other (finite) values is its equivalent.
          const bytes = await readFile(path);
          await writeFile(path, new Uint8Array(new Float32Array(bytes.length / 4).fill(7).buffer));
        } else {
          await apply(path);
        }
        assert.equal(await cache.readEmbeddings(KEY, 4), undefined);
        assert.equal(cache.notices.length, 1, cache.notices.join('\n'));
        assert.ok(cache.notices[0].includes(`.margin/embeddings/${KEY}.`), cache.notices[0]);
      });
    }
  }

  it('rejects well-formed entries that do not fit: wrong array sizes, indices, ranks, keys', async () => {
    await cache.writeEmbeddings(KEY, embeddings());
    const metaPath = file('embeddings', `${KEY}.json`);
    const meta = JSON.parse(await readFile(metaPath, 'utf8'));
    await writeFile(metaPath, JSON.stringify({ ...meta, rows: 2 }));
    assert.equal(await cache.readEmbeddings(KEY, 4), undefined, 'rows that do not match the files');
    await writeFile(metaPath, JSON.stringify(meta));
    assert.equal(await cache.readEmbeddings(KEY, 3), undefined, 'kept index 3 in a dataset of 3');
    await writeFile(metaPath, JSON.stringify({ ...meta, key: 'b'.repeat(64) }));
    assert.equal(await cache.readEmbeddings(KEY, 4), undefined, 'an entry filed under another key');

    await cache.writeResult(KEY, result());
    const resultPath = file('results', `${KEY}.json`);
    const bad = (mutate: (value: ScanResult) => void) => {
      const value = result();
      mutate(value);
      return writeFile(resultPath, JSON.stringify({ version: 1, key: KEY, result: value }));
    };
    await bad((value) => (value.samples[1].rank = 5));
    assert.equal(await cache.readResult(KEY), undefined, 'ranks out of order');
    await bad((value) => (value.samples[0].index = 4));
    assert.equal(await cache.readResult(KEY), undefined, 'a sample outside the dataset');
    await bad((value) => ((value as unknown as { columns: unknown }).columns = [{ key: 'x' }]));
    assert.equal(await cache.readResult(KEY), undefined, 'a column without a title');
    assert.equal(cache.notices.length, 6, cache.notices.join('\n'));
    assert.match(cache.notices[3], /rank 5, expected 2/);
  });

  it('rebuilds over a damaged entry: the next write is read back', async () => {
    await cache.writeEmbeddings(KEY, embeddings());
    await writeFile(file('embeddings', `${KEY}.kept`), randomBytes(12));
    assert.equal(await cache.readEmbeddings(KEY, 4), undefined);
    await cache.writeEmbeddings(KEY, embeddings());
    assert.deepEqual(Array.from((await cache.readEmbeddings(KEY, 4))!.keptIndices), [0, 2, 3]);
  });
});
