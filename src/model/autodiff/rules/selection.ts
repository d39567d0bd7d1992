/**
 * Backward rules of ops that pick elements: Gather with constant indices (a
 * ViT's class-token pick `x[:, 0]`, a fixed permutation) and Where. Both are
 * linear in their float inputs once the indices or the condition are fixed,
 * so DeepLIFT passes multipliers through them unchanged; a condition that
 * depends on the input makes Where a nonlinearity without a DeepLIFT rule.
 */
import { attrInt } from '../emitter';
import { normalizeAxis, unbroadcast, type BackwardRule } from '../ruleContext';

/** One-hot matrices above this many elements are refused (an embedding table's gradient would need a scatter). */
const MAX_ONE_HOT = 1 << 24;

/**
 * y = Gather(data, indices, axis) with constant indices: d data is g contracted
 * with the one-hot matrix P [k, size] of the k indices along the gathered
 * axis, so a repeated index sums its gradients (as a scatter-add would). g's
 * index dims move last and become one axis of k; g·P is then data's layout
 * with the gathered axis last, which one Transpose puts back.
 */
const gather: BackwardRule = (c, node, [g], needs) => {
  if (!needs[0]) return [];
  const [data, indices] = node.input as string[];
  const dims = c.dims(data);
  const rank = dims.length;
  const axis = normalizeAxis(attrInt(node, 'axis', 0), rank);
  const size = dims[axis];
  if (size < 0) return c.unsupported('gathering along the batch axis');
  const picked = c.value(indices);
  if (!picked) return c.unsupported('indices computed from the input, or too many of them');
  const k = picked.length;
  if (size * k > MAX_ONE_HOT) return c.unsupported(`${k} indices into an axis of ${size}`);
  const oneHot = new Float32Array(k * size);
  picked.forEach((index, j) => (oneHot[j * size + (index < 0 ? index + size : index)] = 1));
  const e = c.e;
  const indexRank = c.dims(node.output![0]).length - rank + 1;
  const range = (from: number, to: number) =>
    Array.from({ length: Math.max(to - from, 0) }, (_, i) => from + i);
  const gRank = rank - 1 + indexRank;
  const indexLast =
    indexRank > 0 && axis + indexRank < gRank
      ? e.op('Transpose', [g!], {
          perm: [...range(0, axis), ...range(axis + indexRank, gRank), ...range(axis, axis + indexRank)],
        })
      : g!;
  // Reshape's 0 copies each of the rank − 1 leading dims (the batch among them).
  const grouped = e.op('Reshape', [indexLast, e.int64s([...new Array(rank - 1).fill(0), k])]);
  const scattered = e.op('MatMul', [grouped, e.floats(oneHot, [k, size])]);
  if (axis === rank - 1) return [scattered];
  return [e.op('Transpose', [scattered], { perm: [...range(0, axis), rank - 1, ...range(axis, rank - 1)] })];
};

/** y = Where(cond, a, b): g goes to a where cond holds and to b elsewhere. */
const where: BackwardRule = (c, node, [g], needs) => {
  const [condition, a, b] = node.input as string[];
  if (c.rule !== 'gradient' && c.variable(condition))
    return c.unsupported('DeepLIFT has no rule for a condition that depends on the input');
  const dims = c.dims(node.output![0]);
  const e = c.e;
  const zero = e.scalar(0);
  return [
    undefined,
    needs[1] ? unbroadcast(c, e.op('Where', [condition, g!, zero]), dims, a) : undefined,
    needs[2] ? unbroadcast(c, e.op('Where', [condition, zero, g!]), dims, b) : undefined,
  ];
};

export const SELECTION_RULES: Record<string, BackwardRule> = {
  Gather: gather,
  Where: where,
};
