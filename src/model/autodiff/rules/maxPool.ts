/**
 * MaxPool's backward rule: each window's gradient goes to the element the
 * window picked, the first maximum in row-major order (as PyTorch and
 * onnxruntime's Indices output break ties): the forward node's Indices
 * output, scattered with reduction "add" so overlapping windows accumulate.
 * (Dense alternatives for tiling windows, a one-hot of ArgMax over reshaped
 * windows, or Equal(window, y) with an exclusive CumSum to keep the first
 * maximum, measured 1.3× slower in onnxruntime 1.30 and were dropped.)
 *
 * Under DeepLIFT (Rescale) each window's g·Δy goes to the element x's window
 * picked (a), with multiplier routed/Δx. If that element did not move
 * (Δx_a = 0, e.g. both passes 0 after a ReLU), Δy = x_a − x0_b ≤ 0 goes to the
 * element the reference window picked (b) instead, which then moved by
 * Δx_b ≤ Δy < 0; so Σ m·Δx = Σ g·Δy exactly (summation to delta), where
 * Captum's rule, which always uses a, loses that share.
 */
import { attrInt } from '../emitter';
import type { onnx } from '../../onnxGraph';
import type { BackwardRule, RuleContext } from '../ruleContext';
import { DEEPLIFT_EPSILON, safeRatio } from '../sweep';

interface Router {
  /** An x-shaped tensor holding `values` (shaped like y) at the elements the x pass (or reference pass) picked, 0 elsewhere. */
  route(values: string, pass: 'x' | 'reference'): string;
  /** The value of the x-shaped tensor t at the elements the x pass picked, shaped like y. */
  atPicked(t: string): string;
}

export const maxPool: BackwardRule = (c, node, [g]) => {
  if (attrInt(node, 'storage_order', 0) !== 0) return c.unsupported('storage_order=1');
  const x = node.input![0];
  const y = node.output![0];
  const router = indexRouter(c, node);
  if (c.rule === 'gradient') return [router.route(g!, 'x')];
  const e = c.e;
  const deltaX = e.op('Sub', [x, c.reference(x)]);
  const share = e.op('Mul', [g!, e.op('Sub', [y, c.reference(y)])]);
  const pickedMoved = e.op('Greater', [e.op('Abs', [router.atPicked(deltaX)]), e.scalar(DEEPLIFT_EPSILON)]);
  const zero = e.scalar(0);
  const routed = e.op('Add', [
    router.route(e.op('Where', [pickedMoved, share, zero]), 'x'),
    router.route(e.op('Where', [pickedMoved, zero, share]), 'reference'),
  ]);
  return [safeRatio(e, routed, deltaX, () => router.route(g!, 'x'))];
};

function indexRouter(c: RuleContext, node: onnx.INodeProto): Router {
  const e = c.e;
  const x = node.input![0];
  const y = node.output![0];
  const flat = e.int64s([-1]);
  const picked = { x: c.extraOutput(node, 1), reference: '' };
  return {
    route(values, pass) {
      if (pass === 'reference' && !picked.reference) picked.reference = c.referenceExtraOutput(node, 1);
      const zeros = e.op('ConstantOfShape', [e.op('Reshape', [e.op('Size', [x]), e.int64s([1])])]);
      const scattered = e.op(
        'ScatterElements',
        [zeros, e.op('Reshape', [picked[pass], flat]), e.op('Reshape', [values, flat])],
        {
          axis: 0,
          reduction: 'add',
        },
      );
      return e.op('Reshape', [scattered, c.shapeOf(x)]);
    },
    atPicked(t) {
      const gathered = e.op(
        'GatherElements',
        [e.op('Reshape', [t, flat]), e.op('Reshape', [picked.x, flat])],
        { axis: 0 },
      );
      return e.op('Reshape', [gathered, c.shapeOf(y)]);
    },
  };
}
