/**
 * The model sidecar `<model>.margin.json` (DESIGN.md §3): how to turn pixels
 * into the model's input, which output holds the logits, the class names, and
 * which tensor is the embedding. Every field is optional; defaults come from
 * the model's input shape, so a plain exported classifier works without one.
 * A model whose input is `[N, D]` takes vectors (`ModelConfig.vector`): the
 * columns `input.features` names, normalised by `mean`/`std` (D entries or one).
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors';
import { DEFAULT_RESIZE, RESIZE_MODES, type ResizeMode } from '../data/imageFit';
import type { Dim, ModelInfo } from './session';

export type InputLayout = 'NCHW' | 'NHWC';

export interface InputConfig {
  name: string;
  layout: InputLayout;
  channels: number;
  height: number;
  width: number;
  /** x = (pixel · scale − mean[c]) / std[c] */
  scale: number;
  mean: number[];
  std: number[];
  /** How an image of another size is brought to height × width: torchvision's Resize (+ CenterCrop). */
  resize: ResizeMode;
}

/** How a table row becomes the input of a model that takes vectors `[N, D]`. */
export interface VectorInputConfig {
  name: string;
  /** D, the values per sample; undefined when the model leaves it symbolic (the table then decides). */
  size?: number;
  /** The table columns fed to the model, in order; default: the table's numeric columns but the label. */
  features?: string[];
  /** x = (value · scale − mean[d]) / std[d]; scale is 1 unless the sidecar gives it. */
  scale: number;
  mean: number[];
  std: number[];
  /**
   * True when D may also be a flattened square greyscale image (an MLP on
   * 28×28 pixels): D is a perfect square, or the sidecar describes an image,
   * and it names no features nor per-feature mean/std. Image datasets then work too.
   */
  flattenedImage: boolean;
}

export interface ModelConfig {
  input: InputConfig;
  /** Present for a 2-D input `[N, D]`; without `flattenedImage` the model takes vectors only and `input` is unused. */
  vector?: VectorInputConfig;
  /** Class names, index = logit position. */
  labels?: string[];
  /** The output that holds the logits. */
  logits: string;
  /** The embedding tensor; null = the input of the last Gemm/MatMul before the logits. */
  embedding: string | null;
}

/** `model.onnx` → `model.margin.json`. */
export function sidecarPath(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.margin.json';
}

export async function loadModelConfig(modelPath: string, info: ModelInfo): Promise<ModelConfig> {
  const path = sidecarPath(modelPath);
  const raw = await readSidecar(path);
  const problem = (what: string) => new InputError(raw ? path : modelPath, what);
  const given = (raw?.input ?? {}) as Partial<InputConfig>;

  const inputName = given.name ?? info.inputs[0].name;
  const input = info.inputs.find((i) => i.name === inputName);
  if (!input) throw problem(`names input "${inputName}", but the model's input is "${info.inputs[0].name}"`);
  const inferred = inferFromShape(input.dims);
  const channels = given.channels ?? inferred.channels;
  const config: ModelConfig = {
    input: {
      name: inputName,
      layout: given.layout ?? inferred.layout,
      channels,
      height: given.height ?? inferred.height ?? NaN,
      width: given.width ?? inferred.width ?? NaN,
      scale: given.scale ?? 1 / 255,
      mean: given.mean ?? [0],
      std: given.std ?? [1],
      resize: given.resize ?? DEFAULT_RESIZE,
    },
    labels: raw?.labels as string[] | undefined,
    logits: (raw?.logits as string | undefined) ?? info.outputs[0].name,
    embedding: (raw?.embedding as string | null | undefined) ?? null,
  };
  const vector = vectorInputOf(inputName, input.dims, (raw?.input ?? {}) as Record<string, unknown>, problem);
  if (vector) config.vector = vector;
  validate(config, info, problem, path);
  return config;
}

/** Whether the model can take images: any input but a vector-only `[N, D]`. */
export function takesImages(config: ModelConfig): boolean {
  return !config.vector || config.vector.flattenedImage;
}

/**
 * The vector reading of a 2-D input, checked: `features` (column names, D of
 * them), `mean`/`std` (1 or D numbers), `scale`. Undefined for other ranks,
 * where `features` is an error.
 */
