/**
 * DeepLIFT's RevealCancel rule (Shrikumar, Greenside, Kundaje 2017, §3.5.3).
 *
 * Every tensor's difference from the reference, Δ = Δ⁺ + Δ⁻, is carried as
 * its positive and negative contributions, and every tensor gets a multiplier
 * for each (m⁺, m⁻); attributions at the input are m⁺Δ⁺ + m⁻Δ⁻, and they sum
 * to Σ upstream·Δof.
 *
 * Forward, from Δx⁺ = max(x − x0, 0), Δx⁻ = min(x − x0, 0):
 * - a layer with constant weights W (Conv, ConvTranspose, Gemm, MatMul,
 *   BatchNormalization, Mul/Div by a constant) sends Δ⁺ through W⁺ = max(W, 0)
 *   and Δ⁻ through W⁻ = min(W, 0): Δy⁺ = W⁺Δa⁺ + W⁻Δa⁻, Δy⁻ = W⁺Δa⁻ + W⁻Δa⁺
 *   (the paper's linear rule: positive terms w·Δa go to Δy⁺);
 * - sign-preserving ops (sums, average pooling, reshapes) act on each part;
 * - an elementwise nonlinearity y = f(x) splits Δy by the paper's formula
 *   Δy⁺ = ½[f(x0+Δx⁺) − f(x0)] + ½[f(x0+Δx⁻+Δx⁺) − f(x0+Δx⁻)], Δy⁻ likewise,
 *   with multipliers m⁺ = Δy⁺/Δx⁺ and m⁻ = Δy⁻/Δx⁻;
 * - MaxPool uses the Rescale rule on the total Δ (as the paper's code does for
 *   pooling), and splits its output Δy by sign.
 * Backward, multipliers run through the transposes of the same maps.
 */
import type { onnx } from '../onnxGraph';
import type { GraphEmitter } from './emitter';
import type { RuleContext } from './ruleContext';
import { BACKWARD_RULES } from './rules';
import { ELEMENTWISE_ACTIVATIONS } from './rules/elementwise';
import { Contributions, safeRatio, type Sweep } from './sweep';

/** Ops that act on the positive and negative parts separately (they are linear with non-negative weights, or move values). */
const SIGN_PRESERVING = new Set([
  'Add',
  'Sum',
  'AveragePool',
  'GlobalAveragePool',
  'ReduceMean',
  'ReduceSum',
  'Flatten',
  'Reshape',
  'Squeeze',
  'Unsqueeze',
  'Transpose',
  'Identity',
  'Dropout',
  'Cast',
  'Concat',
  'Pad',
  'Slice',
  'Expand',
  'Gather',
]);

/** Ops with constant weights at the given input, and inputs whose value is dropped (bias: Δ of a constant is 0). */
const WEIGHTED: Record<string, { weight: number; zeroed: number[] }> = {
  Conv: { weight: 1, zeroed: [2] },
  ConvTranspose: { weight: 1, zeroed: [2] },
  Gemm: { weight: 1, zeroed: [2] },
  MatMul: { weight: 1, zeroed: [] },
  BatchNormalization: { weight: 1, zeroed: [2, 3] },
  Mul: { weight: 1, zeroed: [] },
};

interface Parts {
  plus: string;
  minus: string;
}

/** What every node's forward and backward step reads and writes. */
interface RevealCancelState {
  e: GraphEmitter;
  sweep: Sweep;
  /** Rule contexts for reusing the gradient (linear ops) and Rescale (MaxPool) rules. */
  gradient: RuleContext;
  rescale: RuleContext;
  /** (Δ⁺, Δ⁻) of every tensor on the path. */
  parts: Map<string, Parts>;
  /** Multiplier contributions of the positive and negative parts. */
  plusM: Contributions;
  minusM: Contributions;
}

