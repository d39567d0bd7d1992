import { basename } from 'node:path';
import { pca } from '../core/pca';
import type { DenseMatrix } from '../core/types';
import { commonImageSize } from '../data/commonImageSize';
import { adjustmentMetrics, adjustmentNotice, countAdjustments, emptyAdjustmentCounts, type ImageAdjustmentCounts } from '../data/imageAdjustments';
import type { ImageFit } from '../data/imageFit';
import { standardizeColumns } from '../data/tabular';
import type { Dataset, ImageSource } from '../data/types';
import { InputError, isInputError, throwIfAborted } from '../core/errors';
import {
  embedDataset,
  embedVectors,
  loadModelConfig,
  openModel,
  imageFitOf,
  ortGram,
  vectorInputs,
  type Embedded,
  type EmbedOptions,
  type LoadedModel,
  type ModelConfig,
} from '../model';
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
  /** What the user should know about how the points were made (e.g. features standardised). */
  notices?: string[];
  /** Figures about how the points were made (e.g. how many images were resized), for the result's metrics. */
  metrics?: Record<string, number>;
}

export async function computeRepresentation(
  dataset: Dataset,
  params: ScanParams,
  context: JobContext,
  cache: MarginCache | undefined,
): Promise<Representation> {
  if (params.model) {
    const model = await openModel(params.model);
    const config = await loadModelConfig(params.model, model.info);
    // Images go to any model (one that takes vectors says so); feature rows to a model with a vector input.
    if (dataset.images || config.vector) return modelEmbeddings(dataset, model, config, params, context, cache);
    context.log(
      'warn',
      `${dataset.source} holds features and ${basename(model.path)} takes images: the model is not used for the graph`,
    );
  }
  if (dataset.features) return featurePoints(dataset, params);
  return pixelComponents(dataset, dataset.images!, context);
}

/**
 * A table's features, standardised by default (as a scikit-learn pipeline
 * would put a StandardScaler first): on the breast-cancer and wine tables the
 * raw columns let one large-valued column decide the neighbours.
 */
function featurePoints(dataset: Dataset, params: ScanParams): Representation {
  const plain = {
    keptIndices: Int32Array.from(dataset.samples.keys()),
    skipped: dataset.skipped,
    source: 'features' as const,
    cached: false,
  };
  if (dataset.kind !== 'tabular' || params.standardize === false) return { ...plain, points: dataset.features! };
  const { matrix, constantColumns } = standardizeColumns(dataset.features!);
  const names = dataset.columns?.features;
  const constant = constantColumns.length
    ? `; ${constantColumns.length} constant column${constantColumns.length === 1 ? '' : 's'} (${constantColumns
        .map((c) => JSON.stringify(names?.[c] ?? `#${c}`))
        .join(', ')}) left at 0`
    : '';
  const notice =
    `the ${matrix.dim} feature columns were standardised (mean 0, standard deviation 1 each, as scikit-learn's StandardScaler) ` +
    `so that no column outweighs the others by its unit${constant}; turn standardisation off to use the values as they are`;
  return { ...plain, points: matrix, notices: [notice] };
}

async function modelEmbeddings(
  dataset: Dataset,
  model: LoadedModel,
  config: ModelConfig,
  params: ScanParams,
  context: JobContext,
  cache: MarginCache | undefined,
): Promise<Representation> {
  // Without a cache there is nothing to key: the fingerprint reads a one-file dataset whole to hash it.
  const key = cache
    ? hashJson({ version: 1, model: model.sha256, config, data: await datasetFingerprint(dataset) })
    : '';
  const hit = await cache?.readEmbeddings(key, dataset.samples.length);
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
      ...(dataset.images ? imageReport(dataset, imageFitOf(config.input), hit.images) : {}),
    };
  }
  // Each batch goes to the cache as it comes, so no second copy of the embeddings is made for the write.
  const writer = await cache?.beginEmbeddings(key);
  const options: EmbedOptions = {
    batchSize: params.batchSize ?? DEFAULT_BATCH_SIZE,
    ...stageOptions(context, 'running the model'),
    files: (index: number) => dataset.samples[index]?.path ?? dataset.source,
    onBatch: writer && ((embeddings, logits, kept) => writer.append(embeddings, logits, kept)),
  };
  let embedded: Embedded;
  try {
    embedded = dataset.images
      ? await embedDataset(model, config, dataset.images, options)
      : await embedVectors(model, config, vectorInputs(dataset, config.vector!, model.path), options);
    await writer?.commit(
      embedded.embeddings.rows,
      embedded.embeddings.dim,
      embedded.logits.dim,
      embedded.skipped,
      embedded.images,
    );
  } catch (error) {
    await writer?.abort();
    throw error;
  }
  for (const skip of embedded.skipped) context.log('warn', `skipped ${skip.file}: ${skip.problem}`);
  return {
    points: embedded.embeddings,
    keptIndices: embedded.keptIndices,
    logits: embedded.logits,
    classNames: config.labels,
    skipped: mergeSkipped(dataset.skipped, embedded.skipped),
    source: 'model-embeddings',
    cached: false,
    ...(dataset.images ? imageReport(dataset, imageFitOf(config.input), embedded.images) : {}),
  };
}

/** How many images were resized or converted, as a notice naming the dataset and as metrics. */
function imageReport(
  dataset: Dataset,
  fit: ImageFit,
  counts: ImageAdjustmentCounts | undefined,
): Pick<Representation, 'notices' | 'metrics'> {
  const notice = adjustmentNotice(counts, fit);
  if (!notice) return {};
  return { notices: [`${basename(dataset.source)}: ${notice}`], metrics: adjustmentMetrics(counts) };
}

/**
 * Without a model, images are compared by their pixels, reduced by PCA. They
 * are read at one size, chosen from every image's header (commonImageSize.ts),
 * so that no image's place in the order changes the outcome.
 */
async function pixelComponents(dataset: Dataset, images: ImageSource, context: JobContext): Promise<Representation> {
  context.progress('reading image sizes', 0, images.count);
  const common = await commonImageSize(images, context.signal);
  const rows: Uint8Array[] = [];
  const kept: number[] = [];
  const skipped: SkippedSample[] = [];
  const counts = emptyAdjustmentCounts();
  for (let index = 0; index < images.count; index++) {
    if (index % 1024 === 0) {
      throwIfAborted(context.signal);
      context.progress('reading pixels', index, images.count);
    }
    try {
      const image = await images.read(index, common?.channels, common?.fit);
      countAdjustments(counts, image.adjusted);
      rows.push(image.pixels);
      kept.push(index);
    } catch (error) {
      skipped.push({ index, file: fileOf(dataset, index), problem: isInputError(error) ? error.problem : (error as Error).message });
    }
  }
  if (!common || rows.length === 0) {
    const first = skipped[0] ? ` (the first, ${skipped[0].file}, ${skipped[0].problem})` : '';
    throw new InputError(skipped[0]?.file ?? dataset.source, `no image could be read, so there is nothing to scan${first}`);
  }
  const dim = rows[0].length;
  const data = new Float32Array(rows.length * dim);
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
    ...imageReport(dataset, common.fit, counts),
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
