/**
 * Conv, AveragePool and GlobalAveragePool in double, from ops that have
 * onnxruntime CPU double kernels (its Conv and pool kernels are float only).
 *
 * Both window ops go through im2col: the input is padded (Pad), and for each
 * kernel offset one strided Slice takes every window's element at that offset;
 * the slices, stacked on a new axis 2, give patches [N, C, K, out…] with K the
 * kernel's size. A Slice from offset·dilation that stops (k − 1 − offset)·dilation
 * before the end yields exactly ⌊(L − (k − 1)·d − 1)/s⌋ + 1 elements for every
 * offset, so no spatial size has to be known. A convolution is then one MatMul
 * per group (W reshaped [G, M/G, C/G·K], batched by MatMul's broadcasting), an
 * average pool a sum over K divided by each window's count.
 */
import { InputError } from '../../core/errors';
import { onnx } from '../onnxGraph';
import { attrInt, attrInts, attrString, type GraphEmitter } from './emitter';
import { ceilModeOverhang, windowPads } from './rules/convGeometry';

const T = onnx.TensorProto.DataType;
/** Slice's "to the end". */
const INT64_MAX = Number.MAX_SAFE_INTEGER;

/** What a rewrite needs besides the node: the emitter, the opset and static dims from the forward facts. */
export interface RewriteContext {
  e: GraphEmitter;
  path: string;
  opset: number;
  /** Static dims of an original tensor (-1 for the batch), or undefined if unknown. */
  dims(name: string): number[] | undefined;
}

/** Kernel geometry of a window op, pads resolved (auto_pad included). */
interface Window {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [begin…, end…]. */
  pads: number[];
}

/**
 * Conv(x, w[, b]) → y, all double. `node` is the original node (attributes,
 * and its input names for the forward facts); `x`, `w`, `b`, `y` the double
 * tensors to read and write.
 */
export function emitConvFloat64(
  c: RewriteContext,
  node: onnx.INodeProto,
  [x, w, b]: string[],
  y: string,
): void {
  const { e } = c;
  const wDims = c.dims(node.input![1]);
  if (!wDims || wDims.some((d) => d < 0)) throw refusal(c, node, 'the weight has no static shape');
  const [outChannels, groupChannels] = wDims;
  const groups = attrInt(node, 'group', 1);
  const window = windowOf(c, node, wDims.slice(2));
  const { patches, spatial } = im2col(c, node, x, window);
  const kernelSize = window.kernel.reduce((a, v) => a * v, 1);
  // [N, C, K, out…] → [N, G, C/G·K, P]: channel c = g·C/G + cg, so (c, k) flattens to (g, cg·K + k).
  const columns = e.op('Reshape', [patches, e.int64s([0, groups, groupChannels * kernelSize, -1])]);
  // w [M, C/G, k…] → [G, M/G, C/G·K]: the same (cg, k) order as the columns.
  const weights = e.op('Reshape', [w, e.int64s([groups, outChannels / groups, groupChannels * kernelSize])]);
  const product = e.op('MatMul', [weights, columns]); // [N, G, M/G, P]
  const shape = e.op('Concat', [e.int64s([0, outChannels]), spatial], { axis: 0 });
  if (!b) return emitInto(e, y, 'Reshape', [product, shape]);
  const bias = e.op('Reshape', [b, e.int64s([outChannels, ...window.kernel.map(() => 1)])]);
  emitInto(e, y, 'Add', [e.op('Reshape', [product, shape]), bias]);
}

