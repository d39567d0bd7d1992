/**
 * Backward rules of average pooling and reductions (MaxPool is in
 * maxPool.ts). AveragePool's adjoint is a depthwise ConvTranspose of ones,
 * divided by each window's divisor; GlobalAveragePool and ReduceMean spread g
 * evenly.
 */
import { attrInt, attrInts } from '../emitter';
import { hasBatch, normalizeAxis, type BackwardRule, type RuleContext } from '../ruleContext';
import { windowGeometry } from './convGeometry';
import { maxPool } from './maxPool';

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
  const window = {
    strides: geometry.strides,
    pads: geometry.pads,
    dilations: geometry.dilations,
    group: channels,
  };
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
function spread(
  c: RuleContext,
  g: string,
  x: string,
  axes: number[],
  keepdims: boolean,
  count: number,
): string {
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
  return [
    spread(
      c,
      g!,
      x,
      axes,
      true,
      spatial.reduce((a, b) => a * b, 1),
    ),
  ];
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
