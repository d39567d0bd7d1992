/**
 * The model sidecar `<model>.margin.json` (DESIGN.md §3): how to turn pixels
 * into the model's input, which output holds the logits, the class names, and
 * which tensor is the embedding. Every field is optional; defaults come from
 * the model's input shape, so a plain exported classifier works without one.
 */
import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors';
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
}

export interface ModelConfig {
  input: InputConfig;
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
    },
    labels: raw?.labels as string[] | undefined,
    logits: (raw?.logits as string | undefined) ?? info.outputs[0].name,
    embedding: (raw?.embedding as string | null | undefined) ?? null,
  };
  validate(config, info, problem, path);
  return config;
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
  const { input } = config;
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
  if (!info.outputs.some((o) => o.name === config.logits)) {
    throw problem(`names logits output "${config.logits}"; the model's outputs are ${info.outputs.map((o) => `"${o.name}"`).join(', ')}`);
  }
  if (config.labels !== undefined && (!Array.isArray(config.labels) || !config.labels.every((l) => typeof l === 'string'))) {
    throw problem('labels must be a list of strings');
  }
  if (config.embedding !== null && typeof config.embedding !== 'string') throw problem('embedding must be a tensor name or null');
}
