/**
 * One explanation, start to end: model → one input → logits → target class →
 * saliency map → the files asked for. The input is an image, a .npy model
 * input, or one row of a table for a model that takes vectors (its features
 * chosen and normalised as a scan feeds them, vectorInput.ts). The CLI runs it
 * in process; the engine serves it as the `explain` request.
 */
import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { InputError, ParameterError, isInputError, throwIfAborted } from '../core/errors';
import { TABLE_EXTENSIONS } from '../data/files';
import { readStoredSize } from '../data/imageDecode';
import { npyToFloat32, readNpy } from '../data/npy';
import { openDataset } from '../data/open';
import {
  attributionMethod,
  gradientModelOf,
  type AttributionMethod,
} from '../model/attribution/methods';
import { argmax, softmax } from '../model/attribution/batches';
import { faithfulnessMetrics } from '../model/attribution/faithfulness';
import { spatialLayout, type OcclusionOptions } from '../model/attribution/occlusion';
import { pixelImageOf } from '../model/attribution/marginSaliencyImage';
import type { MarginSaliencyOptions } from '../model/attribution/marginSaliencyOptions';
import type { ForwardPrecision } from '../model/autodiff';
import type { ForwardModel } from '../model/autodiff/types';
import { forwardModelOf, sampleShapeOf } from '../model/forwardModel';
import { pixelsPerImage, sizeMismatch, writeImage } from '../model/preprocess';
import { runExplainMethod } from './explainMethod';
import { openModel, type LoadedModel } from '../model/session';
import { vectorInputRow } from '../model/vectorInput';
import {
  loadModelConfig,
  sidecarPath,
  takesImages,
  type InputConfig,
  type VectorInputConfig,
} from '../model/sidecar';
import {
  EXPLAIN_METHODS,
  type ExplainMethod,
  type ExplainOptions,
  type ExplainParams,
  type ExplainResult,
} from '../protocol/engine';
import type { JobContext } from './context';
import type { GradientModelPool } from './gradientModelPool';
import { mapFormatOf, writeMapFile } from './mapFiles';
import { greyBackground, originalRgb, type LoadedInput } from './overlayBackground';
import { pixelSpaceOf, resolveBaseline } from './explainBaseline';
import { gradientsUnavailable } from './explainGradients';
import { readExplainImage } from './explainImage';
import type { Baseline } from '../model/attribution/types';

/** What runExplain returns: the protocol's result with the map as a Float32Array (the engine converts it for JSON). */
export interface ExplainOutcome extends Omit<ExplainResult, 'map'> {
  map: Float32Array;
}

/** What the engine knows of a model for explaining: the logits' name, class names, and the image preprocessing when there is one. */
interface ExplainConfig {
  logits: string;
  labels?: string[];
  /** The sidecar's (or inferred) image input; absent for a model that takes vectors, or a feature model without a sidecar fed a .npy. */
  input?: InputConfig;
  /** How a table row becomes the model's input; present for a model whose input is [N, D]. */
  vector?: VectorInputConfig;
}

type InputKind = 'npy' | 'table' | 'image';

/**
 * Runs one explanation. With a pool (the engine's), gradient models stay open
 * for the next request; without one (the CLI), they are released at the end.
 */
