/**
 * Backward rules of broadcasting arithmetic and elementwise activations.
 * Activations go through the nonlinearity hook, so DeepLIFT's Rescale rule
 * applies to them; products and quotients of two input-dependent tensors use
 * the exact symmetric split of Δ(ab) and Δ(a/b) under DeepLIFT.
 */
import { attrFloat } from '../emitter';
import { operandFactor, unbroadcast, type BackwardRule, type RuleContext } from '../ruleContext';
import type { onnx } from '../../onnxGraph';

type Node = onnx.INodeProto;

function inputsOf(node: Node): string[] {
  return (node.input ?? []) as string[];
}

const add: BackwardRule = (c, node, [g], needs) => {
  const y = node.output![0];
  return inputsOf(node).map((x, i) => (needs[i] ? unbroadcast(c, g!, c.dims(y), x) : undefined));
};

const sub: BackwardRule = (c, node, [g], needs) => {
  const [a, b] = inputsOf(node);
  const dims = c.dims(node.output![0]);
  return [
    needs[0] ? unbroadcast(c, g!, dims, a) : undefined,
    needs[1] ? unbroadcast(c, c.e.op('Neg', [g!]), dims, b) : undefined,
  ];
};

const mul: BackwardRule = (c, node, [g], needs) => {
  const [a, b] = inputsOf(node);
  const dims = c.dims(node.output![0]);
  return [
    needs[0] ? unbroadcast(c, c.e.op('Mul', [g!, operandFactor(c, b)]), dims, a) : undefined,
    needs[1] ? unbroadcast(c, c.e.op('Mul', [g!, operandFactor(c, a)]), dims, b) : undefined,
  ];
};

/**
 * y = a / b. Gradient: ∂y/∂a = 1/b, ∂y/∂b = −y/b. DeepLIFT: Δ(a/b) =
 * Δa·½(1/b + 1/b₀) − Δb·½(a + a₀)/(b·b₀), exactly.
 */
const div: BackwardRule = (c, node, [g], needs) => {
  const [a, b] = inputsOf(node);
  const y = node.output![0];
  const dims = c.dims(y);
  const e = c.e;
  const exact = c.rule === 'gradient' || !c.variable(b);
  const gA = () => {
    if (exact) return e.op('Div', [g!, b]);
    const inverseMean = e.op('Mul', [
      e.op('Add', [e.op('Reciprocal', [b]), e.op('Reciprocal', [c.reference(b)])]),
      e.scalar(0.5),
    ]);
    return e.op('Mul', [g!, inverseMean]);
  };
  const gB = () => {
    if (exact) return e.op('Neg', [e.op('Mul', [g!, e.op('Div', [y, b])])]);
    const product = e.op('Mul', [b, c.reference(b)]);
    return e.op('Neg', [e.op('Mul', [g!, e.op('Div', [operandFactor(c, a), product])])]);
  };
  return [
    needs[0] ? unbroadcast(c, gA(), dims, a) : undefined,
    needs[1] ? unbroadcast(c, gB(), dims, b) : undefined,
  ];
};

const neg: BackwardRule = (c, _node, [g]) => [c.e.op('Neg', [g!])];

/** An activation y = f(x) with its local derivative built from x and y. */
function activation(
  localDerivative: (c: RuleContext, x: string, y: string, node: Node) => string,
): BackwardRule {
  return (c, node, [g]) => {
    const x = inputsOf(node)[0];
    const y = node.output![0];
    return [c.nonlinearity(x, y, g!, () => localDerivative(c, x, y, node))];
  };
}

function positive(c: RuleContext, x: string): string {
  return c.e.op('Cast', [c.e.op('Greater', [x, c.e.scalar(0)])], { to: 1 });
}

// The piecewise-linear activations read their derivative off the output y
// (y > 0 ⇔ x > 0 for ReLU and LeakyReLU, y inside the bounds ⇔ x inside for
// Clip), so onnxruntime may still fuse the producer of x (Conv + BatchNorm +
// ReLU) in the forward part of the backward graph.
const relu = activation((c, _x, y) => positive(c, y));

