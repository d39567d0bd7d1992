/**
 * Approximate kNN for graphs too large for exact search: usearch's HNSW index
 * (built on all cores, in chunks so that progress and cancellation get
 * through), with its recall measured on every run. A random sample of rows
 * is searched exactly (onnxruntime, `ortCrossKnn`); the search beam
 * (`expansion`) starts at the measured default and doubles until the sample's
 * recall@k reaches the target, and the recall of the final graph on that
 * sample is returned with it. When the beam the target needs makes the index
 * slower than exact search (both are timed on the sampled queries), or the
 * target is out of reach, every row is searched exactly instead. Distances of
 * the kept neighbours are recomputed in float64 and each row is ordered by
 * (distance, index), as `ortKnn` does.
 *
 * usearch is loaded on first use only, so an exact scan never loads its
 * native binary (npm ships it prebuilt for Linux, macOS and Windows).
 */
import { createHash } from 'node:crypto';
import type { Index } from 'usearch';
import { createCheckpoint } from '../core/cooperative';
import { checkKnnInput, neighbourRecall } from '../core/knn';
import { sampleRows } from '../core/random';
import type { ComputeOptions, DenseMatrix, KnnResult } from '../core/types';
import { ortCrossKnn } from './ortCrossKnn';
import { candidateWords, keepNeighbours, ortKnn } from './ortKnn';

export interface HnswParameters {
  /** Links per node (HNSW's M). */
  connectivity: number;
  /** Beam width while building (efConstruction). */
  expansionAdd: number;
  /** Beam width of the first search (ef); doubled while the sampled recall is below the target. */
  expansionSearch: number;
}

/**
 * Chosen with `npm run bench:knn` and alternating runs (docs/architecture.md
 * has the figures): on the 60,000 Fashion-MNIST embeddings, build, recall
 * check and search take a median 1.98 s for recall@20 0.984, against 2.32 s
 * and 0.990 with M 16 and a build beam of 32, and the scan finds the same
 * flips; where a beam of 32 is not enough, the recall check widens it.
 */
export const DEFAULT_HNSW: HnswParameters = { connectivity: 12, expansionAdd: 24, expansionSearch: 32 };
/** The beam is never widened beyond this: past it, exact search is the better tool. */
const MAX_EXPANSION = 2048;
const ADD_CHUNK = 16_384;
const SEARCH_CHUNK = 8_192;

export interface ApproximateKnnOptions extends ComputeOptions {
  hnsw?: Partial<HnswParameters>;
  /** Rows searched exactly to measure the recall (default 200). */
  recallQueries?: number;
  /** Recall@k the search beam is widened to reach on the sample (default 0.95). */
  targetRecall?: number;
  /** Seed of the recall sample. */
  seed?: number;
  /** Search exactly when the index would be slower or miss the target (default true). */
  exactWhenBetter?: boolean;
  /** Where built indexes are kept between runs; absent: every run builds its own. */
  store?: IndexStore;
}

/**
 * Keeps built indexes between runs (the engine's .margin/ cache), by a key
 * made of the points' bytes and the build parameters. usearch's `load` aborts
 * the whole process on a damaged file (std::bad_alloc), so a store only ever
 * hands back files it has verified byte for byte against what it wrote.
 */
export interface IndexStore {
  /** The verified index file stored under `key`, or undefined (absent, or damaged: the store reports it). */
  find(key: string): Promise<string | undefined>;
  /** Stores the index that `save` writes to the file it is given. */
  keep(key: string, save: (file: string) => void): Promise<void>;
  /** Reports a verified index file that still did not fit (another usearch version, other points). */
  unusable(key: string, problem: string): void;
}

/** Bumped whenever the way an index is built changes, so a kept one is not reused. */
const INDEX_VERSION = 2; // 2: float16 vectors

export interface ApproximateKnnResult extends KnnResult {
  /** Recall@k of the returned neighbours on the sampled rows, against exact search. */
  recall: number;
  /** How many rows were sampled for `recall`. */
  recallQueries: number;
  /** The search beam that was used. */
  expansionSearch: number;
  /** Rows the index answered with fewer than k neighbours, searched exactly instead. */
  exactFallbackRows: number;
  /**
   * Set when every row was searched exactly instead: the index reached the
   * target recall only with a beam slower than exact search (`speed`), or not
   * at all (`recall`).
   */
  exactInstead?: 'speed' | 'recall';
  /** Whether the index came from the store instead of being built. */
  indexReused: boolean;
  /** Wall time of each step in seconds (`build`: or loading from the store). */
  seconds: { build: number; recallCheck: number; search: number };
}