export async function runExplain(
  params: ExplainParams,
  context: JobContext,
  cwd = process.cwd(),
  pool?: GradientModelPool,
): Promise<ExplainOutcome> {
  const started = performance.now();
  const modelPath = resolve(cwd, params.model);
  const inputPath = resolve(cwd, params.input);
  const outputs = (params.out ?? []).map((path) => resolve(cwd, path));
  const method = checkMethod(params.method);
  const options = checkOptions(params.options ?? {});
  checkForwardPrecision(params.method, method, options.forwardPrecision);
  if (params.metrics !== undefined && typeof params.metrics !== 'boolean')
    throw new ParameterError('metrics', `must be true or false, got ${JSON.stringify(params.metrics)}`);
  for (const path of outputs) mapFormatOf(path);

  context.progress('reading the model', 0, 1);
  const loaded = await openModel(modelPath);
  const kind = inputKindOf(inputPath, params.row);
  const config = await explainConfig(loaded, kind !== 'npy');
  const input = loaded.info.inputs[0];
  const { sampleShape } = sampleShapeOf(modelPath, input.name, input.dims);

  context.progress('reading the input', 0, 1);
  const sample =
    kind === 'npy'
      ? await readNpyInput(inputPath, sampleShape, modelPath)
      : kind === 'table'
        ? await readTableRow(inputPath, params.row, config.vector, sampleShape, modelPath)
        : await readImageInput(inputPath, config, sampleShape, loaded);
  throwIfAborted(context.signal);
  // The reference input in the image's pixel space (black = pixel 0), resolved before any model runs.
  const pixelSpace = pixelSpaceOf(config.input, sample.x.length);
  // margin's paper preset fills as published (zeros), not with the measured default (black).
  const asked = options.baseline ?? (options.preset === 'paper' ? 'zeros' : undefined);
  const reference = resolveBaseline(params.method, asked, sample.x, sampleShape, pixelSpace);

  const opening = method.kind === 'gradient' ? 'building the gradient graph' : 'starting the model';
  context.progress(opening, 0, 1);
  const modelOptions = {
    logits: config.logits,
    batchSize: options.batchSize,
    forwardPrecision: options.forwardPrecision,
  };
  const lease = await openForMethod(method, loaded, modelOptions, pool).catch((error: unknown) => {
    throw gradientsUnavailable(error, params.method);
  });
  const model = lease.model;
  try {
    context.progress(opening, 1, 1);
    if (config.labels && config.labels.length !== model.numClasses) {
      throw new InputError(
        sidecarPath(modelPath),
        `lists ${config.labels.length} labels, but the model outputs ${model.numClasses} logits`,
      );
    }
    const probabilities = softmax(await model.predict(sample.x, 1));
    const predicted = argmax(probabilities);
    const target = resolveTarget(params.target, model.numClasses, config.labels, modelPath) ?? predicted;

    const stage = `explaining (${params.method})`;
    const methodOptions: OcclusionOptions & MarginSaliencyOptions = {
      ...options,
      ...(reference ? { baseline: reference.values } : {}),
      layout: config.input?.layout,
    };
    // margin draws its superpixels on the decoded pixels when the input was an image.
    const pixels = sample.image ? { pixels: pixelImageOf(sample.image) } : {};
    const { map, layers } = await runExplainMethod(
      params.method,
      method,
      model,
      { x: sample.x, target, ...pixels },
      methodOptions,
      { signal: context.signal, progress: (done, total) => context.progress(stage, done, total) },
    );
    if (map.length !== model.sampleSize)
      throw new Error(`${params.method} returned ${map.length} values for an input of ${model.sampleSize}`);
    throwIfAborted(context.signal);
    const metrics = params.metrics
      ? await measureFaithfulness(model, sample.x, target, map, reference?.values ?? 'zeros', context)
      : undefined;

    const result = {
      method: params.method,
      model: modelPath,
      input: inputPath,
      target,
      targetLabel: config.labels?.[target],
      predicted,
      predictedLabel: config.labels?.[predicted],
      probabilities: Array.from(probabilities),
      shape: [...model.sampleShape],
      ...(metrics ? { metrics } : {}),
      ...(layers ? { layers } : {}),
      ...(reference ? { baseline: reference.name } : {}),
      ...(options.forwardPrecision === 'float64' ? { forwardPrecision: 'float64' as const } : {}),
      ...(sample.notices?.length ? { notices: sample.notices } : {}),
    };
    if (outputs.length > 0) {
      context.progress('writing the map', 0, outputs.length);
      const layout = spatialLayout(model.sampleShape, config.input?.layout);
      const background = greyBackground(sample, layout, config.input);
      const original = originalRgb(sample, layout, config.input);
      for (const [index, path] of outputs.entries()) {
        await writeMapFile(path, { result, map, layout, background, original });
        context.progress('writing the map', index + 1, outputs.length);
      }
    }
    return { ...result, map, seconds: (performance.now() - started) / 1000, written: outputs };
  } finally {
    await lease.done();
  }
}

/**
 * Deletion and insertion AUC and sparsity of the map, with the map ranked as
 * it comes (signed) and deleted features set to `fill`: the reference input
 * the method explained against (zeros for a method without one, unless asked).
 */
async function measureFaithfulness(
  model: ForwardModel,
  x: Float32Array,
  target: number,
  map: Float32Array,
  fill: Baseline,
  context: JobContext,
): Promise<ExplainResult['metrics']> {
  const stage = 'measuring faithfulness';
  context.progress(stage, 0, 2);
  const metrics = await faithfulnessMetrics(
    model,
    { x, target },
    map,
    { fill },
    { signal: context.signal },
  );
  context.progress(stage, 2, 2);
  throwIfAborted(context.signal);
  return metrics;
}

/** The model a method needs, from the pool when there is one. */
async function openForMethod(
  method: AttributionMethod,
  loaded: LoadedModel,
  options: { logits: string; batchSize?: number; forwardPrecision?: ForwardPrecision },
  pool: GradientModelPool | undefined,
): Promise<{ model: ForwardModel; done(): void | Promise<void> }> {
  if (method.kind !== 'gradient') {
    const model = await forwardModelOf(loaded, options);
    return { model, done: () => model.release() };
  }
  if (!pool) {
    const model = await gradientModelOf(loaded, options);
    return { model, done: () => model.release() };
  }
  const key = `${loaded.sha256}|${options.logits}|${options.batchSize ?? ''}|${options.forwardPrecision ?? 'float32'}`;
  return pool.lease(key, () => gradientModelOf(loaded, options));
}

