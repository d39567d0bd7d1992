import { pca } from '../core/pca';
import type { DenseMatrix } from '../core/types';
import type { Dataset, ImageSource } from '../data/types';
import { throwIfAborted } from '../core/errors';
import { embedDataset, loadModelConfig, openModel, ortGram, type ModelConfig } from '../model';
import type { ScanParams, SkippedSample } from '../protocol/engine';
import { MarginCache } from './cache';
import { stageOptions, type JobContext } from './context';
import { datasetFingerprint, hashJson } from './fingerprint';

/** Raw pixels are projected to this many principal components when there is no model. */
const PIXEL_PCA_COMPONENTS = 50;
const DEFAULT_BATCH_SIZE = 256;

/** The points the kNN graph is built on, one row per sample that could be read. */
export interface Representation {
  points: DenseMatrix;
  /** Dataset index of each row of `points`. */
  keptIndices: Int32Array;
  logits?: DenseMatrix;
  /** Class names of the model's logits (from the sidecar), when a model ran. */
  classNames?: string[];
  skipped: SkippedSample[];
  source: 'model-embeddings' | 'features' | 'pixels-pca';
  cached: boolean;
}

export async function computeRepresentation(
  dataset: Dataset,
  params: ScanParams,
  context: JobContext,
  cache: MarginCache | undefined,
): Promise<Representation> {
  if (params.model) {
    if (!dataset.images) {
      // A model over feature rows would need the features to be its input tensor;
      // the graph is then built on the features themselves.
      context.log('warn', `${dataset.source} holds features, not images: the model is not used for the graph`);
    } else {
      return modelEmbeddings(dataset, dataset.images, params.model, params, context, cache);
    }
  }
  if (dataset.features) {
    return {
      points: dataset.features,
      keptIndices: Int32Array.from(dataset.samples.keys()),
      skipped: dataset.skipped,
      source: 'features',
      cached: false,
    };
  }
  return pixelComponents(dataset, dataset.images!, context);
}

async function modelEmbeddings(
  dataset: Dataset,
  images: ImageSource,
  modelPath: string,
  params: ScanParams,
  context: JobContext,
  cache: MarginCache | undefined,
): Promise<Representation> {
  const model = await openModel(modelPath);
  const config: ModelConfig = await loadModelConfig(modelPath, model.info);
  const key = hashJson({ version: 1, model: model.sha256, config, data: await datasetFingerprint(dataset) });
  const hit = await cache?.readEmbeddings(key);
  if (hit) {
    context.log('info', `embeddings read from the cache (${hit.embeddings.rows} × ${hit.embeddings.dim})`);
    return {
      points: hit.embeddings,
      keptIndices: hit.keptIndices,
      logits: hit.logits,
      classNames: config.labels,
      skipped: mergeSkipped(dataset.skipped, hit.skipped),
      source: 'model-embeddings',
      cached: true,
    };
  }
  const embedded = await embedDataset(model, config, images, {
    batchSize: params.batchSize ?? DEFAULT_BATCH_SIZE,
    ...stageOptions(context, 'running the model'),
    files: (index: number) => dataset.samples[index]?.path ?? dataset.source,
  });
  for (const skip of embedded.skipped) context.log('warn', `skipped ${skip.file}: ${skip.problem}`);
  await cache?.writeEmbeddings(key, embedded);
  return {
    points: embedded.embeddings,
    keptIndices: embedded.keptIndices,
    logits: embedded.logits,
    classNames: config.labels,
    skipped: mergeSkipped(dataset.skipped, embedded.skipped),
    source: 'model-embeddings',
    cached: false,
  };
}

/** Without a model, images are compared by their pixels, reduced by PCA. */
async function pixelComponents(dataset: Dataset, images: ImageSource, context: JobContext): Promise<Representation> {
  const rows: Uint8Array[] = [];
  const kept: number[] = [];
  const skipped: SkippedSample[] = [];
  let dim = -1;
  for (let index = 0; index < images.count; index++) {
    if (index % 1024 === 0) {
      throwIfAborted(context.signal);
      context.progress('reading pixels', index, images.count);
    }
    try {
      const image = await images.read(index);
      if (dim < 0) dim = image.pixels.length;
      if (image.pixels.length !== dim) {
        skipped.push({ index, file: fileOf(dataset, index), problem: 'has a different size from the first image' });
        continue;
      }
      rows.push(image.pixels);
      kept.push(index);
    } catch (error) {
      skipped.push({ index, file: fileOf(dataset, index), problem: (error as Error).message });
    }
  }
  const data = new Float32Array(rows.length * Math.max(dim, 0));
  rows.forEach((pixels, row) => {
    for (let j = 0; j < dim; j++) data[row * dim + j] = pixels[j] / 255;
  });
  const matrix = { rows: rows.length, dim, data };
  const components = Math.min(PIXEL_PCA_COMPONENTS, dim, Math.max(rows.length - 1, 1));
  const projected = await pca(matrix, components, { gram: ortGram, ...stageOptions(context, 'pixel PCA') });
  return {
    points: projected.projected,
    keptIndices: Int32Array.from(kept),
    skipped: mergeSkipped(dataset.skipped, skipped),
    source: 'pixels-pca',
    cached: false,
  };
}

function fileOf(dataset: Dataset, index: number): string {
  return dataset.samples[index]?.path ?? `${dataset.source}#${index}`;
}

/** A sample can be reported by the loader and again by the reader: keep one entry per index. */
function mergeSkipped(...lists: SkippedSample[][]): SkippedSample[] {
  const byIndex = new Map<number, SkippedSample>();
  for (const list of lists) for (const skip of list) if (!byIndex.has(skip.index)) byIndex.set(skip.index, skip);
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}
