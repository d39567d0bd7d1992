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

/**
 * Strides, dilations and explicit [begin…, end…] pads of a Conv/pool node,
 * auto_pad resolved. SAME_UPPER/SAME_LOWER need the static spatial sizes of
 * input and output: without them `pads` is undefined.
 */
export function windowPads(
  node: onnx.INodeProto,
  kernel: number[],
  inSpatial: number[] | undefined,
  outSpatial: number[] | undefined,
): { strides: number[]; dilations: number[]; pads: number[] | undefined } {
  const s = kernel.length;
  const strides = attrInts(node, 'strides') ?? new Array<number>(s).fill(1);
  const dilations = attrInts(node, 'dilations') ?? new Array<number>(s).fill(1);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  if (autoPad === 'VALID') return { strides, dilations, pads: new Array<number>(2 * s).fill(0) };
  if (autoPad !== 'SAME_UPPER' && autoPad !== 'SAME_LOWER') {
    return { strides, dilations, pads: attrInts(node, 'pads') ?? new Array<number>(2 * s).fill(0) };
  }
  if (!inSpatial || !outSpatial || [...inSpatial, ...outSpatial].some((d) => d < 0)) {
    return { strides, dilations, pads: undefined };
  }
  const pads = new Array<number>(2 * s).fill(0);
  for (let i = 0; i < s; i++) {
    const total = Math.max(
      0,
      (outSpatial[i] - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - inSpatial[i],
    );
    const small = Math.floor(total / 2);
    pads[i] = autoPad === 'SAME_UPPER' ? small : total - small;
    pads[i + s] = total - pads[i];
  }
  return { strides, dilations, pads };
}

/**
 * With ceil_mode, how far each axis's last window hangs past the padded end
 * (0 where it does not, and everywhere without ceil_mode).
 */
export function ceilModeOverhang(
  node: onnx.INodeProto,
  geometry: { kernel: number[]; strides: number[]; dilations: number[]; pads: number[] },
  inSpatial: number[],
  outSpatial: number[],
): number[] {
  const { kernel, strides, dilations, pads } = geometry;
  const s = kernel.length;
  if (attrInt(node, 'ceil_mode', 0) === 0) return new Array<number>(s).fill(0);
  return kernel.map((k, i) =>
    Math.max(
      0,
      (outSpatial[i] - 1) * strides[i] + (k - 1) * dilations[i] + 1 - inSpatial[i] - pads[i] - pads[i + s],
    ),
  );
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
  const { strides, dilations, pads: explicit } = windowPads(node, kernel, inSpatial, outSpatial);
  if (!explicit) c.unsupported(`auto_pad without static sizes: input ${inSpatial.join('×')}`);
  const pads = [...explicit!];
  // With ceil_mode the last window may hang past the end; pad the end so the
  // adjoint (a ConvTranspose) sees the same windows.
  ceilModeOverhang(node, { kernel, strides, dilations, pads }, inSpatial, outSpatial).forEach((extra, i) => {
    pads[i + s] += extra;
  });
  const outputPadding = kernel.map((k, i) => {
    const reached = (outSpatial[i] - 1) * strides[i] + (k - 1) * dilations[i] + 1 - pads[i] - pads[i + s];
    return inSpatial[i] - reached;
  });
  if (outputPadding.some((p, i) => p < 0 || p >= Math.max(strides[i], dilations[i]))) {
    c.unsupported(`window geometry: input ${inSpatial.join('×')}, output ${outSpatial.join('×')}`);
  }
  return { kernel, strides, dilations, pads, outputPadding };
}