/** AveragePool(x) → y in double: the windows' sums over their counts (count_include_pad, ceil_mode). */
export function emitAveragePoolFloat64(
  c: RewriteContext,
  node: onnx.INodeProto,
  [x]: string[],
  y: string,
): void {
  const { e } = c;
  const kernel = attrInts(node, 'kernel_shape');
  if (!kernel) throw refusal(c, node, 'no kernel_shape');
  const window = windowOf(c, node, kernel);
  const includePad = attrInt(node, 'count_include_pad', 0) === 1;
  // ceil_mode: the last window may hang past the padded end; pad further with
  // cells that count for nothing (as onnxruntime and PyTorch do).
  const extra = ceilModePadding(c, node, window);
  const padded = { ...window, pads: window.pads.map((p, i) => p + (extra[i] ?? 0)) };
  const { patches } = im2col(c, node, x, padded);
  const sums = e.op('ReduceSum', [patches, e.int64s([2])], { keepdims: 0 });
  const kernelSize = kernel.reduce((a, v) => a * v, 1);
  const uniform = extra.every((p) => p === 0) && (includePad || window.pads.every((p) => p === 0));
  if (uniform) {
    return emitInto(e, y, 'Div', [sums, doubleScalar(e, kernelSize)]);
  }
  // Each window's divisor: im2col of a map holding 1 on the cells that count.
  const spatialShape = e.op('Shape', [x], { start: 2 });
  const ones = e.op('ConstantOfShape', [e.op('Concat', [e.int64s([1, 1]), spatialShape], { axis: 0 })], {
    value: { tensor: { dataType: T.DOUBLE, dims: [1], rawData: new Uint8Array(Float64Array.of(1).buffer) } },
  });
  const rank = kernel.length;
  const counted = includePad ? padDouble(e, ones, window.pads, 1) : padDouble(e, ones, window.pads, 0);
  const withExtra = padDouble(e, counted, [...new Array<number>(rank).fill(0), ...extra.slice(rank)], 0);
  const countPatches = windowsOf(e, withExtra, { ...window, pads: new Array<number>(2 * rank).fill(0) });
  const counts = e.op('ReduceSum', [countPatches, e.int64s([2])], { keepdims: 0 });
  emitInto(e, y, 'Div', [sums, counts]);
}

/** GlobalAveragePool(x) → y: the mean over the spatial axes, kept. */
export function emitGlobalAveragePoolFloat64(
  c: RewriteContext,
  node: onnx.INodeProto,
  [x]: string[],
  y: string,
): void {
  const dims = c.dims(node.input![0]);
  if (!dims) throw refusal(c, node, 'the input has no known rank');
  const axes = dims.map((_, i) => i).slice(2);
  if (c.opset >= 18) emitInto(c.e, y, 'ReduceMean', [x, c.e.int64s(axes)], { keepdims: 1 });
  else emitInto(c.e, y, 'ReduceMean', [x], { keepdims: 1, axes });
}

/** Pads x (if needed), then takes the windows: patches [N, C, K, out…] and the int64 shape [out…]. */
function im2col(
  c: RewriteContext,
  node: onnx.INodeProto,
  x: string,
  window: Window,
): { patches: string; spatial: string } {
  const xDims = c.dims(node.input![0]);
  if (xDims && xDims.length !== window.kernel.length + 2)
    throw refusal(c, node, 'kernel rank ≠ input rank − 2');
  const padded = padDouble(c.e, x, window.pads, 0);
  const patches = windowsOf(c.e, padded, window);
  const spatial = c.e.op('Shape', [patches], { start: 3 });
  return { patches, spatial };
}

/** One strided Slice per kernel offset (row-major), stacked on axis 2. */
function windowsOf(e: GraphEmitter, padded: string, window: Window): string {
  const rank = window.kernel.length;
  const axes = e.int64s(Array.from({ length: rank }, (_, i) => i + 2));
  const slices = kernelOffsets(window.kernel).map((offset) => {
    const starts = offset.map((o, i) => o * window.dilations[i]);
    const ends = offset.map((o, i) => {
      const fromEnd = (window.kernel[i] - 1 - o) * window.dilations[i];
      return fromEnd === 0 ? INT64_MAX : -fromEnd;
    });
    const trivial =
      starts.every((s) => s === 0) &&
      ends.every((v) => v === INT64_MAX) &&
      window.strides.every((s) => s === 1);
    const slice = trivial
      ? padded
      : e.op('Slice', [padded, e.int64s(starts), e.int64s(ends), axes, e.int64s(window.strides)]);
    return e.op('Unsqueeze', [slice, e.int64s([2])]);
  });
  return slices.length === 1 ? slices[0] : e.op('Concat', slices, { axis: 2 });
}

