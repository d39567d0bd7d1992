/**
 * Explicit pads and the ConvTranspose output_padding that make the adjoint of
 * a strided convolution (or pooling window) land exactly on the input's size.
 */
import { attrInt, attrInts, attrString } from '../emitter';
import type { onnx } from '../../onnxGraph';
import type { RuleContext } from '../ruleContext';

export interface WindowGeometry {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** [begin…, end…] as ONNX lists them. */
  pads: number[];
  /** Extra cells at the end of each spatial axis that the forward windows never reached. */
  outputPadding: number[];
}

/** Geometry of a Conv/pool node whose input X has spatial dims `inSpatial` and output `outSpatial`. */
export function windowGeometry(
  c: RuleContext,
  node: onnx.INodeProto,
  kernel: number[],
  inSpatial: number[],
  outSpatial: number[],
): WindowGeometry {
  const s = kernel.length;
  const strides = attrInts(node, 'strides') ?? new Array(s).fill(1);
  const dilations = attrInts(node, 'dilations') ?? new Array(s).fill(1);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  let pads = attrInts(node, 'pads') ?? new Array(2 * s).fill(0);
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    pads = new Array(2 * s).fill(0);
    for (let i = 0; i < s; i++) {
      const total = Math.max(
        0,
        (outSpatial[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - inSpatial[i],
      );
      const small = Math.floor(total / 2);
      pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
      pads[i + s] = total - pads[i];
    }
  } else if (autoPad === 'VALID') {
    pads = new Array(2 * s).fill(0);
  }
  if (attrInt(node, 'ceil_mode', 0) === 1) {
    // With ceil_mode the last window may hang past the end; pad the end so the
    // adjoint (a ConvTranspose) sees the same windows.
    for (let i = 0; i < s; i++) {
      const needed =
        (outSpatial[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - inSpatial[i] - pads[i];
      pads[i + s] = Math.max(pads[i + s], needed);
    }
  }
  const outputPadding = kernel.map((k, i) => {
    const reached = (outSpatial[i] - 1) * strides[i] + (k - 1) * dilations[i] + 1 - pads[i] - pads[i + s];
    return inSpatial[i] - reached;
  });
  if (outputPadding.some((p, i) => p < 0 || p >= Math.max(strides[i], dilations[i]))) {
    c.unsupported(`window geometry: input ${inSpatial.join('×')}, output ${outSpatial.join('×')}`);
  }
  return { kernel, strides, dilations, pads, outputPadding };
}
