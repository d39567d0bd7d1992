import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DenseMatrix } from '../core/types';
import type { ScanResult, SkippedSample } from '../protocol/engine';
import { writeFileAtomic } from './atomicWrite';

/**
 * The `.margin/` cache in the workspace (or the CLI's working folder).
 * Embeddings are cached apart from results, so a new `k` or task re-uses the
 * model's output instead of running it again. Every write is atomic; a cache
 * file that cannot be read is treated as a miss, never as an error.
 */
export interface CachedEmbeddings {
  embeddings: DenseMatrix;
  logits?: DenseMatrix;
  keptIndices: Int32Array;
  skipped: SkippedSample[];
}

interface EmbeddingsMeta {
  version: 1;
  rows: number;
  dim: number;
  logitsDim: number;
  skipped: SkippedSample[];
}

export class MarginCache {
  constructor(private readonly root: string) {}

  get folder(): string {
    return join(this.root, '.margin');
  }

  async readEmbeddings(key: string): Promise<CachedEmbeddings | undefined> {
    try {
      const meta = JSON.parse(await readFile(this.path('embeddings', `${key}.json`), 'utf8')) as EmbeddingsMeta;
      if (meta.version !== 1) return undefined;
      const bytes = await readFile(this.path('embeddings', `${key}.bin`));
      const floats = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      const embeddingLength = meta.rows * meta.dim;
      const logitsLength = meta.rows * meta.logitsDim;
      if (floats.length !== embeddingLength + logitsLength + meta.rows) return undefined;
      return {
        embeddings: { rows: meta.rows, dim: meta.dim, data: floats.slice(0, embeddingLength) },
        logits: meta.logitsDim
          ? { rows: meta.rows, dim: meta.logitsDim, data: floats.slice(embeddingLength, embeddingLength + logitsLength) }
          : undefined,
        keptIndices: new Int32Array(floats.buffer.slice((embeddingLength + logitsLength) * 4)),
        skipped: meta.skipped,
      };
    } catch {
      return undefined;
    }
  }

  async writeEmbeddings(key: string, value: CachedEmbeddings): Promise<void> {
    await this.ensureIgnored();
    const { embeddings, logits, keptIndices } = value;
    const logitsLength = logits ? logits.data.length : 0;
    const floats = new Float32Array(embeddings.data.length + logitsLength + keptIndices.length);
    floats.set(embeddings.data, 0);
    if (logits) floats.set(logits.data, embeddings.data.length);
    // Indices are stored bit for bit in the float buffer (an Int32Array view of the tail).
    new Int32Array(floats.buffer, (embeddings.data.length + logitsLength) * 4).set(keptIndices);
    const meta: EmbeddingsMeta = {
      version: 1,
      rows: embeddings.rows,
      dim: embeddings.dim,
      logitsDim: logits ? logits.dim : 0,
      skipped: value.skipped,
    };
    // Binary first, metadata last: the metadata's presence marks a complete entry.
    await writeFileAtomic(this.path('embeddings', `${key}.bin`), new Uint8Array(floats.buffer));
    await writeFileAtomic(this.path('embeddings', `${key}.json`), JSON.stringify(meta));
  }

  async readResult(key: string): Promise<ScanResult | undefined> {
    try {
      return JSON.parse(await readFile(this.path('results', `${key}.json`), 'utf8')) as ScanResult;
    } catch {
      return undefined;
    }
  }

  async writeResult(key: string, result: ScanResult): Promise<void> {
    await this.ensureIgnored();
    await writeFileAtomic(this.path('results', `${key}.json`), JSON.stringify(result));
  }

  private path(kind: 'embeddings' | 'results', file: string): string {
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
