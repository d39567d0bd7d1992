import { createHash, randomBytes, type Hash } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { DenseMatrix } from '../core/types';
import type { IndexStore } from '../model/approximateKnn';
import type { ImageAdjustmentCounts } from '../data/imageAdjustments';
import type { ScanResult, SkippedSample } from '../protocol/engine';
import { writeFileAtomic } from './atomicWrite';
import { contentDigest } from './fingerprint';
import {
  count,
  listOf,
  optional,
  recordOf,
  scanResultProblem,
  shape,
  skippedSample,
  string,
} from './cacheSchema';

/**
 * The `.margin/` cache in the workspace (or the CLI's working folder).
 * Embeddings are cached apart from results, so a new `k` or task re-uses the
 * model's output instead of running it again.
 *
 * Nothing read from the cache is trusted: an entry that is truncated, does
 * not match its schema, holds bytes other than those written (each binary
 * file's SHA-256 is in its metadata) or was filed under another key is
 * ignored, reported once in `notices`, and rebuilt by the caller, which
 * overwrites it. Every write is atomic (temporary file + rename), and the
 * metadata of an entry is written last, so its presence marks a complete one.
 */
export interface CachedEmbeddings {
  embeddings: DenseMatrix;
  logits?: DenseMatrix;
  keptIndices: Int32Array;
  skipped: SkippedSample[];
  /** Image datasets: how many images were resized or converted on the way to the model. */
  images?: ImageAdjustmentCounts;
}

/** Bumped whenever a file layout changes; an entry of another version is a plain miss. */
const EMBEDDINGS_VERSION = 2;
const RESULT_VERSION = 1;

interface EmbeddingsMeta {
  version: typeof EMBEDDINGS_VERSION;
  key: string;
  rows: number;
  dim: number;
  logitsDim: number;
  skipped: SkippedSample[];
  images?: ImageAdjustmentCounts;
  /** SHA-256 (hex) of each binary file. */
  sha256: Record<EmbeddingPart, string>;
}

type EmbeddingPart = 'embeddings' | 'logits' | 'kept';
const PARTS: EmbeddingPart[] = ['embeddings', 'logits', 'kept'];
const hex = (value: unknown, name: string) =>
  typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? undefined : `${name} is not a SHA-256`;
const embeddingsMetaShape = shape({
  key: string,
  rows: count,
  dim: count,
  logitsDim: count,
  skipped: listOf(skippedSample),
  images: optional(shape({ images: count, resized: count, converted: count, conversions: recordOf(count) })),
  sha256: shape({ embeddings: hex, logits: hex, kept: hex }),
});

type Kind = 'embeddings' | 'results' | 'indexes';
const INDEX_VERSION = 1;
const indexMetaShape = shape({ key: string, bytes: count, sha256: hex });

export class MarginCache {
  /** One line per cache entry that was found damaged and will be rebuilt. */
  readonly notices: string[] = [];

  constructor(private readonly root: string) {}

  get folder(): string {
    return join(this.root, '.margin');
  }

