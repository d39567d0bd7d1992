/**
 * Backward rules of the linear layers: Gemm, MatMul, Conv, ConvTranspose and
 * inference-mode BatchNormalization. The adjoint of a convolution is a
 * ConvTranspose with the same weights (and vice versa); Gemm's adjoints are
 * Gemms with flipped transposes. Weight gradients are never built: only the
 * input (or any chosen tensor) is differentiated.
 */
import { attrFloat, attrInt, attrInts } from '../emitter';
import { operandFactor, unbroadcast, type BackwardRule, type RuleContext } from '../ruleContext';
import { windowGeometry } from './convGeometry';

/** Y = α·A'·B' + β·C with A' = transA ? Aᵀ : A and B' likewise. */
const gemm: BackwardRule = (c, node, [g], needs) => {
  const [a, b, bias] = node.input as string[];
  const alpha = attrFloat(node, 'alpha', 1);
  const beta = attrFloat(node, 'beta', 1);
  const transA = attrInt(node, 'transA', 0);
  const transB = attrInt(node, 'transB', 0);
  const e = c.e;
  const scale = { alpha: { float: alpha } };
  // dA' = α·g·B'ᵀ and dB' = α·A'ᵀ·g, transposed back when A or B was.
  const gA = () =>
    transA
      ? e.op('Gemm', [b, g!], { ...scale, transA: transB, transB: 1 })
      : e.op('Gemm', [g!, b], { ...scale, transA: 0, transB: transB ? 0 : 1 });
  const gB = () =>
    transB
      ? e.op('Gemm', [g!, a], { ...scale, transA: 1, transB: transA })
      : e.op('Gemm', [a, g!], { ...scale, transA: transA ? 0 : 1, transB: 0 });
  const gC = () =>
    unbroadcast(c, beta === 1 ? g! : e.op('Mul', [g!, e.scalar(beta)]), c.dims(node.output![0]), bias);
  return [needs[0] ? gA() : undefined, needs[1] ? gB() : undefined, needs[2] ? gC() : undefined];
};

/** numpy matmul on operands of rank ≥ 2: dA = g·Bᵀ, dB = Aᵀ·g, summed over broadcast batch axes (bilinear, so DeepLIFT splits it like Mul). */
const matMul: BackwardRule = (c, node, [g], needs) => {
  const [a, b] = node.input as string[];
  const aDims = c.dims(a);
  const bDims = c.dims(b);
  if (aDims.length < 2 || bDims.length < 2) return c.unsupported('1-D operand');
  const yBatch = c.dims(node.output![0]).slice(0, -2);
  const swapLast = (rank: number) => [...Array(rank - 2).keys(), rank - 1, rank - 2];
  const e = c.e;
  const gA = () => {
    const full = e.op('MatMul', [
      g!,
      e.op('Transpose', [operandFactor(c, b)], { perm: swapLast(bDims.length) }),
    ]);
    return unbroadcast(c, full, [...yBatch, ...aDims.slice(-2)], a);
  };
  const gB = () => {
    const full = e.op('MatMul', [
      e.op('Transpose', [operandFactor(c, a)], { perm: swapLast(aDims.length) }),
      g!,
    ]);
    return unbroadcast(c, full, [...yBatch, ...bDims.slice(-2)], b);
  };
  return [needs[0] ? gA() : undefined, needs[1] ? gB() : undefined];
};

/**
 * Conv(X, W). With unit strides the adjoint is again a convolution, of g with
 * the flipped, group-transposed kernel and pads d(k−1) − p (onnxruntime's Conv
 * is about twice as fast as its ConvTranspose); otherwise dX =
 * ConvTranspose(g, W) with the same strides, pads, dilations and groups.
 */