type Usearch = typeof import('usearch');
let usearch: Promise<Usearch> | undefined;

/** usearch's native binary did not load on this machine: callers fall back to exact search. */
export class IndexUnavailableError extends Error {
  constructor(reason: string) {
    super(`usearch could not be loaded: ${reason.split('\n')[0]}`);
    this.name = 'IndexUnavailableError';
  }
}

/** The usearch module, loaded once; rejects with IndexUnavailableError when its native binary cannot load. */
export function loadUsearch(): Promise<Usearch> {
  usearch ??= import('usearch').catch((error: unknown) => {
    usearch = undefined;
    throw new IndexUnavailableError((error as Error).message);
  });
  return usearch;
}

export async function approximateKnn(
  points: DenseMatrix,
  k: number,
  options: ApproximateKnnOptions = {},
): Promise<ApproximateKnnResult> {
  checkKnnInput(points, k);
  const { rows: n, dim, data } = points;
  const parameters = { ...DEFAULT_HNSW, ...options.hnsw };
  const { Index, MetricKind, ScalarKind } = await loadUsearch();
  const checkpoint = createCheckpoint(options);
  const progress = (done: number) => options.onProgress?.(done, 2 * n);
  const clock = () => performance.now() / 1000;

  let started = clock();
  const emptyIndex = () =>
    new Index({
      dimensions: dim,
      metric: MetricKind.L2sq,
      // float16 vectors: on the 60,000 Fashion-MNIST embeddings (64-d), build 0.86–0.91 s and
      // search 0.72–0.77 s against 1.04–1.05 and 0.91–0.96 for float32, recall@21 of the
      // candidates 0.991 against 0.993 (bfloat16: 0.982; int8 assumes unit vectors: 0.58).
      // Every candidate is re-ranked on the float32 points in float64 (searchRows), so the
      // distances kept are exact whatever the index stores.
      quantization: ScalarKind.F16,
      connectivity: parameters.connectivity,
      expansion_add: parameters.expansionAdd,
      expansion_search: parameters.expansionSearch,
      multi: false,
    });
  const { store } = options;
  const key = store && indexKey(points, parameters);
  let index = key ? await storedIndex(store!, key, emptyIndex, n, dim) : undefined;
  const indexReused = index !== undefined;
  if (!index) {
    index = emptyIndex();
    for (let start = 0; start < n; start += ADD_CHUNK) {
      const end = Math.min(n, start + ADD_CHUNK);
      const keys = new BigUint64Array(end - start);
      for (let i = 0; i < keys.length; i++) keys[i] = BigInt(start + i);
      index.add(keys, data.subarray(start * dim, end * dim), 0);
      progress(end);
      await checkpoint();
    }
    const built = index;
    if (key) await store!.keep(key, (file) => built.save(file));
  }
  progress(n);
  const build = clock() - started;

  started = clock();
  const sample = sampleRows(n, Math.min(options.recallQueries ?? 200, n), options.seed ?? 1);
  const exact = await ortCrossKnn(gatherRows(points, sample), points, k, {
    exclude: sample,
    signal: options.signal,
  });
  const exactSeconds = clock() - started;
  const target = options.targetRecall ?? 0.95;
  let expansion = parameters.expansionSearch;
  let probeSeconds: number;
  let probeRecall: number;
  for (;;) {
    const probe = emptyResult(n, k);
    const probeStarted = clock();
    searchRows(index, points, sample, k, expansion, probe);
    probeSeconds = clock() - probeStarted;
    probeRecall = neighbourRecall(probe, exact, sample);
    if (probeRecall >= target || expansion >= MAX_EXPANSION) break;
    expansion = Math.min(MAX_EXPANSION, expansion * 2);
    await checkpoint();
  }
  const recallCheck = clock() - started;
  // Both searches were just timed on the same sampled queries. On points of high intrinsic
  // dimension the beam the target needs can make the index slower than exact search, or
  // not reach the target at all: then exact search is both faster and right.
  if (options.exactWhenBetter !== false && (probeSeconds >= exactSeconds || probeRecall < target)) {
    started = clock();
    const result = await ortKnn(points, k, { signal: options.signal });
    return {
      ...result,
      recall: 1,
      recallQueries: sample.length,
      expansionSearch: expansion,
      exactFallbackRows: n,
      exactInstead: probeRecall < target ? 'recall' : 'speed',
      indexReused,
      seconds: { build, recallCheck, search: clock() - started },
    };
  }

  started = clock();
  const result = emptyResult(n, k);
  const short: number[] = [];
  for (let start = 0; start < n; start += SEARCH_CHUNK) {
    const rows = Int32Array.from({ length: Math.min(SEARCH_CHUNK, n - start) }, (_, r) => start + r);
    short.push(...searchRows(index, points, rows, k, expansion, result));
    progress(n + start + rows.length);
    await checkpoint();
  }
  if (short.length > 0) await searchExactly(points, Int32Array.from(short), k, result, options.signal);
  const search = clock() - started;

  return {
    ...result,
    recall: neighbourRecall(result, exact, sample),
    recallQueries: sample.length,
    expansionSearch: expansion,
    exactFallbackRows: short.length,
    indexReused,
    seconds: { build, recallCheck, search },
  };
}