  /**
   * The embeddings stored under `key`, or undefined. `samples` is the size of
   * the dataset they were computed from: every kept index must fall inside it.
   */
  async readEmbeddings(key: string, samples: number): Promise<CachedEmbeddings | undefined> {
    const metaFile = this.path('embeddings', `${key}.json`);
    const meta = await this.readEntry<EmbeddingsMeta>(metaFile, EMBEDDINGS_VERSION, key, (entry) =>
      embeddingsMetaShape(entry, ''),
    );
    if (!meta) return undefined;
    const { rows, dim, logitsDim, skipped, images, sha256 } = meta as EmbeddingsMeta;
    if (rows < 1 || dim < 1) return this.damaged(metaFile, `it declares ${rows} × ${dim} embeddings`);

    const expectedBytes: Record<EmbeddingPart, number> = {
      embeddings: rows * dim * 4,
      logits: rows * logitsDim * 4,
      kept: rows * 4,
    };
    const parts = {} as Record<EmbeddingPart, Uint8Array>;
    for (const part of PARTS) {
      const file = this.path('embeddings', `${key}.${part}`);
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch {
        return this.damaged(file, 'it cannot be read');
      }
      if (bytes.byteLength !== expectedBytes[part])
        return this.damaged(file, `it holds ${bytes.byteLength} bytes, expected ${expectedBytes[part]}`);
      if (createHash('sha256').update(bytes).digest('hex') !== sha256[part])
        return this.damaged(file, 'its bytes differ from those written');
      parts[part] = bytes;
    }
    const embeddings = floatsOf(parts.embeddings);
    const logits = floatsOf(parts.logits);
    const keptIndices = new Int32Array(parts.kept.buffer, parts.kept.byteOffset, rows);
    const nonFinite = [embeddings, logits].findIndex((values) =>
      values.some((value) => !Number.isFinite(value)),
    );
    if (nonFinite >= 0)
      return this.damaged(
        this.path('embeddings', `${key}.${PARTS[nonFinite]}`),
        'it holds a non-finite value',
      );
    for (let r = 0; r < rows; r++) {
      if (keptIndices[r] < 0 || keptIndices[r] >= samples || (r > 0 && keptIndices[r] <= keptIndices[r - 1]))
        return this.damaged(
          this.path('embeddings', `${key}.kept`),
          `row ${r} has sample index ${keptIndices[r]}, not in increasing order within 0..${samples - 1}`,
        );
    }
    const skippedOutside = skipped.find((skip) => skip.index >= samples);
    if (skippedOutside)
      return this.damaged(metaFile, `skipped sample ${skippedOutside.index} is outside the dataset`);
    return {
      embeddings: { rows, dim, data: embeddings },
      logits: logitsDim ? { rows, dim: logitsDim, data: logits } : undefined,
      keptIndices,
      skipped,
      ...(images ? { images } : {}),
    };
  }

  /**
   * Starts writing the embeddings stored under `key`, batch by batch as the
   * model produces them, so that no second copy of them is held for the
   * write. Nothing is visible under `key` until `commit`.
   */
  async beginEmbeddings(key: string): Promise<EmbeddingsWriter> {
    await this.ensureIgnored();
    return EmbeddingsWriter.open(
      key,
      (part) => this.path('embeddings', `${key}.${part}`),
      (file, text) => writeFileAtomic(file, text),
    );
  }