const leakyRelu = activation((c, _x, y, node) => {
  const alpha = attrFloat(node, 'alpha', 0.01);
  if (alpha <= 0)
    return c.e.op('Where', [c.e.op('Greater', [_x, c.e.scalar(0)]), c.e.scalar(1), c.e.scalar(alpha)]);
  return c.e.op('Where', [c.e.op('Greater', [y, c.e.scalar(0)]), c.e.scalar(1), c.e.scalar(alpha)]);
});

/** Clip(x, min, max): derivative 1 strictly inside the bounds (as PyTorch's hardtanh backward). */
const clip = activation((c, _x, x, node) => {
  const [, low, high] = inputsOf(node);
  const inside: string[] = [];
  if (low) inside.push(c.e.op('Greater', [x, low]));
  if (high) inside.push(c.e.op('Less', [x, high]));
  if (inside.length === 0) return c.e.op('Cast', [c.e.op('Equal', [x, x])], { to: 1 });
  const mask = inside.length === 2 ? c.e.op('And', inside) : inside[0];
  return c.e.op('Cast', [mask], { to: 1 });
});

const sigmoid = activation((c, _x, y) => c.e.op('Mul', [y, c.e.op('Sub', [c.e.scalar(1), y])]));
const tanh = activation((c, _x, y) => c.e.op('Sub', [c.e.scalar(1), c.e.op('Mul', [y, y])]));
const exp = activation((_c, _x, y) => y);
const log = activation((c, x) => c.e.op('Reciprocal', [x]));
const sqrt = activation((c, _x, y) => c.e.op('Div', [c.e.scalar(0.5), y]));
const softplus = activation((c, x) => c.e.op('Sigmoid', [x]));
const abs = activation((c, x) => c.e.op('Sign', [x]));
/** erf'(x) = 2/√π · exp(−x²) (GELU is exported as x · ½(1 + erf(x/√2))). */
const erf = activation((c, x) =>
  c.e.op('Mul', [
    c.e.op('Exp', [c.e.op('Neg', [c.e.op('Mul', [x, x])])]),
    c.e.scalar(2 / Math.sqrt(Math.PI)),
  ]),
);

/**
 * y = a^b. With a constant exponent it is an elementwise nonlinearity of a
 * (local derivative b·a^(b−1), so DeepLIFT rescales it); an input-dependent
 * exponent gets ∂y/∂b = y·ln a under the gradient only.
 */
const pow: BackwardRule = (c, node, [g], needs) => {
  const [a, b] = inputsOf(node);
  const y = node.output![0];
  const dims = c.dims(y);
  const e = c.e;
  if (needs[1] && c.rule !== 'gradient') return c.unsupported('DeepLIFT needs a constant exponent');
  const gA = () =>
    c.nonlinearity(a, y, g!, () => e.op('Mul', [b, e.op('Pow', [a, e.op('Sub', [b, e.scalar(1)])])]));
  const gB = () => e.op('Mul', [g!, e.op('Mul', [y, e.op('Log', [a])])]);
  return [
    needs[0] ? unbroadcast(c, gA(), dims, a) : undefined,
    needs[1] ? unbroadcast(c, gB(), dims, b) : undefined,
  ];
};

/**
 * Elementwise nonlinearities y = f(x, constants…) (the ops DeepLIFT's
 * nonlinearity rules apply to, when only their first input depends on the input).
 */
export const ELEMENTWISE_ACTIVATIONS = new Set([
  'Relu',
  'LeakyRelu',
  'Clip',
  'Sigmoid',
  'Tanh',
  'Exp',
  'Log',
  'Sqrt',
  'Softplus',
  'Abs',
  'Erf',
  'Pow',
]);

export const ELEMENTWISE_RULES: Record<string, BackwardRule> = {
  Add: add,
  Sum: add,
  Sub: sub,
  Mul: mul,
  Div: div,
  Neg: neg,
  Relu: relu,
  LeakyRelu: leakyRelu,
  Clip: clip,
  Sigmoid: sigmoid,
  Tanh: tanh,
  Exp: exp,
  Log: log,
  Sqrt: sqrt,
  Softplus: softplus,
  Abs: abs,
  Erf: erf,
  Pow: pow,
};