function kernelOffsets(kernel: number[]): number[][] {
  return kernel.reduce<number[][]>(
    (offsets, size) => offsets.flatMap((prefix) => Array.from({ length: size }, (_, o) => [...prefix, o])),
    [[]],
  );
}

/** Constant-pads the spatial axes ([begin…, end…]) with `value`; x itself when there is nothing to pad. */
function padDouble(e: GraphEmitter, x: string, pads: number[], value: number): string {
  if (pads.every((p) => p === 0)) return x;
  const rank = pads.length / 2;
  const full = [0, 0, ...pads.slice(0, rank), 0, 0, ...pads.slice(rank)];
  return e.op('Pad', [x, e.int64s(full), doubleScalar(e, value)], { mode: 'constant' });
}

/** Strides, dilations and explicit pads of a Conv or pool node, auto_pad resolved from the static sizes. */
function windowOf(c: RewriteContext, node: onnx.INodeProto, kernel: number[]): Window {
  const { strides, dilations, pads } = windowPads(node, kernel, ...spatialSizes(c, node));
  if (!pads)
    throw refusal(c, node, `auto_pad ${attrString(node, 'auto_pad', '')} without static spatial sizes`);
  return { kernel, strides, dilations, pads };
}

/** The node's input and output spatial sizes from the forward facts (undefined where unknown). */
function spatialSizes(
  c: RewriteContext,
  node: onnx.INodeProto,
): [number[] | undefined, number[] | undefined] {
  return [c.dims(node.input![0])?.slice(2), c.dims(node.output![0])?.slice(2)];
}

/**
 * [0…, extra end pads…]: what ceil_mode adds past the explicit pads, from the
 * node's output size in the forward facts (zero without ceil_mode).
 */
function ceilModePadding(c: RewriteContext, node: onnx.INodeProto, window: Window): number[] {
  const rank = window.kernel.length;
  if (attrInt(node, 'ceil_mode', 0) === 0) return new Array<number>(2 * rank).fill(0);
  const [inSpatial, outSpatial] = spatialSizes(c, node);
  if (!inSpatial || !outSpatial || [...inSpatial, ...outSpatial].some((d) => d < 0)) {
    throw refusal(c, node, 'ceil_mode without static spatial sizes');
  }
  // A last window starting in the padding is one the output does not have.
  if (outSpatial.some((out, i) => (out - 1) * window.strides[i] >= inSpatial[i] + window.pads[i])) {
    throw refusal(c, node, 'ceil_mode with a window that starts past the input');
  }
  return [...new Array<number>(rank).fill(0), ...ceilModeOverhang(node, window, inSpatial, outSpatial)];
}

function doubleScalar(e: GraphEmitter, value: number): string {
  const name = e.fresh('f64const');
  e.initializers.push({
    name,
    dataType: T.DOUBLE,
    dims: [],
    rawData: new Uint8Array(Float64Array.of(value).buffer),
  });
  return name;
}

/** One node whose output is `y` (the name the rest of the graph reads). */
function emitInto(
  e: GraphEmitter,
  y: string,
  opType: string,
  inputs: string[],
  attributes: Record<string, number | number[]> = {},
): void {
  e.op(opType, inputs, attributes);
  const last = e.nodes[e.nodes.length - 1];
  last.output = [y];
  last.name = y;
}

function refusal(c: RewriteContext, node: onnx.INodeProto, detail: string): InputError {
  return new InputError(
    c.path,
    `the float64 forward pass cannot rewrite ${node.opType} node "${node.name || node.output![0]}" in double: ${detail}`,
  );
}