  /** Writes embeddings held in memory in one go (the same files `beginEmbeddings` streams). */
  async writeEmbeddings(key: string, value: CachedEmbeddings): Promise<void> {
    const writer = await this.beginEmbeddings(key);
    try {
      await writer.append(value.embeddings.data, value.logits?.data, value.keptIndices);
      await writer.commit(
        value.embeddings.rows,
        value.embeddings.dim,
        value.logits?.dim ?? 0,
        value.skipped,
        value.images,
      );
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  /**
   * Approximate kNN indexes (`model/approximateKnn`), kept so that a new k,
   * task or scorer on the same points skips the build. usearch aborts the
   * process on a damaged index file, so a file is handed back only when its
   * size and SHA-256 match the metadata written with it.
   */
  indexStore(): IndexStore {
    return {
      find: (key) => this.findIndex(key),
      keep: (key, save) => this.keepIndex(key, save),
      unusable: (key, problem) => this.damaged(this.path('indexes', `${key}.usearch`), problem),
    };
  }

  private async findIndex(key: string): Promise<string | undefined> {
    const metaFile = this.path('indexes', `${key}.json`);
    const meta = await this.readEntry<{ bytes: number; sha256: string }>(
      metaFile,
      INDEX_VERSION,
      key,
      (entry) => indexMetaShape(entry, ''),
    );
    if (!meta) return undefined;
    const { bytes, sha256 } = meta;
    const file = this.path('indexes', `${key}.usearch`);
    const digest = await fileDigest(file);
    if (!digest) return this.damaged(file, 'it cannot be read');
    if (digest.bytes !== bytes)
      return this.damaged(file, `it holds ${digest.bytes} bytes, expected ${bytes}`);
    if (digest.sha256 !== sha256) return this.damaged(file, 'its bytes differ from those written');
    return file;
  }

  private async keepIndex(key: string, save: (file: string) => void): Promise<void> {
    await this.ensureIgnored();
    const file = this.path('indexes', `${key}.usearch`);
    const temporary = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    await mkdir(dirname(file), { recursive: true });
    try {
      save(temporary);
      const digest = (await fileDigest(temporary))!;
      await rm(this.path('indexes', `${key}.json`), { force: true });
      await rename(temporary, file);
      const meta = { version: INDEX_VERSION, key, bytes: digest.bytes, sha256: digest.sha256 };
      await writeFileAtomic(this.path('indexes', `${key}.json`), JSON.stringify(meta));
    } finally {
      await rm(temporary, { force: true });
    }
  }

  async readResult(key: string): Promise<ScanResult | undefined> {
    const file = this.path('results', `${key}.json`);
    const entry = await this.readEntry<{ result: ScanResult }>(file, RESULT_VERSION, key, (value) =>
      scanResultProblem((value as { result?: unknown }).result),
    );
    if (!entry) return undefined;
    const valid = entry.result;
    // JSON wrote NaN scores as null.
    for (const sample of valid.samples) if (sample.score === null) sample.score = NaN;
    return valid;
  }

  async writeResult(key: string, result: ScanResult): Promise<void> {
    await this.ensureIgnored();
    await writeFileAtomic(
      this.path('results', `${key}.json`),
      JSON.stringify({ version: RESULT_VERSION, key, result }),
    );
  }

  /**
   * The JSON entry in `file` when it is of `version`, filed under `key` and
   * passes `check`; undefined when it is absent or of another version (a
   * miss) or damaged (reported).
   */
  private async readEntry<T>(
    file: string,
    version: number,
    key: string,
    check: (entry: unknown) => string | undefined,
  ): Promise<T | undefined> {
    const entry = await this.readJson(file);
    if (entry === undefined || isOtherVersion(entry, version)) return undefined;
    const filedUnder = (entry as { key?: unknown }).key;
    const problem =
      versionProblem(entry) ?? check(entry) ?? (filedUnder !== key ? 'it belongs to another key' : undefined);
    return problem ? this.damaged(file, problem) : (entry as T);
  }

  /** A file's JSON, or undefined when it is absent (a miss) or not JSON (damaged, reported). */
  private async readJson(file: string): Promise<unknown> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      return undefined;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return this.damaged(file, 'it is not valid JSON (truncated or overwritten)');
    }
  }

  private damaged(file: string, problem: string): undefined {
    this.notices.push(
      `ignored the damaged cache file ${relative(this.root, file)} (${problem}); it was rebuilt`,
    );
    return undefined;
  }

  private path(kind: Kind, file: string): string {
    return join(this.folder, kind, file);
  }

  /** Keeps the cache out of the user's commits. */
  private async ensureIgnored(): Promise<void> {
    const ignore = join(this.folder, '.gitignore');
    try {
      await readFile(ignore);
    } catch {
      await writeFileAtomic(ignore, '# MARGIN Lens cache: safe to delete\n*\n');
    }
  }
}

/** An entry written by another version of MARGIN Lens: a plain miss, not damage. */
function isOtherVersion(entry: unknown, version: number): boolean {
  const found = (entry as { version?: unknown } | null)?.version;
  return typeof found === 'number' && found !== version;
}

function versionProblem(entry: unknown): string | undefined {
  return typeof (entry as { version?: unknown } | null)?.version === 'number'
    ? undefined
    : 'it has no version';
}

