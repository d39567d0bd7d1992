/**
 * Static facts about every tensor of a model, learned by running it: the
 * forward pass runs once with batch 1 and once with batch 2, every
 * intermediate exposed as an output. A dimension that differs between the two
 * runs follows the batch (recorded as -1, so the backward graph keeps it
 * dynamic); integer tensors that do not change are shape arithmetic and are
 * constant-folded; small constant tensors are kept by value for the rules
 * that need them (pads, axes, clip bounds).
 */
import * as ort from 'onnxruntime-node';
import { InputError } from '../../core/errors';
import { encodeModel, graphOf, onnx, tensorType } from '../onnxGraph';
import { toNumber } from '../session';
import { ORT_THREADING } from '../ortThreads';
import { inferElemTypes } from './elemTypes';

/** A tensor dimension that follows the batch size. */
export const BATCH = -1;
/** Constant tensors up to this many elements are kept by value. */
const MAX_CONSTANT_SIZE = 4096;

const T = onnx.TensorProto.DataType;

export interface TensorFacts {
  elemType: number;
  /** Dimensions, BATCH where the size follows the batch. */
  dims: number[];
  /** The value, when constant (independent of the input's values and batch size) and small. */
  value?: number[];
}

export interface ForwardFacts {
  inputName: string;
  /** Whether the input's first dimension is free (batches of any size). */
  dynamicBatch: boolean;
  /** Per-sample input shape. */
  sampleShape: number[];
  tensors: Map<string, TensorFacts>;
}

export async function learnForwardFacts(
  path: string,
  proto: onnx.ModelProto,
  inputName: string,
): Promise<ForwardFacts> {
  const graph = graphOf(proto);
  const input = graph.input.find((v) => v.name === inputName);
  if (!input) throw new InputError(path, `has no input named "${inputName}"`);
  const dims = (input.type?.tensorType?.shape?.dim ?? []).map((d) =>
    d.dimValue !== undefined && d.dimValue !== null ? toNumber(d.dimValue) : undefined,
  );
  if (dims.length === 0) throw new InputError(path, `input "${inputName}" has no declared shape`);
  const inputType = input.type?.tensorType?.elemType;
  if (inputType !== T.FLOAT) {
    const name = onnx.TensorProto.DataType[inputType ?? 0] ?? String(inputType);
    throw new InputError(path, `input "${inputName}" is ${name}; gradients are computed for float32 models`);
  }
  const sampleShape = dims.slice(1);
  const symbolic = sampleShape.findIndex((d) => d === undefined || d <= 0);
  if (symbolic >= 0) {
    throw new InputError(
      path,
      `input "${inputName}" has a free dimension ${symbolic + 1}; gradients need a fixed per-sample shape`,
    );
  }
  const fixedBatch = dims[0];
  const dynamicBatch = fixedBatch === undefined || fixedBatch <= 0;

  const types = inferElemTypes(graph);
  const exposed = exposeEverything(proto, types);
  const session = await ort.InferenceSession.create(exposed, {
    graphOptimizationLevel: 'disabled',
    ...ORT_THREADING,
  });
  try {
    const run = async (batch: number) => {
      const shape = [batch, ...(sampleShape as number[])];
      const size = shape.reduce((a, b) => a * b, 1);
      return session.run({ [inputName]: new ort.Tensor('float32', new Float32Array(size), shape) });
    };
    const first = await run(dynamicBatch ? 1 : fixedBatch!);
    const second = dynamicBatch ? await run(2) : first;
    const dependsOnInput = inputDependents(graph, inputName);
    const tensors = new Map<string, TensorFacts>();
    for (const tensor of graph.initializer as onnx.TensorProto[]) {
      tensors.set(tensor.name, {
        elemType: tensor.dataType,
        dims: tensor.dims.map(toNumber),
        value: initializerValue(tensor),
      });
    }
    for (const [name, a] of Object.entries(first)) {
      const b = second[name];
      const factDims = a.dims.map((d, i) => (d === b.dims[i] ? d : BATCH));
      const elemType = types.get(name) ?? T.FLOAT;
      const batchFree = factDims.every((d) => d !== BATCH);
      const constant =
        batchFree &&
        a.size <= MAX_CONSTANT_SIZE &&
        (!dependsOnInput.has(name) || (elemType !== T.FLOAT && sameValues(a.data, b.data)));
      tensors.set(name, { elemType, dims: factDims, value: constant ? toNumbers(a.data) : undefined });
      a.dispose();
      if (b !== a) b.dispose();
    }
    tensors.set(inputName, {
      elemType: T.FLOAT,
      dims: [dynamicBatch ? BATCH : fixedBatch!, ...(sampleShape as number[])],
    });
    return { inputName, dynamicBatch, sampleShape: sampleShape as number[], tensors };
  } finally {
    await session.release();
  }
}

/** The model with every node output (and the model input) as a graph output. */
function exposeEverything(proto: onnx.ModelProto, types: Map<string, number>): Uint8Array {
  const copy = onnx.ModelProto.decode(encodeModel(proto));
  const graph = graphOf(copy);
  const already = new Set(graph.output.map((o) => o.name));
  for (const node of graph.node as onnx.NodeProto[]) {
    for (const name of node.output) {
      if (!name || already.has(name)) continue;
      already.add(name);
      graph.output.push(
        onnx.ValueInfoProto.create({ name, type: tensorType(types.get(name) ?? T.FLOAT, undefined) }),
      );
    }
  }
  return encodeModel(copy);
}

/** Tensors whose values depend on the input (structurally, through any node). */
export function inputDependents(graph: onnx.IGraphProto, inputName: string): Set<string> {
  const dependent = new Set([inputName]);
  for (const node of graph.node ?? []) {
    if ((node.input ?? []).some((name) => dependent.has(name)))
      for (const name of node.output ?? []) dependent.add(name);
  }
  return dependent;
}

function initializerValue(tensor: onnx.TensorProto): number[] | undefined {
  const size = tensor.dims.reduce((a, d) => a * toNumber(d), 1);
  if (size > MAX_CONSTANT_SIZE) return undefined;
  return tensorProtoValues(tensor);
}

/** The numbers held by a TensorProto (float, double, int32/64), raw or typed fields. */
export function tensorProtoValues(tensor: onnx.ITensorProto): number[] | undefined {
  const raw = tensor.rawData;
  if (raw && raw.length > 0) {
    const bytes = new Uint8Array(raw).slice();
    switch (tensor.dataType) {
      case T.FLOAT:
        return Array.from(new Float32Array(bytes.buffer));
      case T.DOUBLE:
        return Array.from(new Float64Array(bytes.buffer));
      case T.INT64:
        return Array.from(new BigInt64Array(bytes.buffer), Number);
      case T.INT32:
        return Array.from(new Int32Array(bytes.buffer));
      default:
        return undefined;
    }
  }
  if (tensor.floatData?.length) return Array.from(tensor.floatData);
  if (tensor.doubleData?.length) return Array.from(tensor.doubleData);
  if (tensor.int64Data?.length) return tensor.int64Data.map((v) => toNumber(v as number));
  if (tensor.int32Data?.length) return Array.from(tensor.int32Data);
  return [];
}

function toNumbers(data: ort.Tensor['data']): number[] | undefined {
  if (typeof data[0] === 'string') return undefined;
  return Array.from(data as ArrayLike<number | bigint>, Number);
}

function sameValues(a: ort.Tensor['data'], b: ort.Tensor['data']): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
