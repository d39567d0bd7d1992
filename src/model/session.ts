/**
 * Opening a model file: read it once, hash it (the cache key), decode its
 * protobuf (to list inputs, outputs and nodes) and check that it has the one
 * image or feature input MARGIN Lens feeds. The onnxruntime session itself is
 * created by whoever needs it (inference adds an embedding output first).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { InputError } from '../core/errors';
import { decodeModel, graphOf, onnx } from './onnxGraph';
import { ORT_THREADING } from './ortThreads';

/** onnxruntime cannot load protobufs over 2 GiB; say so before reading them. */
const MAX_MODEL_BYTES = 2 ** 31 - 1;

export type Dim = number | string;

export interface TensorInfo {
  name: string;
  /** Dimensions: a number when fixed, a name (or "?") when symbolic. */
  dims: Dim[];
}

export interface ModelInfo {
  inputs: TensorInfo[];
  outputs: TensorInfo[];
}

export interface LoadedModel {
  path: string;
  bytes: Uint8Array;
  /** SHA-256 of the file, hex: the model's part of every cache key. */
  sha256: string;
  proto: onnx.ModelProto;
  info: ModelInfo;
}

export async function openModel(path: string): Promise<LoadedModel> {
  const size = await stat(path).then(
    (s) => (s.isFile() ? s.size : -1),
    () => undefined,
  );
  if (size === undefined) throw new InputError(path, 'does not exist');
  if (size < 0) throw new InputError(path, 'is not a file (an .onnx model file was expected)');
  if (size === 0) throw new InputError(path, 'is empty, not an ONNX model');
  if (size > MAX_MODEL_BYTES)
    throw new InputError(path, `is ${formatBytes(size)}; onnxruntime loads models up to 2 GiB`);
  const bytes = new Uint8Array(await readFile(path));
  const proto = decodeOrExplain(path, bytes);
  const info = describe(proto);
  if (info.inputs.length !== 1) {
    throw new InputError(
      path,
      `has ${info.inputs.length} inputs (${info.inputs.map((i) => i.name).join(', ') || 'none'}); MARGIN Lens feeds models with exactly one image or feature input`,
    );
  }
  if (info.outputs.length === 0) throw new InputError(path, 'has no outputs');
  return { path, bytes, sha256: createHash('sha256').update(bytes).digest('hex'), proto, info };
}

/** An onnxruntime session over `bytes` (the model, possibly with extra outputs); load errors name the file. */
export async function createSession(path: string, bytes: Uint8Array): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(bytes, {
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      ...ORT_THREADING,
    });
  } catch (error) {
    throw new InputError(path, `onnxruntime cannot load this model: ${oneLine(error)}`);
  }
}

function decodeOrExplain(path: string, bytes: Uint8Array): onnx.ModelProto {
  let proto: onnx.ModelProto;
  try {
    proto = decodeModel(bytes);
  } catch (error) {
    throw new InputError(path, `is not a valid ONNX model (the protobuf does not decode: ${oneLine(error)})`);
  }
  // Random bytes sometimes decode into an empty message; a model has a graph with nodes.
  if (!proto.graph || graphOf(proto).node.length === 0) {
    throw new InputError(path, 'is not a valid ONNX model (it holds no graph)');
  }
  return proto;
}

function describe(proto: onnx.ModelProto): ModelInfo {
  const graph = graphOf(proto);
  // Older exports list initializers among the inputs; those are weights, not inputs.
  const weights = new Set(graph.initializer.map((t) => t.name));
  return {
    inputs: graph.input.filter((v) => !weights.has(v.name ?? '')).map(tensorInfo),
    outputs: graph.output.map(tensorInfo),
  };
}

function tensorInfo(value: onnx.IValueInfoProto): TensorInfo {
  const dims = value.type?.tensorType?.shape?.dim ?? [];
  return {
    name: value.name ?? '',
    dims: dims.map((d) =>
      d.dimValue !== undefined && d.dimValue !== null ? toNumber(d.dimValue) : d.dimParam || '?',
    ),
  };
}

/** protobufjs decodes int64 fields as Long objects. */
export function toNumber(value: number | { toNumber(): number }): number {
  return typeof value === 'number' ? value : value.toNumber();
}

/**
 * The batch size the model declares when it is a fixed number, else undefined
 * (a symbolic batch). `torch.onnx.export` without `dynamic_axes` declares the
 * batch of its example input, and onnxruntime then refuses any other.
 */
export function declaredBatch(input: TensorInfo): number | undefined {
  const batch = input.dims[0];
  return typeof batch === 'number' && batch > 0 ? batch : undefined;
}

/** An onnxruntime run that failed, as an input error naming the model, with onnxruntime's whole message. */
export function runFailure(path: string, error: unknown): InputError {
  return new InputError(path, `onnxruntime failed to run the model: ${oneLine(error)}`);
}

/**
 * An error's whole message on one line: onnxruntime's messages span several
 * lines, and the later ones say what was wrong ("index: 0 Got: 40 Expected: 1").
 */
function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}

function formatBytes(bytes: number): string {
  return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
}