function checkMethod(name: ExplainMethod): AttributionMethod {
  if (!EXPLAIN_METHODS.includes(name))
    throw new ParameterError('method', `must be one of ${EXPLAIN_METHODS.join(', ')}, got "${name}"`);
  return attributionMethod(name)!;
}

/** The engine checks what the CLI checks too: requests may come from any client. */
function checkOptions(options: ExplainOptions): ExplainOptions {
  const positive = ['steps', 'samples', 'patch', 'stride', 'batchSize', 'neighbours'] as const;
  for (const key of positive) {
    const value = options[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1))
      throw new InputError(flagOf(key), `must be a positive integer, got ${value}`);
  }
  if (options.seed !== undefined && !Number.isInteger(options.seed))
    throw new ParameterError('seed', `must be an integer, got ${options.seed}`);
  if (options.noise !== undefined && !(options.noise > 0 && Number.isFinite(options.noise))) {
    throw new ParameterError('noise', `must be a positive number, got ${options.noise}`);
  }
  const oneOf = (flag: string, value: string | undefined, allowed: string[]) => {
    if (value !== undefined && !allowed.includes(value))
      throw new InputError(flag, `must be one of ${allowed.join(', ')}, got "${value}"`);
  };
  oneOf('--baseline', options.baseline, ['black', 'blur', 'mean', 'zeros']);
  oneOf('--rule', options.rule, ['rescale', 'reveal-cancel']);
  oneOf('--preset', options.preset, ['best', 'paper']);
  oneOf('--forward-precision', options.forwardPrecision, ['float32', 'float64']);
  if (options.scales !== undefined) {
    const valid = Array.isArray(options.scales) && options.scales.length > 0;
    if (!valid || options.scales.some((count) => !Number.isInteger(count) || count < 1))
      throw new InputError('--scales', `must be positive integers (SLIC segment counts), got ${JSON.stringify(options.scales)}`);
  }
  return options;
}

/** A float64 forward pass only means something to the methods that differentiate the model, DeepLIFT aside. */
function checkForwardPrecision(
  name: ExplainMethod,
  method: AttributionMethod,
  precision: ExplainOptions['forwardPrecision'],
): void {
  if (precision !== 'float64') return;
  if (method.kind !== 'gradient')
    throw new InputError(
      '--forward-precision',
      `applies to the gradient methods; ${name} runs the model as it is, without gradients`,
    );
  if (name === 'deeplift')
    throw new InputError(
      '--forward-precision',
      'float64 is for plain gradients; DeepLIFT multipliers are computed in float32',
    );
}

