/**
 * Batched inference over a dataset: one pass yields the logits and the tapped
 * embeddings of every sample that can be read, from images (`embedDataset`)
 * or from table rows for a model with a vector input (`embedVectors`).
 * Images that fail to decode are skipped and reported; a model that cannot
 * take the images at all (wrong size, or a vector model) is an InputError
 * naming an image or the model, and both shapes. A model exported with a fixed
 * batch is fed exactly that many samples per run, the last run zero-padded.
 */
import { basename } from 'node:path';
import * as ort from 'onnxruntime-node';
import { InputError, throwIfAborted } from '../core/errors';
import type { ComputeOptions, DenseMatrix } from '../core/types';
import {
  countAdjustments,
  emptyAdjustmentCounts,
  type ImageAdjustmentCounts,
} from '../data/imageAdjustments';
import type { ImageSource, RawImage, StoredImageSize } from '../data/types';
import { inBatches, type BatchPlan } from './batches';
import { findEmbeddingTensor, withExtraOutput } from './embeddingTap';
import { batchDims, pixelsPerImage, readModelImage, sizeMismatch, writeImage } from './preprocess';
import { createSession, declaredBatch, runFailure, type LoadedModel } from './session';
import { sidecarPath, takesImages, type ModelConfig } from './sidecar';

export interface EmbedOptions extends ComputeOptions {
  batchSize: number;
  /** The file to name for sample `index` in messages (its path, or the dataset file). */
  files: (index: number) => string;
  /** Receives each batch's rows as soon as they are computed (the cache streams them to disk). */
  onBatch?: (embeddings: Float32Array, logits: Float32Array, kept: number[]) => Promise<void>;
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
  /** Images only: how many of the images read were resized or converted to the model's input. */
  images?: ImageAdjustmentCounts;
}

type Decoded = { index: number; image: RawImage } | { index: number; problem: string };

