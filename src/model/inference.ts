/**
 * Batched inference over a dataset's images: one pass yields the logits and the
 * tapped embeddings of every image that can be read. Images that fail to decode
 * are skipped and reported; a model that cannot take the images at all (wrong
 * size) is an InputError naming an image, the model and both shapes.
 */
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import { InputError, throwIfAborted } from '../core/errors';
import type { ComputeOptions, DenseMatrix } from '../core/types';
import type { ImageSource, RawImage } from '../data/types';
import { findEmbeddingTensor, withExtraOutput } from './embeddingTap';
import { batchDims, pixelsPerImage, sizeMismatch, writeImage } from './preprocess';
import { createSession, type LoadedModel } from './session';
import { sidecarPath, type ModelConfig } from './sidecar';

export interface EmbedOptions extends ComputeOptions {
  batchSize: number;
  /** The file to name for image `index` in messages (its path, or the dataset file). */
  files: (index: number) => string;
}

export interface SkippedImage {
  index: number;
  file: string;
  problem: string;
}

export interface Embedded {
  logits: DenseMatrix;
  embeddings: DenseMatrix;
  /** Dataset index of each row. */
  keptIndices: Int32Array;
  skipped: SkippedImage[];
}

type Decoded = { index: number; image: RawImage } | { index: number; problem: string };

export async function embedDataset(
  model: LoadedModel,
  config: ModelConfig,
  images: ImageSource,
  options: EmbedOptions,
): Promise<Embedded> {
  const embeddingName = findEmbeddingTensor(model, config);
  const session = await createSession(model.path, withExtraOutput(model, embeddingName));
  const declaredRank = model.info.inputs.find((i) => i.name === config.input.name)!.dims.length;
  const modelName = basename(model.path);
  const perImage = pixelsPerImage(config.input);
  const batchSize = Math.max(1, Math.floor(options.batchSize));
  const total = images.count;

  const out = new GrowingRows();
  const kept: number[] = [];
  const skipped: SkippedImage[] = [];
  let anyMatched = false;

  const decodeBatch = (start: number): Promise<Decoded[]> =>
    Promise.all(
      range(start, Math.min(total, start + batchSize)).map((index) =>
        images.read(index, config.input.channels).then(
          (image): Decoded => ({ index, image }),
          (error: unknown): Decoded => ({ index, problem: problemOf(error) }),
        ),
      ),
    );

  try {
    // Decoding (sharp, on libuv threads) of the next batch overlaps inference of this one.
    let pending = total > 0 ? decodeBatch(0) : undefined;
    for (let start = 0; start < total; start += batchSize) {
      throwIfAborted(options.signal);
      const decoded = await pending!;
      pending = start + batchSize < total ? decodeBatch(start + batchSize) : undefined;

      const batch = new Float32Array(decoded.length * perImage);
      const rows: number[] = [];
      for (const item of decoded) {
        const file = options.files(item.index);
        if ('problem' in item) {
          skipped.push({ index: item.index, file, problem: item.problem });
          continue;
        }
        const mismatch = sizeMismatch(item.image, config.input, modelName);
        if (mismatch) {
          // The first readable image decides: a model that takes none of the images is the user's error.
          if (!anyMatched) throw new InputError(file, mismatch);
          skipped.push({ index: item.index, file, problem: mismatch });
          continue;
        }
        anyMatched = true;
        writeImage(item.image, config.input, batch, rows.length);
        rows.push(item.index);
      }
      if (rows.length > 0) {
        const input = new ort.Tensor('float32', batch.subarray(0, rows.length * perImage), batchDims(config.input, declaredRank, rows.length));
        const result = await runBatch(session, model.path, { [config.input.name]: input }, [config.logits, embeddingName]);
        out.append(result[config.logits], result[embeddingName], rows.length);
        kept.push(...rows);
      }
      options.onProgress?.(Math.min(total, start + batchSize), total);
      // Let cancellation and progress messages through between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await session.release();
  }

  if (kept.length === 0) {
    throw new InputError(images.count === 0 ? options.files(0) : skipped[0]?.file ?? model.path, 'no image could be read, so there is nothing to scan');
  }
  const result = out.finish();
  checkLabelCount(config, result.logits.dim, model.path);
  return { ...result, keptIndices: Int32Array.from(kept), skipped };
}

async function runBatch(
  session: ort.InferenceSession,
  path: string,
  feeds: Record<string, ort.Tensor>,
  fetches: string[],
): Promise<Record<string, ort.Tensor>> {
  try {
    return await session.run(feeds, fetches);
  } catch (error) {
    throw new InputError(path, `onnxruntime failed to run the model: ${(error instanceof Error ? error.message : String(error)).split('\n')[0]}`);
  }
}

function checkLabelCount(config: ModelConfig, logitsDim: number, modelPath: string): void {
  if (config.labels && config.labels.length !== logitsDim) {
    throw new InputError(sidecarPath(modelPath), `lists ${config.labels.length} labels, but the model outputs ${logitsDim} logits`);
  }
}

function problemOf(error: unknown): string {
  if (error instanceof InputError) return error.problem;
  return error instanceof Error ? error.message : String(error);
}

function range(start: number, end: number): number[] {
  return Array.from({ length: Math.max(0, end - start) }, (_, i) => start + i);
}

/** Row-major float rows appended batch by batch, in doubling buffers (60k × 64 floats without 60k small arrays). */
class GrowingRows {
  private logits: Float32Array = new Float32Array(0);
  private embeddings: Float32Array = new Float32Array(0);
  private logitsDim = -1;
  private embeddingDim = -1;
  private rows = 0;

  append(logits: ort.Tensor, embeddings: ort.Tensor, count: number): void {
    const logitsData = logits.data as Float32Array;
    const embeddingData = embeddings.data as Float32Array;
    if (this.logitsDim < 0) {
      this.logitsDim = logitsData.length / count;
      this.embeddingDim = embeddingData.length / count;
    }
    this.logits = ensureCapacity(this.logits, (this.rows + count) * this.logitsDim);
    this.embeddings = ensureCapacity(this.embeddings, (this.rows + count) * this.embeddingDim);
    this.logits.set(logitsData, this.rows * this.logitsDim);
    this.embeddings.set(embeddingData, this.rows * this.embeddingDim);
    this.rows += count;
  }

  finish(): { logits: DenseMatrix; embeddings: DenseMatrix } {
    return {
      logits: { rows: this.rows, dim: this.logitsDim, data: this.logits.slice(0, this.rows * this.logitsDim) },
      embeddings: { rows: this.rows, dim: this.embeddingDim, data: this.embeddings.slice(0, this.rows * this.embeddingDim) },
    };
  }
}

function ensureCapacity(buffer: Float32Array, needed: number): Float32Array {
  if (buffer.length >= needed) return buffer;
  const grown = new Float32Array(Math.max(needed, buffer.length * 2));
  grown.set(buffer);
  return grown;
}
