/**
 * Backward rules of ops that move values without changing them: reshapes
 * (reshape back), Transpose (inverse permutation), Concat/Split (slice /
 * concatenate), Pad (slice), Expand (sum over the broadcast), and the
 * identities (Identity, Dropout at inference, float Cast). Slice is in
 * slice.ts.
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

export function constantInput(c: RuleContext, name: string | undefined, what: string): number[] | undefined {
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

const expand: BackwardRule = (c, node, [g]) => {
  const x = node.input![0];
  return [unbroadcast(c, g!, c.dims(node.output![0]), x)];
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
  Expand: expand,
};