export function revealCancelSweep(sweep: Sweep): string | undefined {
  const { e, reference } = sweep;
  const state: RevealCancelState = {
    e,
    sweep,
    gradient: sweep.contextFor('gradient'),
    rescale: sweep.contextFor('rescale'),
    parts: new Map(),
    plusM: new Contributions(e),
    minusM: new Contributions(e),
  };
  const { parts, plusM, minusM } = state;

  const inputDelta = e.op('Sub', [sweep.wrt, reference(sweep.wrt)]);
  const inputPlus = e.op('Relu', [inputDelta]);
  parts.set(sweep.wrt, { plus: inputPlus, minus: e.op('Sub', [inputDelta, inputPlus]) });

  // Forward: the parts of every tensor on the path; and how to send multipliers back through each node.
  const backward: Backward[] = [];
  for (const original of sweep.nodes) {
    sweep.current.node = original;
    const node = normalise(e, original, sweep);
    const variable = node.input.map((name) => name !== '' && sweep.fromWrt.has(name));
    const op = node.opType;
    if (op in WEIGHTED && variable.filter(Boolean).length === 1 && variable[0]) {
      backward.push(weightedLayer(state, node));
    } else if (op === 'Sub' || SIGN_PRESERVING.has(op) || (op === 'Split' && variable[0])) {
      backward.push(signPreserving(state, node, variable));
    } else if (ELEMENTWISE_ACTIVATIONS.has(op) && variable.every((v, k) => k === 0 || !v)) {
      backward.push(activation(state, node));
    } else if (op === 'MaxPool') {
      backward.push(maxPool(state, node));
    } else {
      state.gradient.unsupported(
        `no RevealCancel rule${op in WEIGHTED ? ' for input-dependent weights' : ''}; the Rescale rule may apply`,
      );
    }
  }

  plusM.add(sweep.of, sweep.upstream);
  minusM.add(sweep.of, sweep.upstream);
  for (let i = backward.length - 1; i >= 0; i--) {
    sweep.current.node = sweep.nodes[i];
    backward[i]();
  }
  const mPlus = plusM.total(sweep.wrt);
  const mMinus = minusM.total(sweep.wrt);
  if (!mPlus || !mMinus) return undefined;
  // One of Δx⁺, Δx⁻ is zero at each input element; the multiplier is the other one's.
  return e.op('Where', [e.op('Greater', [inputDelta, e.scalar(0)]), mPlus, mMinus]);
}

/** Sends the output's multipliers back to the node's inputs. */
type Backward = () => void;

/** Mul(constant, x) becomes Mul(x, constant), and Div by a constant is Mul by its reciprocal. */
function normalise(e: GraphEmitter, node: onnx.NodeProto, sweep: Sweep): onnx.NodeProto {
  const [a, b] = node.input;
  if (node.opType === 'Mul' && !sweep.fromWrt.has(a) && sweep.fromWrt.has(b))
    return { ...node, input: [b, a] } as onnx.NodeProto;
  if (node.opType !== 'Div' || sweep.fromWrt.has(node.input[1])) return node;
  const reciprocal = e.op('Reciprocal', [node.input[1]]);
  sweep.aliases.set(reciprocal, node.input[1]);
  return { ...node, opType: 'Mul', input: [node.input[0], reciprocal] } as onnx.NodeProto;
}

function clone(e: GraphEmitter, node: onnx.NodeProto, inputs: string[]): string[] {
  const outputs = node.output.map((o) => (o ? e.fresh(`${node.opType}_part`) : ''));
  e.nodes.push({ ...node, name: outputs[0], input: inputs, output: outputs });
  return outputs;
}

function weightedLayer(state: RevealCancelState, node: onnx.NodeProto): Backward {
  const { e, sweep, gradient, parts, plusM, minusM } = state;
  const { weight, zeroed } = WEIGHTED[node.opType];
  const w = node.input[weight];
  const wPlus = e.op('Relu', [w]);
  const wMinus = e.op('Sub', [w, wPlus]);
  sweep.aliases.set(wPlus, w);
  sweep.aliases.set(wMinus, w);
  const a = parts.get(node.input[0])!;
  const withWeight = (input: string, weights: string) =>
    node.input.map((name, k) =>
      k === 0
        ? input
        : k === weight
          ? weights
          : zeroed.includes(k) && name
            ? e.op('Sub', [name, name])
            : name,
    );
  const apply = (input: string, weights: string) => clone(e, node, withWeight(input, weights))[0];
  const y = node.output[0];
  parts.set(y, {
    plus: e.op('Add', [apply(a.plus, wPlus), apply(a.minus, wMinus)]),
    minus: e.op('Add', [apply(a.minus, wPlus), apply(a.plus, wMinus)]),
  });
  const rule = BACKWARD_RULES[node.opType];
  const needs = node.input.map((_, k) => k === 0);
  return () => {
    const mYPlus = plusM.total(y);
    const mYMinus = minusM.total(y);
    const adjoint = (g: string | undefined, weights: string) =>
      g
        ? rule(
            gradient,
            { ...node, input: withWeight(node.input[0], weights) } as onnx.NodeProto,
            [g],
            needs,
          )[0]
        : undefined;
    // m(a⁺) = W⁺ᵀ m(y⁺) + W⁻ᵀ m(y⁻);  m(a⁻) = W⁻ᵀ m(y⁺) + W⁺ᵀ m(y⁻).
    for (const [target, terms] of [
      [plusM, [adjoint(mYPlus, wPlus), adjoint(mYMinus, wMinus)]],
      [minusM, [adjoint(mYPlus, wMinus), adjoint(mYMinus, wPlus)]],
    ] as const) {
      for (const term of terms) if (term) target.add(node.input[0], term);
    }
  };
}

