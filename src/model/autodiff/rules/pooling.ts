/**
 * Backward rules of pooling and reductions. MaxPool routes each gradient to
 * the element its window picked (the forward node's Indices output, scattered
 * with reduction "add" so overlapping windows accumulate); AveragePool's
 * adjoint is a depthwise ConvTranspose of ones, divided by each window's
 * divisor; GlobalAveragePool and ReduceMean spread g evenly.
 */
import { attrInt, attrInts } from '../emitter';
import { hasBatch, normalizeAxis, type BackwardRule, type RuleContext } from '../ruleContext';
import { DEEPLIFT_EPSILON, safeRatio } from '../sweep';
import { windowGeometry } from './convGeometry';

/** Scatters flat values into a zero tensor shaped like x at the given flat indices, adding duplicates. */
function scatterInto(c: RuleContext, x: string, indices: string, values: string): string {
  const e = c.e;
  const flat = e.int64s([-1]);
  const zeros = e.op('ConstantOfShape', [e.op('Reshape', [e.op('Size', [x]), e.int64s([1])])]);
  const scattered = e.op('ScatterElements', [zeros, e.op('Reshape', [indices, flat]), e.op('Reshape', [values, flat])], {
    axis: 0,
    reduction: 'add',
  });
  return e.op('Reshape', [scattered, c.shapeOf(x)]);
}

/**
 * MaxPool. Under DeepLIFT (Rescale), each window's g·Δy goes to the element
 * x's window picked (a), with multiplier routed/Δx. If that element did not
 * move (Δx_a = 0, e.g. both passes 0 after a ReLU), Δy = x_a − x0_b ≤ 0 is
 * routed to the element the reference window picked (b) instead, which then
 * moved by Δx_b ≤ Δy < 0; so Σ m·Δx = Σ g·Δy exactly (summation to delta),
 * where Captum's rule, which always uses a, loses that share.
 */
const maxPool: BackwardRule = (c, node, [g]) => {
  if (attrInt(node, 'storage_order', 0) !== 0) return c.unsupported('storage_order=1');
  const x = node.input![0];
  const y = node.output![0];
  const picked = c.extraOutput(node, 1);
  if (c.rule === 'gradient') return [scatterInto(c, x, picked, g!)];
  const e = c.e;
  const referencePicked = c.referenceExtraOutput(node, 1);
  const deltaX = e.op('Sub', [x, c.reference(x)]);
  const share = e.op('Mul', [g!, e.op('Sub', [y, c.reference(y)])]);
  const flat = e.int64s([-1]);
  const deltaAtPicked = e.op('GatherElements', [e.op('Reshape', [deltaX, flat]), e.op('Reshape', [picked, flat])], { axis: 0 });
  const pickedMoved = e.op('Reshape', [e.op('Greater', [e.op('Abs', [deltaAtPicked]), e.scalar(DEEPLIFT_EPSILON)]), c.shapeOf(y)]);
  const zero = e.scalar(0);
  const routed = e.op('Add', [
    scatterInto(c, x, picked, e.op('Where', [pickedMoved, share, zero])),
    scatterInto(c, x, referencePicked, e.op('Where', [pickedMoved, zero, share])),
  ]);
  return [safeRatio(e, routed, deltaX, () => scatterInto(c, x, picked, g!))];
};

const averagePool: BackwardRule = (c, node, [g]) => {
  const x = node.input![0];
  const xDims = c.dims(x);
  const kernel = attrInts(node, 'kernel_shape');
  if (!kernel) return c.unsupported('no kernel_shape');
  if (attrInt(node, 'ceil_mode', 0) === 1) return c.unsupported('ceil_mode=1');
  const channels = xDims[1];
  if (channels === undefined || channels < 0) return c.unsupported('unknown channel count');
  const geometry = windowGeometry(c, node, kernel, xDims.slice(2), c.dims(node.output![0]).slice(2));
  const e = c.e;
  const windowSize = kernel.reduce((a, b) => a * b, 1);
  const ones = e.floats(new Float32Array(channels * windowSize).fill(1), [channels, 1, ...kernel]);
  const window = { strides: geometry.strides, pads: geometry.pads, dilations: geometry.dilations, group: channels };
  const padded = geometry.pads.some((p) => p > 0);
  let scaled: string;
  if (!padded || attrInt(node, 'count_include_pad', 0) === 1) {
    scaled = e.op('Div', [g!, e.scalar(windowSize)]);
  } else {
    // Border windows average fewer elements; the divisor map is the window
    // sum of ones over the window mean of ones.
    const onesX = e.op('ConstantOfShape', [c.shapeOf(x)], {
      value: { tensor: { dataType: 1, dims: [1], floatData: [1] } },
    });
    const windowSums = e.op('Conv', [onesX, ones], window);
    const windowMeans = e.op('AveragePool', [onesX], {
      kernel_shape: kernel,
      strides: geometry.strides,
      pads: geometry.pads,
      count_include_pad: 0,
    });
    scaled = e.op('Div', [g!, e.op('Div', [windowSums, windowMeans])]);
  }
  return [e.op('ConvTranspose', [scaled, ones], { ...window, output_padding: geometry.outputPadding })];
};

/** Spreads g (reduced over `axes`, kept or not) back over x's shape, divided by `count`. */
function spread(c: RuleContext, g: string, x: string, axes: number[], keepdims: boolean, count: number): string {
  const e = c.e;
  const kept = keepdims ? g : e.op('Unsqueeze', [g, e.int64s(axes)]);
  const scaled = count === 1 ? kept : e.op('Div', [kept, e.scalar(count)]);
  return e.op('Expand', [scaled, c.shapeOf(x)]);
}

const globalAveragePool: BackwardRule = (c, node, [g]) => {
  const x = node.input![0];
  const spatial = c.dims(x).slice(2);
  if (hasBatch(spatial)) return c.unsupported('spatial size follows the batch');
  const axes = spatial.map((_, i) => i + 2);
  return [spread(c, g!, x, axes, true, spatial.reduce((a, b) => a * b, 1))];
};

function reduceRule(mean: boolean): BackwardRule {
  return (c, node, [g]) => {
    const x = node.input![0];
    const dims = c.dims(x);
    const axesInput = node.input![1];
    let axes = attrInts(node, 'axes') ?? (axesInput ? c.value(axesInput) : undefined);
    if (axesInput && !axes) return c.unsupported('axes computed at run time');
    if (!axes || axes.length === 0) {
      if (attrInt(node, 'noop_with_empty_axes', 0) === 1) return [g];
      axes = dims.map((_, i) => i);
    }
    axes = axes.map((a) => normalizeAxis(a, dims.length));
    const reduced = axes.map((a) => dims[a]);
    if (mean && hasBatch(reduced)) return c.unsupported('mean over the batch axis');
    const count = mean ? reduced.reduce((a, b) => a * b, 1) : 1;
    return [spread(c, g!, x, axes, attrInt(node, 'keepdims', 1) === 1, count)];
  };
}

export const POOLING_RULES: Record<string, BackwardRule> = {
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: globalAveragePool,
  ReduceMean: reduceRule(true),
  ReduceSum: reduceRule(false),
};