function flagOf(key: string): string {
  return '--' + key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** A table by its extension (it needs --row); --row with anything else is a mistake worth saying. */
function inputKindOf(inputPath: string, row: number | undefined): InputKind {
  const extension = extname(inputPath).toLowerCase();
  if (TABLE_EXTENSIONS.has(extension)) return 'table';
  if (row !== undefined) {
    throw new ParameterError(
      'row',
      `picks a row of a table input (.csv, .tsv, .jsonl), but ${basename(inputPath)} is not a table`,
    );
  }
  return extension === '.npy' ? 'npy' : 'image';
}

/**
 * The sidecar as loadModelConfig reads it. A model that takes vectors ([N, D])
 * has no image geometry and is explained on a .npy input or a table row; a
 * feature model of another shape without a sidecar is only an error for
 * image and table inputs (which need the sidecar's preprocessing).
 */
async function explainConfig(model: LoadedModel, needsSidecar: boolean): Promise<ExplainConfig> {
  try {
    const config = await loadModelConfig(model.path, model.info);
    const input = takesImages(config) ? config.input : undefined;
    return {
      logits: config.logits,
      labels: config.labels,
      ...(input ? { input } : {}),
      ...(config.vector ? { vector: config.vector } : {}),
    };
  } catch (error) {
    if (needsSidecar || !isInputError(error) || existsSync(sidecarPath(model.path))) throw error;
    return { logits: model.info.outputs[0].name };
  }
}

/** A .npy input is the model input tensor itself: one sample, with or without a batch dimension of 1. */
async function readNpyInput(file: string, sampleShape: number[], modelPath: string): Promise<LoadedInput> {
  const array = await readNpy(file);
  if (array.dtype.kind !== 'number')
    throw new InputError(file, `holds ${array.dtype.descr} strings; a model input must be numbers`);
  const fits = sameShape(array.shape, sampleShape) || sameShape(array.shape, [1, ...sampleShape]);
  if (!fits) {
    throw new InputError(
      file,
      `has shape (${array.shape.join(', ')}), but ${basename(modelPath)} takes one sample of shape (${sampleShape.join(', ')}) ` +
        `(also accepted: (1, ${sampleShape.join(', ')})); save a single sample, e.g. np.save(path, x[i])`,
    );
  }
  return { x: Float32Array.from(npyToFloat32(array)) };
}

/**
 * One row of a table, fed as a scan feeds it to a model that takes vectors:
 * the columns the sidecar's input.features names (else the numeric ones but
 * the label), normalised by its mean and std.
 */
async function readTableRow(
  file: string,
  row: number | undefined,
  vector: VectorInputConfig | undefined,
  sampleShape: number[],
  modelPath: string,
): Promise<LoadedInput> {
  if (!vector) {
    throw new InputError(
      modelPath,
      `takes inputs of shape (${sampleShape.join(', ')}), not table rows: give an image file or a .npy model input`,
    );
  }
  if (row === undefined) {
    throw new ParameterError(
      'row',
      `is required with a table input: the row of ${basename(file)} to explain (0 = the first after the header)`,
    );
  }
  if (!Number.isInteger(row) || row < 0)
    throw new ParameterError('row', `must be a row number ≥ 0, got ${row}`);
  const dataset = await openDataset(file, { labelsOptional: true });
  const rows = dataset.samples.length;
  if (row >= rows) {
    throw new ParameterError(
      'row',
      `${row} is out of range: ${basename(file)} has ${rows} rows (0–${rows - 1})`,
    );
  }
  return { x: vectorInputRow(dataset, vector, modelPath, row) };
}

/** An image file is decoded, brought to the model's input (sidecar `input.resize`) and preprocessed as the sidecar says. */
async function readImageInput(
  file: string,
  config: ExplainConfig,
  sampleShape: number[],
  model: LoadedModel,
): Promise<LoadedInput> {
  const sampleSize = sampleShape.reduce((a, b) => a * b, 1);
  const input = config.input;
  if (!input) {
    // The header says what the image is; its pixels are not needed to refuse it.
    const image = await readStoredSize(file);
    throw new InputError(
      model.path,
      `takes vectors of ${sampleSize} features (input [N, ${sampleShape.join(', ')}]), not images: ${basename(file)} is a ` +
        `${image.width}×${image.height} image with ${image.channels} channel${image.channels === 1 ? '' : 's'}; ` +
        `give a row of a table (--input table.csv --row N), or one normalised feature vector as .npy, ` +
        `of shape (${sampleSize}) or (1, ${sampleSize})`,
    );
  }
  if (pixelsPerImage(input) !== sampleSize) {
    throw new InputError(
      sidecarPath(model.path),
      `describes ${input.channels}×${input.height}×${input.width} images, but the model's input holds ${sampleSize} values per sample`,
    );
  }
  const { image, notices } = await readExplainImage(file, input, basename(model.path));
  const mismatch = sizeMismatch(image, input, basename(model.path));
  if (mismatch) throw new InputError(file, mismatch);
  const x = new Float32Array(sampleSize);
  writeImage(image, input, x, 0);
  return { x, image, notices };
}

/**
 * The class to explain: an index, or a label name from the sidecar (exact,
 * else case-insensitive); undefined = the predicted class.
 */
export function resolveTarget(
  target: number | string | undefined,
  numClasses: number,
  labels: string[] | undefined,
  modelPath: string,
): number | undefined {
  if (target === undefined || target === '') return undefined;
  const range = `the model has ${numClasses} classes, 0–${numClasses - 1}`;
  const text = String(target).trim();
  if (/^[+-]?\d+$/.test(text)) {
    const index = Number(text);
    if (index < 0 || index >= numClasses)
      throw new ParameterError('target', `${text} is out of range: ${range}`);
    return index;
  }
  if (typeof target === 'number') throw new ParameterError('target', `must be a class index, got ${target}`);
  if (!labels) {
    throw new ParameterError(
      'target',
      `"${text}" is not a class index, and ${basename(modelPath)} has no class names (no labels in ${basename(sidecarPath(modelPath))}); ${range}`,
    );
  }
  const exact = labels.indexOf(text);
  if (exact >= 0) return exact;
  const folded = labels.flatMap((label, index) =>
    label.toLowerCase() === text.toLowerCase() ? [index] : [],
  );
  if (folded.length === 1) return folded[0];
  throw new ParameterError(
    'target',
    `"${text}" is not a class of ${basename(modelPath)}; its classes are ${labels.join(', ')} (or an index 0–${numClasses - 1})`,
  );
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