/** The points' bytes and everything that shapes the index built on them. */
function indexKey({ rows, dim, data }: DenseMatrix, { connectivity, expansionAdd }: HnswParameters): string {
  const hash = createHash('sha256').update(
    `${INDEX_VERSION}:${rows}:${dim}:${connectivity}:${expansionAdd}\n`,
  );
  hash.update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return hash.digest('hex');
}

/** The stored index for `key`, loaded and checked against the points, or undefined. */
async function storedIndex(
  store: IndexStore,
  key: string,
  emptyIndex: () => Index,
  rows: number,
  dim: number,
): Promise<Index | undefined> {
  const file = await store.find(key);
  if (!file) return undefined;
  const index = emptyIndex();
  try {
    index.load(file);
  } catch (error) {
    store.unusable(key, `usearch could not load it: ${(error as Error).message}`);
    return undefined;
  }
  if (index.size() !== rows || index.dimensions() !== dim) {
    store.unusable(
      key,
      `it holds ${index.size()} points of ${index.dimensions()} dimensions, not ${rows} of ${dim}`,
    );
    return undefined;
  }
  return index;
}

function emptyResult(n: number, k: number): KnnResult {
  return { n, k, indices: new Int32Array(n * k), distances: new Float32Array(n * k) };
}

/**
 * Searches `rows` of the points with a beam of `expansion` (usearch widens its
 * beam to the number of results asked for) and writes their k nearest into
 * `into`. Returns the rows the index answered with fewer than k neighbours.
 */
function searchRows(
  index: Index,
  points: DenseMatrix,
  rows: Int32Array,
  k: number,
  expansion: number,
  into: KnnResult,
): number[] {
  const wanted = Math.min(points.rows, Math.max(expansion, k + 1));
  const words = candidateWords(index.search(gatherRows(points, rows).data, wanted, 0).keys);
  const short: number[] = [];
  // Only the k + 1 best by the index's distances are re-ranked, as ortKnn re-ranks TopK's.
  const reranked = Math.min(k + 1, wanted);
  const { data, dim } = points;
  rows.forEach((row, r) => {
    if (!keepNeighbours(row, words, r * wanted, reranked, data, dim, k, into.indices, into.distances))
      short.push(row);
  });
  return short;
}

async function searchExactly(
  points: DenseMatrix,
  rows: Int32Array,
  k: number,
  into: KnnResult,
  signal: AbortSignal | undefined,
): Promise<void> {
  const exact = await ortCrossKnn(gatherRows(points, rows), points, k, { exclude: rows, signal });
  rows.forEach((row, r) => {
    into.indices.set(exact.indices.subarray(r * k, (r + 1) * k), row * k);
    into.distances.set(exact.distances.subarray(r * k, (r + 1) * k), row * k);
  });
}

function gatherRows(points: DenseMatrix, rows: Int32Array): DenseMatrix {
  const { dim, data } = points;
  if (rows.length > 0 && rows[rows.length - 1] - rows[0] === rows.length - 1) {
    return { rows: rows.length, dim, data: data.subarray(rows[0] * dim, (rows[rows.length - 1] + 1) * dim) };
  }
  const out = new Float32Array(rows.length * dim);
  rows.forEach((row, r) => out.set(data.subarray(row * dim, (row + 1) * dim), r * dim));
  return { rows: rows.length, dim, data: out };
}