function signPreserving(state: RevealCancelState, node: onnx.NodeProto, variable: boolean[]): Backward {
  const { e, gradient, parts, plusM, minusM } = state;
  const isSub = node.opType === 'Sub';
  // Constant operands have Δ = 0: they drop out of sums and become zeros elsewhere.
  const zeroLike = (name: string) => (name ? e.op('Sub', [name, name]) : '');
  const partInputs = (which: keyof Parts) =>
    node.input.map((name, k) => {
      if (!variable[k]) {
        if (node.opType === 'Pad' && k === 2) return ''; // pad the parts with 0
        return k === 0 || node.opType === 'Concat' || node.opType === 'Add' || node.opType === 'Sum' || isSub
          ? zeroLike(name)
          : name;
      }
      const p = parts.get(name)!;
      // y⁺ = a⁺ − b⁻ and y⁻ = a⁻ − b⁺ for a subtraction.
      return isSub && k === 1 ? p[which === 'plus' ? 'minus' : 'plus'] : p[which];
    });
  const plusOut = clone(e, node, partInputs('plus'));
  const minusOut = clone(e, node, partInputs('minus'));
  node.output.forEach((o, k) => {
    if (o) parts.set(o, { plus: plusOut[k], minus: minusOut[k] });
  });
  const rule = BACKWARD_RULES[node.opType];
  return () => {
    for (const [source, mine, other] of [
      [plusM, plusM, minusM],
      [minusM, minusM, plusM],
    ] as const) {
      const grads = node.output.map((o) => (o ? source.total(o) : undefined));
      if (grads.every((g) => g === undefined)) continue;
      const back = rule(gradient, node, grads, variable);
      back.forEach((g, k) => {
        if (!g || !variable[k]) return;
        // Through a subtraction, b's negative part feeds y's positive part.
        (isSub && k === 1 ? other : mine).add(node.input[k], g);
      });
    }
  };
}

function activation(state: RevealCancelState, node: onnx.NodeProto): Backward {
  const { e, sweep, gradient, parts, plusM, minusM } = state;
  const x = node.input[0];
  const y = node.output[0];
  const x0 = sweep.reference(x);
  const y0 = sweep.reference(y);
  const { plus: dxPlus, minus: dxMinus } = parts.get(x)!;
  const f = (input: string) => clone(e, node, [input, ...node.input.slice(1)])[0];
  const fPlus = f(e.op('Add', [x0, dxPlus]));
  const fMinus = f(e.op('Add', [x0, dxMinus]));
  const half = (a: string, b: string) => e.op('Mul', [e.op('Add', [a, b]), e.scalar(0.5)]);
  // Δy⁺ = ½[f(x0+Δ⁺) − f(x0)] + ½[f(x) − f(x0+Δ⁻)], Δy⁻ symmetric; they sum to y − y0.
  const dyPlus = half(e.op('Sub', [fPlus, y0]), e.op('Sub', [y, fMinus]));
  const dyMinus = half(e.op('Sub', [fMinus, y0]), e.op('Sub', [y, fPlus]));
  parts.set(y, { plus: dyPlus, minus: dyMinus });
  const one = e.scalar(1);
  const localDerivative = () => BACKWARD_RULES[node.opType](gradient, node, [one], [true])[0]!;
  return () => {
    const mYPlus = plusM.total(y);
    const mYMinus = minusM.total(y);
    if (mYPlus) plusM.add(x, e.op('Mul', [mYPlus, safeRatio(e, dyPlus, dxPlus, localDerivative)]));
    if (mYMinus) minusM.add(x, e.op('Mul', [mYMinus, safeRatio(e, dyMinus, dxMinus, localDerivative)]));
  };
}

function maxPool(state: RevealCancelState, node: onnx.NodeProto): Backward {
  const { e, sweep, rescale, parts, plusM, minusM } = state;
  const x = node.input[0];
  const y = node.output[0];
  const dy = e.op('Sub', [y, sweep.reference(y)]);
  const dyPlus = e.op('Relu', [dy]);
  const dyMinus = e.op('Sub', [dy, dyPlus]);
  parts.set(y, { plus: dyPlus, minus: dyMinus });
  return () => {
    const mYPlus = plusM.total(y) ?? e.scalar(0);
    const mYMinus = minusM.total(y) ?? e.scalar(0);
    // One multiplier for the total: (m⁺Δy⁺ + m⁻Δy⁻)/Δy, then the Rescale rule of MaxPool.
    const weighted = e.op('Add', [e.op('Mul', [mYPlus, dyPlus]), e.op('Mul', [mYMinus, dyMinus])]);
    const mY = safeRatio(e, weighted, dy, () => e.op('Mul', [e.op('Add', [mYPlus, mYMinus]), e.scalar(0.5)]));
    const mX = BACKWARD_RULES.MaxPool(rescale, node, [mY], [true])[0]!;
    plusM.add(x, mX);
    minusM.add(x, mX);
  };
}