function vectorInputOf(
  name: string,
  dims: Dim[],
  given: Record<string, unknown>,
  problem: (what: string) => InputError,
): VectorInputConfig | undefined {
  if (dims.length !== 2) {
    if (given.features !== undefined) {
      throw problem(`input.features is for a model that takes vectors ([N, D]); this model's input is [${dims.join(', ')}]`);
    }
    return undefined;
  }
  const size = typeof dims[1] === 'number' && dims[1] > 0 ? dims[1] : undefined;
  const features = given.features;
  if (features !== undefined) {
    if (!Array.isArray(features) || features.length === 0 || !features.every((f) => typeof f === 'string' && f.trim() !== '')) {
      throw problem('input.features must be a list of column names');
    }
    if (size !== undefined && features.length !== size) {
      throw problem(`input.features names ${features.length} columns, but the model takes ${size} values per sample (input [N, ${size}])`);
    }
    const repeated = features.find((f, i) => features.indexOf(f) !== i);
    if (repeated !== undefined) throw problem(`input.features names column "${String(repeated)}" twice`);
  }
  const width = (features as string[] | undefined)?.length ?? size;
  const perFeature = (value: unknown) => Array.isArray(value) && value.length > 1 && value.length === width;
  const imageHints = ['layout', 'channels', 'height', 'width'].some((key) => given[key] !== undefined);
  const square = size !== undefined && Number.isInteger(Math.sqrt(size));
  const flattenedImage = features === undefined && !perFeature(given.mean) && !perFeature(given.std) && (imageHints || square);
  const vector: VectorInputConfig = {
    name,
    size,
    features: features as string[] | undefined,
    scale: given.scale === undefined ? 1 : (given.scale as number),
    mean: (given.mean as number[] | undefined) ?? [0],
    std: (given.std as number[] | undefined) ?? [1],
    flattenedImage,
  };
  if (vector.features === undefined) delete vector.features;
  if (vector.size === undefined) delete vector.size;
  if (!(typeof vector.scale === 'number' && Number.isFinite(vector.scale))) throw problem('input.scale must be a number');
  for (const key of ['mean', 'std'] as const) {
    const values = vector[key];
    const counts = width === undefined || width === 1 ? '1' : `1 or ${width}`;
    if (!Array.isArray(values) || !(values.length === 1 || values.length === width) || !values.every(Number.isFinite)) {
      throw problem(`input.${key} must be a list of ${counts} numbers (one per feature, or one for all)`);
    }
  }
  if (vector.std.some((s) => s === 0)) throw problem('input.std must not contain 0');
  return vector;
}

/**
 * Only the sidecar's `logits` name (undefined without a sidecar or field):
 * gradients need no pixel preprocessing, so models with non-image inputs
 * (tabular features) are fine here.
 */
export async function sidecarLogitsName(modelPath: string): Promise<string | undefined> {
  const raw = await readSidecar(sidecarPath(modelPath));
  const logits = raw?.logits;
  if (logits !== undefined && typeof logits !== 'string') throw new InputError(sidecarPath(modelPath), 'logits must be a tensor name');
  return logits;
}

async function readSidecar(path: string): Promise<Record<string, unknown> | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InputError(path, `is not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(path, 'must hold a JSON object');
  }
  return value as Record<string, unknown>;
}

/**
 * Reads layout and size off the input shape: [N,C,H,W] with C ∈ {1,3} is NCHW,
 * [N,H,W,C] with C ∈ {1,3} is NHWC, [N,H,W] is greyscale, and a flat [N,D]
 * with D a perfect square is a flattened square greyscale image (an MLP).
 */
function inferFromShape(dims: Dim[]): Partial<InputConfig> & { layout: InputLayout; channels: number } {
  const fixed = dims.map((d) => (typeof d === 'number' && d > 0 ? d : undefined));
  if (dims.length === 4 && (fixed[1] === 1 || fixed[1] === 3)) {
    return { layout: 'NCHW', channels: fixed[1], height: fixed[2], width: fixed[3] };
  }
  if (dims.length === 4 && (fixed[3] === 1 || fixed[3] === 3)) {
    return { layout: 'NHWC', channels: fixed[3], height: fixed[1], width: fixed[2] };
  }
  if (dims.length === 3) return { layout: 'NCHW', channels: 1, height: fixed[1], width: fixed[2] };
  if (dims.length === 2 && fixed[1] !== undefined && Number.isInteger(Math.sqrt(fixed[1]))) {
    const side = Math.sqrt(fixed[1]);
    return { layout: 'NCHW', channels: 1, height: side, width: side };
  }
  return { layout: 'NCHW', channels: 1 };
}

function validate(
  config: ModelConfig,
  info: ModelInfo,
  problem: (what: string) => InputError,
  path: string,
): void {
  if (takesImages(config)) validateImageInput(config.input, problem, path);
  if (!info.outputs.some((o) => o.name === config.logits)) {
    throw problem(`names logits output "${config.logits}"; the model's outputs are ${info.outputs.map((o) => `"${o.name}"`).join(', ')}`);
  }
  if (config.labels !== undefined && (!Array.isArray(config.labels) || !config.labels.every((l) => typeof l === 'string'))) {
    throw problem('labels must be a list of strings');
  }
  if (config.embedding !== null && typeof config.embedding !== 'string') throw problem('embedding must be a tensor name or null');
}

function validateImageInput(input: InputConfig, problem: (what: string) => InputError, path: string): void {
  if (input.layout !== 'NCHW' && input.layout !== 'NHWC') throw problem(`input.layout must be "NCHW" or "NHWC", got "${String(input.layout)}"`);
  if (input.channels !== 1 && input.channels !== 3) throw problem(`input.channels must be 1 or 3, got ${String(input.channels)}`);
  for (const side of ['height', 'width'] as const) {
    if (!Number.isInteger(input[side]) || input[side] < 1) {
      throw problem(`the model's input has no fixed ${side}; give input.${side} in ${path}`);
    }
  }
  if (!(typeof input.scale === 'number' && Number.isFinite(input.scale))) throw problem('input.scale must be a number');
  for (const key of ['mean', 'std'] as const) {
    const values = input[key];
    if (!Array.isArray(values) || (values.length !== 1 && values.length !== input.channels) || !values.every(Number.isFinite)) {
      throw problem(`input.${key} must be a list of 1 or ${input.channels} numbers`);
    }
  }
  if (input.std.some((s) => s === 0)) throw problem('input.std must not contain 0');
  if (!RESIZE_MODES.includes(input.resize)) {
    throw problem(`input.resize must be ${RESIZE_MODES.map((mode) => `"${mode}"`).join(' or ')}, got ${JSON.stringify(input.resize)}`);
  }
}