/** Size and SHA-256 of a file; undefined when it cannot be read. */
async function fileDigest(file: string): Promise<{ bytes: number; sha256: string } | undefined> {
  try {
    const bytes = (await stat(file)).size;
    return { bytes, sha256: await contentDigest(file) };
  } catch {
    return undefined;
  }
}

function floatsOf(bytes: Uint8Array): Float32Array {
  // readFile's Buffer may sit at any offset of a shared pool: copy when it is not 4-byte aligned.
  if (bytes.byteOffset % 4 === 0)
    return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  return new Float32Array(bytes.slice().buffer);
}

/** Three binary files streamed to temporary names, hashed as they grow, renamed into place on commit. */
export class EmbeddingsWriter {
  private rows = 0;

  private constructor(
    private readonly key: string,
    private readonly finalPath: (part: EmbeddingPart | 'json') => string,
    private readonly writeMeta: (file: string, text: string) => Promise<void>,
    private readonly files: Record<EmbeddingPart, { temporary: string; handle: FileHandle; hash: Hash }>,
  ) {}

  static async open(
    key: string,
    finalPath: (part: EmbeddingPart | 'json') => string,
    writeMeta: (file: string, text: string) => Promise<void>,
  ): Promise<EmbeddingsWriter> {
    const suffix = `${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const files = {} as Record<EmbeddingPart, { temporary: string; handle: FileHandle; hash: Hash }>;
    await mkdir(dirname(finalPath('json')), { recursive: true });
    for (const part of PARTS) {
      const temporary = `${finalPath(part)}.${suffix}`;
      files[part] = { temporary, handle: await open(temporary, 'w'), hash: createHash('sha256') };
    }
    return new EmbeddingsWriter(key, finalPath, writeMeta, files);
  }

  /** Appends rows: their embeddings, logits (when the model has them) and dataset indices. */
  async append(
    embeddings: Float32Array,
    logits: Float32Array | undefined,
    kept: ArrayLike<number>,
  ): Promise<void> {
    const parts: Record<EmbeddingPart, Uint8Array> = {
      embeddings: bytesOf(embeddings),
      logits: logits ? bytesOf(logits) : new Uint8Array(0),
      kept: bytesOf(Int32Array.from(kept)),
    };
    for (const part of PARTS) {
      const file = this.files[part];
      file.hash.update(parts[part]);
      await file.handle.write(parts[part]);
    }
    this.rows += kept.length;
  }

  /** Closes the files, moves them into place and writes the metadata that makes the entry visible. */
  async commit(
    rows: number,
    dim: number,
    logitsDim: number,
    skipped: SkippedSample[],
    images?: ImageAdjustmentCounts,
  ): Promise<void> {
    if (rows !== this.rows) throw new Error(`the cache was given ${this.rows} rows of ${rows} embeddings`);
    const sha256 = {} as Record<EmbeddingPart, string>;
    // An older entry under this key (a damaged one being rebuilt) stops being visible first.
    await rm(this.finalPath('json'), { force: true });
    for (const part of PARTS) {
      const file = this.files[part];
      await file.handle.close();
      sha256[part] = file.hash.digest('hex');
      await rename(file.temporary, this.finalPath(part));
    }
    const meta: EmbeddingsMeta = {
      version: EMBEDDINGS_VERSION,
      key: this.key,
      rows: this.rows,
      dim,
      logitsDim,
      skipped,
      ...(images ? { images } : {}),
      sha256,
    };
    await this.writeMeta(this.finalPath('json'), JSON.stringify(meta));
  }

  /** Drops what was written (a failed or cancelled run leaves no entry behind). */
  async abort(): Promise<void> {
    for (const part of PARTS) {
      const file = this.files[part];
      await file.handle.close().catch(() => undefined);
      await rm(file.temporary, { force: true });
    }
  }
}

function bytesOf(values: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}