export async function embedDataset(
  model: LoadedModel,
  config: ModelConfig,
  images: ImageSource,
  options: EmbedOptions,
): Promise<Embedded> {
  if (!takesImages(config)) throw await imagesForVectorModel(model, config, images, options);
  const declaredRank = model.info.inputs.find((i) => i.name === config.input.name)!.dims.length;
  const modelName = basename(model.path);
  const perImage = pixelsPerImage(config.input);
  const total = images.count;
  const tapped = await TappedModel.open(model, config, options.batchSize);
  const step = tapped.step;

  const out = new GrowingRows(total);
  const kept: number[] = [];
  const skipped: SkippedImage[] = [];
  const adjustments = emptyAdjustmentCounts();

  // Images held in memory at the model's size and channels need no decoding or conversion: their
  // pixels are read in place (60,000 Fashion-MNIST images: no copy, promise or object each).
  const stored = images.shape;
  const inPlace =
    images.storedPixels &&
    stored?.height === config.input.height &&
    stored.width === config.input.width &&
    stored.channels === config.input.channels
      ? images.storedPixels.bind(images)
      : undefined;
  const decodeBatch = (start: number): Promise<Decoded[]> =>
    inPlace
      ? Promise.resolve(
          range(start, Math.min(total, start + step)).map((index) => ({
            index,
            image: { ...stored!, pixels: inPlace(index) },
          })),
        )
      : Promise.all(
          range(start, Math.min(total, start + step)).map((index) =>
            readModelImage(images, index, config.input).then(
              (image): Decoded => ({ index, image }),
              (error: unknown): Decoded => ({ index, problem: problemOf(error) }),
            ),
          ),
        );

  // One input buffer for every batch: a fresh one per batch would touch 190 MB of new memory
  // over the 60,000 Fashion-MNIST images, page by page.
  const batch = new Float32Array(step * perImage);
  try {
    // Decoding (sharp, on libuv threads) of the next batch overlaps inference of this one.
    let pending = total > 0 ? decodeBatch(0) : undefined;
    for (let start = 0; start < total; start += step) {
      throwIfAborted(options.signal);
      const decoded = await pending!;
      pending = start + step < total ? decodeBatch(start + step) : undefined;

      const rows: number[] = [];
      for (const item of decoded) {
        const file = options.files(item.index);
        if ('problem' in item) {
          skipped.push({ index: item.index, file, problem: item.problem });
          continue;
        }
        // Every image is handled on its own, so the outcome never depends on where it sits in the order.
        const mismatch = sizeMismatch(item.image, config.input, modelName);
        if (mismatch) {
          skipped.push({ index: item.index, file, problem: mismatch });
          continue;
        }
        countAdjustments(adjustments, item.image.adjusted);
        writeImage(item.image, config.input, batch, rows.length);
        rows.push(item.index);
      }
      if (rows.length > 0) {
        const x = batch.subarray(0, rows.length * perImage);
        const [logits, embeddings] = await tapped.run(x, rows.length, perImage, (count) =>
          batchDims(config.input, declaredRank, count),
        );
        out.append(logits, embeddings, rows.length);
        kept.push(...rows);
        await options.onBatch?.(embeddings, logits, rows);
      }
      options.onProgress?.(Math.min(total, start + step), total);
      // Let cancellation and progress messages through between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await tapped.release();
  }

  if (kept.length === 0) {
    const first = skipped[0] ? ` (the first, ${skipped[0].file}, ${skipped[0].problem})` : '';
    throw new InputError(
      images.count === 0 ? options.files(0) : (skipped[0]?.file ?? model.path),
      `no image could be read, so there is nothing to scan${first}`,
    );
  }
  return { ...finish(out, kept, skipped, config, model.path), images: adjustments };
}

/**
 * Logits and embeddings of a vector model for every row of `inputs` (already
 * normalised by `vectorInputs`): [rows, D] in, one run per batch.
 */
export async function embedVectors(
  model: LoadedModel,
  config: ModelConfig,
  inputs: DenseMatrix,
  options: EmbedOptions,
): Promise<Embedded> {
  if (inputs.rows === 0) throw new InputError(options.files(0), 'has no rows, so there is nothing to scan');
  const tapped = await TappedModel.open(model, config, options.batchSize);
  const out = new GrowingRows(inputs.rows);
  const chunk = tapped.step;
  try {
    for (let start = 0; start < inputs.rows; start += chunk) {
      throwIfAborted(options.signal);
      const count = Math.min(chunk, inputs.rows - start);
      const x = inputs.data.subarray(start * inputs.dim, (start + count) * inputs.dim);
      const [logits, embeddings] = await tapped.run(x, count, inputs.dim, (rows) => [rows, inputs.dim]);
      out.append(logits, embeddings, count);
      await options.onBatch?.(embeddings, logits, range(start, start + count));
      options.onProgress?.(start + count, inputs.rows);
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    await tapped.release();
  }
  return finish(
    out,
    Array.from({ length: inputs.rows }, (_, i) => i),
    [],
    config,
    model.path,
  );
}

/** The model with its embedding tensor exposed as an output, run in batches it accepts. */
class TappedModel {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly path: string,
    private readonly inputName: string,
    private readonly outputs: [string, string],
    private readonly plan: BatchPlan,
  ) {}

  /** Samples read per step between progress reports: the batch size, rounded to whole runs of a fixed batch. */
  get step(): number {
    const { batchSize, fixedBatch } = this.plan;
    return fixedBatch ? Math.max(1, Math.floor(batchSize / fixedBatch)) * fixedBatch : batchSize;
  }

  static async open(model: LoadedModel, config: ModelConfig, batchSize: number): Promise<TappedModel> {
    const embeddingName = findEmbeddingTensor(model, config);
    const session = await createSession(model.path, withExtraOutput(model, embeddingName));
    const input = model.info.inputs.find((i) => i.name === config.input.name)!;
    const plan = { batchSize: Math.max(1, Math.floor(batchSize)), fixedBatch: declaredBatch(input) };
    return new TappedModel(session, model.path, input.name, [config.logits, embeddingName], plan);
  }

  /** Logits and embeddings of `n` samples of `perSample` floats; `dims(b)` is the input tensor's shape for b samples. */
  run(
    x: Float32Array,
    n: number,
    perSample: number,
    dims: (rows: number) => number[],
  ): Promise<Float32Array[]> {
    return inBatches(n, [x], [perSample], this.plan, async (rows, [slice]) => {
      const feed = { [this.inputName]: new ort.Tensor('float32', slice, dims(rows)) };
      let result: Record<string, ort.Tensor>;
      try {
        result = await this.session.run(feed, this.outputs);
      } catch (error) {
        throw runFailure(this.path, error);
      }
      return this.outputs.map((name) => {
        if (result[name].type !== 'float32') {
          throw new InputError(
            this.path,
            `output "${name}" holds ${result[name].type} values; MARGIN Lens reads float32 logits and embeddings`,
          );
        }
        return result[name].data as Float32Array;
      });
    });
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** Images given to a model that takes vectors: name the model and both shapes. */
async function imagesForVectorModel(
  model: LoadedModel,
  config: ModelConfig,
  images: ImageSource,
  options: EmbedOptions,
): Promise<InputError> {
  const width = config.vector!.size ?? 'D';
  const takes = `takes vectors of ${width} features (input "${config.vector!.name}" [N, ${width}]), not images`;
  // An array of images knows its shape; a folder or manifest is asked for its first image's
  // header only: decoding a 200-megapixel photo just to refuse it would take 600 MB.
  const first =
    images.shape || images.count === 0 ? undefined : await images.storedSize?.(0).catch(() => undefined);
  const shape = images.shape ?? first;
  const size = (s: StoredImageSize) =>
    `${s.width}×${s.height} with ${s.channels} channel${s.channels === 1 ? '' : 's'} (${s.channels}×${s.height}×${s.width})`;
  const holds = !shape
    ? `${options.files(0)} holds images`
    : first
      ? `${options.files(0)} is an image of ${size(shape)}`
      : `${options.files(0)} holds images of ${size(shape)}`;
  return new InputError(
    model.path,
    `${takes}: ${holds}; give a table of features (CSV) with this model, or a model that takes images`,
  );
}

function finish(
  out: GrowingRows,
  kept: number[],
  skipped: SkippedImage[],
  config: ModelConfig,
  modelPath: string,
): Embedded {
  const result = out.finish();
  if (config.labels && config.labels.length !== result.logits.dim) {
    throw new InputError(
      sidecarPath(modelPath),
      `lists ${config.labels.length} labels, but the model outputs ${result.logits.dim} logits`,
    );
  }
  return { ...result, keptIndices: Int32Array.from(kept), skipped };
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
  /** `capacity`: the most rows there can be (the dataset's size), allocated at once so that buffers never double. */
  constructor(private readonly capacity: number) {}

  private logits: Float32Array = new Float32Array(0);
  private embeddings: Float32Array = new Float32Array(0);
  private logitsDim = -1;
  private embeddingDim = -1;
  private rows = 0;

  append(logits: Float32Array, embeddings: Float32Array, count: number): void {
    if (this.logitsDim < 0) {
      this.logitsDim = logits.length / count;
      this.embeddingDim = embeddings.length / count;
    }
    this.logits = ensureCapacity(
      this.logits,
      (this.rows + count) * this.logitsDim,
      this.capacity * this.logitsDim,
    );
    this.embeddings = ensureCapacity(
      this.embeddings,
      (this.rows + count) * this.embeddingDim,
      this.capacity * this.embeddingDim,
    );
    this.logits.set(logits, this.rows * this.logitsDim);
    this.embeddings.set(embeddings, this.rows * this.embeddingDim);
    this.rows += count;
  }

  finish(): { logits: DenseMatrix; embeddings: DenseMatrix } {
    return {
      logits: { rows: this.rows, dim: this.logitsDim, data: fitted(this.logits, this.rows * this.logitsDim) },
      embeddings: {
        rows: this.rows,
        dim: this.embeddingDim,
        data: fitted(this.embeddings, this.rows * this.embeddingDim),
      },
    };
  }
}

/** The buffer itself when it is exactly full (no copy of a million rows); a trimmed copy otherwise. */
function fitted(buffer: Float32Array, length: number): Float32Array {
  return buffer.length === length ? buffer : buffer.slice(0, length);
}

function ensureCapacity(buffer: Float32Array, needed: number, expected: number): Float32Array {
  if (buffer.length >= needed) return buffer;
  const grown = new Float32Array(Math.max(needed, expected, buffer.length * 2));
  grown.set(buffer);
  return grown;
}
