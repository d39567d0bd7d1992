/**
 * Slice, with any non-zero steps (Swin's patch merging takes x[:, 0::2, 1::2]).
 * The gradient puts g back where the slice took it from and zeros elsewhere:
 * a strided axis first gets step − 1 zeros after each element (Unsqueeze,
 * Pad, Reshape), a negative step is reversed first, and one Pad then moves
 * every axis into place.
 */
import { constantInput } from './shape';
import { normalizeAxis, type BackwardRule, type RuleContext } from '../ruleContext';

const INT64_MAX = 2 ** 62;

/** Where an axis's slice lands in x: `count` elements from `first`, `stride` apart, read in reverse if `reversed`. */
interface Placement {
  first: number;
  count: number;
  stride: number;
  reversed: boolean;
}

/** ONNX Slice's clamping rules for one axis. */
function placement(size: number, start: number, end: number, step: number): Placement {
  const wrap = (v: number) => (v < 0 ? v + size : v);
  if (step > 0) {
    const begin = Math.min(Math.max(wrap(start), 0), size);
    const stop = Math.min(Math.max(wrap(end), 0), size);
    return {
      first: begin,
      count: Math.max(0, Math.ceil((stop - begin) / step)),
      stride: step,
      reversed: false,
    };
  }
  const begin = Math.min(Math.max(wrap(start), -1), size - 1);
  const stop = Math.min(Math.max(wrap(end), -1), size - 1);
  const count = Math.max(0, Math.ceil((begin - stop) / -step));
  return { first: begin - Math.max(count - 1, 0) * -step, count, stride: -step, reversed: true };
}

/** g with stride − 1 zeros after each element along `axis`, the trailing zeros cut: (count − 1)·stride + 1 long. */
function interleaveZeros(c: RuleContext, g: string, dims: number[], axis: number, p: Placement): string {
  const e = c.e;
  const trailing = dims.slice(axis + 1);
  if (trailing.some((d) => d < 0)) return c.unsupported('a batch axis after a strided one');
  const rank = dims.length + 1;
  const pads = new Array<number>(2 * rank).fill(0);
  pads[rank + axis + 1] = p.stride - 1;
  const spaced = e.op('Pad', [e.op('Unsqueeze', [g, e.int64s([axis + 1])]), e.int64s(pads)]);
  const merged = e.op('Reshape', [
    spaced,
    e.int64s([...new Array(axis).fill(0), p.count * p.stride, ...trailing]),
  ]);
  return e.op('Slice', [merged, e.int64s([0]), e.int64s([(p.count - 1) * p.stride + 1]), e.int64s([axis])]);
}

export const slice: BackwardRule = (c, node, [g]) => {
  const [x, startsName, endsName, axesName, stepsName] = node.input as string[];
  const dims = c.dims(x);
  const rank = dims.length;
  const starts = constantInput(c, startsName, 'starts')!;
  const ends = constantInput(c, endsName, 'ends')!;
  const axes = (constantInput(c, axesName, 'axes') ?? starts.map((_, i) => i)).map((a) =>
    normalizeAxis(a, rank),
  );
  const steps = constantInput(c, stepsName, 'steps') ?? starts.map(() => 1);
  const e = c.e;
  const current = [...c.dims(node.output![0])];
  const before = new Array<number>(rank).fill(0);
  const after = new Array<number>(rank).fill(0);
  let grad = g!;
  axes.forEach((axis, i) => {
    const size = dims[axis];
    if (size < 0) return c.unsupported('slicing the batch axis');
    if (steps[i] === 0) return c.unsupported('step 0');
    const p = placement(size, starts[i], ends[i], steps[i]);
    if (p.reversed && p.count > 1)
      grad = e.op('Slice', [grad, e.int64s([-1]), e.int64s([-INT64_MAX]), e.int64s([axis]), e.int64s([-1])]);
    let length = p.count;
    if (p.stride > 1 && p.count > 1) {
      grad = interleaveZeros(c, grad, current, axis, p);
      length = (p.count - 1) * p.stride + 1;
      current[axis] = length;
    }
    before[axis] = p.first;
    after[axis] = size - p.first - length;
  });
  return [e.op('Pad', [grad, e.int64s([...before, ...after])])];
};