const conv: BackwardRule = (c, node, [g], needs) => {
  const [x, w] = node.input as string[];
  if (needs[1] || needs[2]) return c.unsupported('input-dependent weights or bias');
  const wDims = c.dims(w);
  const kernel = wDims.slice(2);
  const geometry = windowGeometry(c, node, kernel, c.dims(x).slice(2), c.dims(node.output![0]).slice(2));
  const group = attrInt(node, 'group', 1);
  const reach = kernel.map((k, i) => geometry.dilations[i] * (k - 1));
  const s = kernel.length;
  const adjointPads = [
    ...reach.map((r, i) => r - geometry.pads[i]),
    ...reach.map((r, i) => r - geometry.pads[i + s]),
  ];
  if (geometry.strides.every((stride) => stride === 1) && adjointPads.every((p) => p >= 0)) {
    return [
      c.e.op('Conv', [g!, flippedTransposedKernel(c, w, wDims, group)], {
        pads: adjointPads,
        dilations: geometry.dilations,
        group,
      }),
    ];
  }
  const gX = c.e.op('ConvTranspose', [g!, w], {
    strides: geometry.strides,
    pads: geometry.pads,
    dilations: geometry.dilations,
    group,
    output_padding: geometry.outputPadding,
  });
  return [gX];
};

/** W [M, C/g, k…] → [C, M/g, k…] with each group's in/out channels swapped and the kernel reversed along every spatial axis. */
function flippedTransposedKernel(c: RuleContext, w: string, wDims: number[], group: number): string {
  const e = c.e;
  const [m, perGroup, ...kernel] = wDims;
  const spatial = kernel.map((_, i) => i + 2);
  const grouped = e.op('Reshape', [w, e.int64s([group, m / group, perGroup, ...kernel])]);
  const swapped = e.op('Transpose', [grouped], { perm: [0, 2, 1, ...kernel.map((_, i) => i + 3)] });
  const transposed = e.op('Reshape', [swapped, e.int64s([perGroup * group, m / group, ...kernel])]);
  const reversed = spatial.map(() => -1);
  return e.op('Slice', [
    transposed,
    e.int64s(reversed),
    e.int64s(spatial.map(() => -(2 ** 62))),
    e.int64s(spatial),
    e.int64s(reversed),
  ]);
}

/** ConvTranspose(X, W): dX = Conv(g, W) with the same attributes (W's layout [Cin, Cout/group, k…] is Conv's [M, C/group, k…]). */
const convTranspose: BackwardRule = (c, node, [g], needs) => {
  const [x, w] = node.input as string[];
  if (needs[1] || needs[2]) return c.unsupported('input-dependent weights or bias');
  if (node.attribute?.some((a) => a.name === 'output_shape' || (a.name === 'auto_pad' && a.s?.length))) {
    c.unsupported('output_shape or auto_pad (explicit pads only)');
  }
  const spatial = c.dims(x).length - 2;
  const gX = c.e.op('Conv', [g!, w], {
    strides: attrInts(node, 'strides') ?? new Array(spatial).fill(1),
    pads: attrInts(node, 'pads') ?? new Array(2 * spatial).fill(0),
    dilations: attrInts(node, 'dilations') ?? new Array(spatial).fill(1),
    group: attrInt(node, 'group', 1),
  });
  return [gX];
};

/** Inference BatchNormalization is per-channel affine: dX = g · scale / √(var + ε). */
const batchNormalization: BackwardRule = (c, node, [g], needs) => {
  const [x, scale, , , variance] = node.input as string[];
  if (attrInt(node, 'training_mode', 0) === 1 || (node.output ?? []).filter(Boolean).length > 1) {
    c.unsupported('training mode (batch statistics)');
  }
  if (needs.slice(1).some(Boolean)) return c.unsupported('input-dependent parameters');
  const e = c.e;
  const epsilon = attrFloat(node, 'epsilon', 1e-5);
  const factor = e.op('Div', [scale, e.op('Sqrt', [e.op('Add', [variance, e.scalar(epsilon)])])]);
  const channels = c.dims(x)[1];
  const perChannel = e.op('Reshape', [
    factor,
    e.int64s([channels, ...new Array(c.dims(x).length - 2).fill(1)]),
  ]);
  return [e.op('Mul', [g!, perChannel])];
};

export const LINEAR_RULES: Record<string, BackwardRule> = {
  Gemm: gemm,
  MatMul: matMul,
  Conv: conv,
  ConvTranspose: convTranspose,
  BatchNormalization: batchNormalization,
};
