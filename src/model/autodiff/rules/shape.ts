/**
 * Backward rules of ops that move values without changing them: reshapes
 * (reshape back), Transpose (inverse permutation), Concat/Split (slice /
 * concatenate), Pad/Slice (slice / pad), Expand (sum over the broadcast),
 * and the identities (Identity, Dropout at inference, float Cast).
 */
import { attrInt, attrInts, attrString } from '../emitter';
import { normalizeAxis, unbroadcast, type BackwardRule, type RuleContext } from '../ruleContext';

const INT64_MAX = 2 ** 62;

const identity: BackwardRule = (_c, _node, [g]) => [g];

const reshapeBack: BackwardRule = (c, node, [g], needs) => [
  needs[0] ? c.e.op('Reshape', [g!, c.shapeOf(node.input![0])]) : undefined,
];

const cast: BackwardRule = (c, node, [g]) => {
  const x = node.input![0];
  return [c.e.op('Cast', [g!], { to: c.elemType(x) })];
};

const transpose: BackwardRule = (c, node, [g]) => {
  const rank = c.dims(node.input![0]).length;
  const perm = attrInts(node, 'perm') ?? [...Array(rank).keys()].reverse();
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => (inverse[p] = i));
  return [c.e.op('Transpose', [g!], { perm: inverse })];
};

function slice(c: RuleContext, g: string, axis: number, start: number, end: number): string {
  return c.e.op('Slice', [g, c.e.int64s([start]), c.e.int64s([end]), c.e.int64s([axis])]);
}

const concat: BackwardRule = (c, node, [g], needs) => {
  const inputs = node.input as string[];
  const rank = c.dims(inputs[0]).length;
  const axis = normalizeAxis(attrInt(node, 'axis', 0), rank);
  let offset = 0;
  return inputs.map((x, i) => {
    const size = c.dims(x)[axis];
    if (size < 0) return c.unsupported('concatenation along the batch axis');
    const start = offset;
    offset += size;
    return needs[i] ? slice(c, g!, axis, start, start + size) : undefined;
  });
};

const split: BackwardRule = (c, node, grads) => {
  const x = node.input![0];
  const axis = normalizeAxis(attrInt(node, 'axis', 0), c.dims(x).length);
  const parts = (node.output as string[]).map(
    (y, i) => grads[i] ?? c.e.op('ConstantOfShape', [c.shapeOf(y)]), // an unused output contributes zeros
  );
  return [c.e.op('Concat', parts, { axis })];
};

function constantInput(c: RuleContext, name: string | undefined, what: string): number[] | undefined {
  if (!name) return undefined;
  const value = c.value(name);
  if (!value) return c.unsupported(`${what} computed at run time`);
  return value;
}

/** Constant-mode Pad: the gradient is the unpadded window of g. */
const pad: BackwardRule = (c, node, [g]) => {
  const [x, padsName, , axesName] = node.input as string[];
  if (attrString(node, 'mode', 'constant') !== 'constant')
    return c.unsupported(`mode ${attrString(node, 'mode', '')}`);
  const rank = c.dims(x).length;
  const pads = attrInts(node, 'pads') ?? constantInput(c, padsName, 'pads') ?? [];
  const axes = (constantInput(c, axesName, 'axes') ?? [...Array(rank).keys()]).map((a) =>
    normalizeAxis(a, rank),
  );
  if (pads.some((p) => p < 0)) return c.unsupported('negative pads (cropping)');
  const n = axes.length;
  const starts = axes.map((_, i) => pads[i]);
  const ends = axes.map((_, i) => (pads[i + n] > 0 ? -pads[i + n] : INT64_MAX));
  return [c.e.op('Slice', [g!, c.e.int64s(starts), c.e.int64s(ends), c.e.int64s(axes)])];
};

/** Slice with unit steps: the gradient is g padded back to x's size with zeros. */
const sliceRule: BackwardRule = (c, node, [g]) => {
  const [x, startsName, endsName, axesName, stepsName] = node.input as string[];
  const dims = c.dims(x);
  const rank = dims.length;
  const starts = constantInput(c, startsName, 'starts')!;
  const ends = constantInput(c, endsName, 'ends')!;
  const axes = (constantInput(c, axesName, 'axes') ?? starts.map((_, i) => i)).map((a) =>
    normalizeAxis(a, rank),
  );
  const steps = constantInput(c, stepsName, 'steps') ?? starts.map(() => 1);
  if (steps.some((s) => s !== 1)) return c.unsupported('steps other than 1');
  const before = new Array(rank).fill(0);
  const after = new Array(rank).fill(0);
  axes.forEach((axis, i) => {
    const size = dims[axis];
    if (size < 0) return c.unsupported('slicing the batch axis');
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
    const begin = clamp(starts[i]);
    const end = Math.max(clamp(ends[i]), begin);
    before[axis] = begin;
    after[axis] = size - end;
  });
  return [c.e.op('Pad', [g!, c.e.int64s([...before, ...after])])];
};

const expand: BackwardRule = (c, node, [g]) => {
  const x = node.input![0];
  return [unbroadcast(c, g!, c.dims(node.output![0]), x)];
};

/** y = softmax(x) along one axis: dx = y ⊙ (g − Σ g⊙y). */
const softmax: BackwardRule = (c, node, [g]) => {
  if (c.rule !== 'gradient') return c.unsupported('DeepLIFT has no rule for a softmax inside the network');
  const y = node.output![0];
  const axis = normalizeAxis(attrInt(node, 'axis', -1), c.dims(y).length);
  const e = c.e;
  const dot = e.op('ReduceSum', [e.op('Mul', [g!, y]), e.int64s([axis])], { keepdims: 1 });
  return [e.op('Mul', [y, e.op('Sub', [g!, dot])])];
};

/** y = log softmax(x): dx = g − softmax(x) · Σ g. */
const logSoftmax: BackwardRule = (c, node, [g]) => {
  if (c.rule !== 'gradient')
    return c.unsupported('DeepLIFT has no rule for a log-softmax inside the network');
  const y = node.output![0];
  const axis = normalizeAxis(attrInt(node, 'axis', -1), c.dims(y).length);
  const e = c.e;
  const total = e.op('ReduceSum', [g!, e.int64s([axis])], { keepdims: 1 });
  return [e.op('Sub', [g!, e.op('Mul', [e.op('Exp', [y]), total])])];
};

export const SHAPE_RULES: Record<string, BackwardRule> = {
  Identity: identity,
  Dropout: identity,
  Cast: cast,
  Flatten: reshapeBack,
  Reshape: reshapeBack,
  Squeeze: reshapeBack,
  Unsqueeze: reshapeBack,
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Pad: pad,
  Slice: sliceRule,
  Expand: expand,
  Softmax: softmax,
  LogSoftmax: logSoftmax,
};
