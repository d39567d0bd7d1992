/**
 * The backward-graph builder: from a model, the tensor to differentiate
 * (`of`) and the tensor to differentiate with respect to (`wrt`), a new ONNX
 * model that computes the forward pass and the vector–Jacobian product
 * d(Σ upstream · of)/d wrt as ordinary ONNX nodes, which onnxruntime runs
 * natively and batched.
 *
 * Reverse-mode differentiation over the node list (ONNX graphs are
 * topologically sorted): only nodes on a path from `wrt` to `of` get a rule;
 * integer shape arithmetic is never differentiated and, where its value does
 * not follow the batch, is folded to constants. Under DeepLIFT the model also
 * holds a copy of the forward pass on the reference input, and the
 * nonlinearity hook turns local derivatives into multipliers.
 */
import { InputError } from '../../core/errors';
import { encodeModel, graphOf, onnx, tensorType } from '../onnxGraph';
import { toNumber } from '../session';
import { GraphEmitter } from './emitter';
import { ancestorNodes } from './pruneGraph';
import { BATCH, inputDependents, type ForwardFacts, type TensorFacts } from './forwardFacts';
import { Contributions, safeRatio, type Sweep } from './sweep';
import { revealCancelSweep } from './revealCancel';
import type { RuleContext } from './ruleContext';
import { BACKWARD_RULES } from './rules';
import { float64Forward, type ForwardPrecision } from './float64Forward';
import { UnsupportedOpError, type NonlinearityRule } from './types';

const T = onnx.TensorProto.DataType;
/** ScatterElements with reduction "add" (MaxPool's adjoint) needs opset 16. */
const MIN_BACKWARD_OPSET = 16;
const MIN_MODEL_OPSET = 13;

export interface BackwardSpec {
  /** The tensor to differentiate (the logits, or a hidden layer). */
  of: string;
  /** The tensor to differentiate with respect to; default the model input. */
  wrt?: string;
  rule: NonlinearityRule;
  /**
   * Make the upstream in the graph from `of` itself, as DANCE's penalty
   * gradient (`penaltyUpstream`), instead of taking it as an input: one run
   * then gives both `of` and the VJP. Plain gradients only.
   */
  penalty?: boolean;
  /**
   * The precision of the model's forward part (default float32). With
   * float64 the branch decisions (ReLU masks, MaxPool indices) are the
   * float64 ones; the backward part stays float32. Plain gradients only.
   */
  forwardPrecision?: ForwardPrecision;
}

/** The graph inputs of a penalty-upstream model (see `penaltyUpstream`). */
export interface PenaltyInputs {
  /** The reference value h(x), shaped [1, …] like one sample of `of`. */
  reference: string;
  /** 2λ per sample, shaped [batch]. */
  weight: string;
  /** ε′, a scalar. */
  inner: string;
}

export interface BackwardModel {
  bytes: Uint8Array;
  /** Graph input fed with x0 under DeepLIFT. */
  referenceInput?: string;
  /** Graph input fed with the upstream gradient (shaped like `of`); with `penalty`, the tensor made in the graph. */
  upstreamInput: string;
  /** With `penalty`: the inputs the upstream is made from. */
  penaltyInputs?: PenaltyInputs;
  /** Graph output holding d(Σ upstream · of)/d wrt. */
  gradOutput: string;
  /** Graph output holding `of` (and its reference value under DeepLIFT). */
  ofOutput: string;
  referenceOfOutput?: string;
}

export function buildBackwardModel(
  path: string,
  proto: onnx.ModelProto,
  facts: ForwardFacts,
  spec: BackwardSpec,
): BackwardModel {
  const graph = graphOf(proto);
  const opset = defaultOpset(proto);
  if (opset < MIN_MODEL_OPSET) {
    throw new InputError(
      path,
      `uses ONNX opset ${opset}; gradients need opset ${MIN_MODEL_OPSET} or later (re-export the model)`,
    );
  }
  const backwardOpset = Math.max(opset, MIN_BACKWARD_OPSET);
  const inputName = facts.inputName;
  const wrt = spec.wrt ?? inputName;
  const factsOf = (name: string): TensorFacts => {
    const found = facts.tensors.get(name);
    if (!found) throw new InputError(path, `has no tensor named "${name}"`);
    return found;
  };
  factsOf(spec.of);
  factsOf(wrt);

  const original = graph.node as onnx.NodeProto[];
  const forward = original.map(cloneNode);
  const copyOf = new Map<onnx.INodeProto, onnx.INodeProto>(original.map((n, i) => [n, forward[i]]));
  const isFloat = (name: string) => facts.tensors.get(name)?.elemType === T.FLOAT;

  // Tensors that carry gradient from wrt, and tensors `of` depends on.
  const fromWrt = new Set([wrt]);
  for (const node of original) {
    if (node.input.some((i) => fromWrt.has(i)))
      for (const o of node.output) if (o && isFloat(o)) fromWrt.add(o);
  }
  if (!fromWrt.has(spec.of)) {
    throw new InputError(
      path,
      `tensor "${spec.of}" does not depend on "${wrt}" through float32 tensors (gradients flow through float32 only)`,
    );
  }
  const toOf = new Set([spec.of]);
  for (let i = original.length - 1; i >= 0; i--) {
    if (original[i].output.some((o) => toOf.has(o))) for (const name of original[i].input) toOf.add(name);
  }

  const dependent = inputDependents(graph, inputName);
  const reference = (name: string) =>
    spec.rule !== 'gradient' && dependent.has(name) ? `${name}__ref` : name;
  const referenceNodes = spec.rule === 'gradient' ? [] : referencePass(original, dependent, reference);
  const referenceCopyOf = new Map(referenceNodes.map((copy) => [copy.source, copy.node]));
  const e = new GraphEmitter('grad');
  const shapes = new Map<string, string>();
  const current: { node: onnx.NodeProto } = { node: original[0] };
  /** Tensor names the reveal-cancel sweep makes up (W⁺, W⁻) that stand for a forward tensor's shape. */
  const aliases = new Map<string, string>();
  const factsOrAlias = (name: string) => factsOf(aliases.get(name) ?? name);

  const contextFor = (rule: NonlinearityRule): RuleContext => ({
    e,
    rule,
    opset: backwardOpset,
    dims: (name) => factsOrAlias(name).dims,
    elemType: (name) => factsOrAlias(name).elemType,
    value: (name) => factsOrAlias(name).value,
    reference,
    variable: (name) => dependent.has(name),
    shapeOf(name) {
      const dims = factsOrAlias(name).dims;
      if (!dims.includes(BATCH)) return e.int64s(dims);
      let shape = shapes.get(name);
      if (!shape) shapes.set(name, (shape = e.op('Shape', [name])));
      return shape;
    },
    extraOutput: (node, index) => addOutput(copyOf.get(node as onnx.NodeProto)!, index),
    referenceExtraOutput: (node, index) => addOutput(referenceCopyOf.get(node as onnx.NodeProto)!, index),
    nonlinearity(x, y, g, localDerivative) {
      if (rule === 'gradient') return e.op('Mul', [g, localDerivative()]);
      const deltaX = e.op('Sub', [x, reference(x)]);
      const deltaY = e.op('Sub', [y, reference(y)]);
      return e.op('Mul', [g, safeRatio(e, deltaY, deltaX, localDerivative)]);
    },
    unsupported(detail) {
      throw new UnsupportedOpError(
        path,
        current.node.opType,
        current.node.name || current.node.output[0],
        detail,
      );
    },
  });

  if (spec.penalty && spec.rule !== 'gradient') {
    throw new InputError(path, `the penalty upstream is for plain gradients, not ${spec.rule}`);
  }
  if (spec.forwardPrecision === 'float64' && spec.rule !== 'gradient') {
    throw new InputError(
      path,
      `the float64 forward pass is for plain gradients; DeepLIFT (${spec.rule}) runs in float32 (open the model without forwardPrecision 'float64')`,
    );
  }
  const penalty = spec.penalty ? penaltyUpstream(e, spec.of, factsOf(spec.of).dims.length) : undefined;
  const upstreamInput = penalty?.upstream ?? `${spec.of}__upstream`;
  const onPath = original.filter((node) => node.output.some((o) => fromWrt.has(o) && toOf.has(o)));
  const sweep: Sweep = {
    e,
    nodes: onPath,
    of: spec.of,
    wrt,
    upstream: upstreamInput,
    fromWrt,
    current,
    contextFor,
    aliases,
    reference,
  };
  const gradWrt = spec.rule === 'reveal-cancel' ? revealCancelSweep(sweep) : gradientSweep(sweep, spec.rule);
  if (!gradWrt) throw new InputError(path, `no gradient reaches "${wrt}" from "${spec.of}"`);

  const gradOutput = `${wrt}__grad`;
  e.nodes.push({ opType: 'Identity', input: [gradWrt], output: [gradOutput], name: gradOutput });
  const symbolic = (dims: number[]) => dims.map((d) => (d === BATCH ? 'batch' : d));
  const inputValue = (name: string) => ({
    name,
    type: tensorType(T.FLOAT, symbolic(factsOf(inputName).dims)),
  });
  const outputs = [
    { name: spec.of, type: tensorType(T.FLOAT, symbolic(factsOf(spec.of).dims)) },
    { name: gradOutput, type: tensorType(T.FLOAT, symbolic(factsOf(wrt).dims)) },
  ];
  const oneSample = symbolic(factsOf(spec.of).dims).map((d) => (d === 'batch' ? 1 : d));
  const inputs = [
    inputValue(inputName),
    ...(penalty
      ? [
          { name: penalty.inputs.reference, type: tensorType(T.FLOAT, oneSample) },
          { name: penalty.inputs.weight, type: tensorType(T.FLOAT, ['batch']) },
          { name: penalty.inputs.inner, type: tensorType(T.FLOAT, []) },
        ]
      : [{ name: upstreamInput, type: tensorType(T.FLOAT, symbolic(factsOf(spec.of).dims)) }]),
  ];
  if (spec.rule !== 'gradient') {
    inputs.push(inputValue(reference(inputName)));
    outputs.push({ name: reference(spec.of), type: tensorType(T.FLOAT, symbolic(factsOf(spec.of).dims)) });
  }

  const folded = foldShapeArithmetic([...forward, ...referenceNodes.map((r) => r.node)], facts, dependent);
  let nodes = ancestorNodes(
    [...folded.nodes, ...e.nodes],
    outputs.map((o) => o.name),
  );
  const extraInitializers: onnx.ITensorProto[] = [];
  if (spec.forwardPrecision === 'float64') {
    // The forward part in double, its values Cast back for the backward nodes (see float64Forward.ts).
    const isForward = new Set(folded.nodes);
    const backwardNodes = nodes.filter((n) => !isForward.has(n));
    const doubled = float64Forward({
      path,
      forward: nodes.filter((n) => isForward.has(n)),
      initializers: [...graph.initializer, ...folded.initializers],
      inputName,
      readInFloat32: [...backwardNodes.flatMap((n) => n.input ?? []), ...outputs.map((o) => o.name)],
      facts,
      opset: backwardOpset,
    });
    nodes = [...doubled.nodes, ...backwardNodes];
    extraInitializers.push(...doubled.initializers);
  }
  const used = new Set(nodes.flatMap((n) => n.input ?? []));
  const model: onnx.IModelProto = {
    irVersion: Math.max(toNumber((proto.irVersion as number) ?? 7), 8),
    producerName: 'margin-lens autodiff',
    opsetImport: [
      { domain: '', version: backwardOpset },
      ...proto.opsetImport.filter((o) => o.domain && o.domain !== 'ai.onnx'),
    ],
    graph: {
      name: `${graph.name || 'model'}_backward`,
      node: nodes,
      initializer: [
        ...graph.initializer,
        ...folded.initializers,
        ...e.initializers,
        ...extraInitializers,
      ].filter((t) => used.has(t.name ?? '')),
      input: inputs,
      output: outputs,
    },
  };
  return {
    bytes: encodeModel(model),
    upstreamInput,
    ...(penalty ? { penaltyInputs: penalty.inputs } : {}),
    gradOutput,
    ofOutput: spec.of,
    referenceInput: spec.rule === 'gradient' ? undefined : reference(inputName),
    referenceOfOutput: spec.rule === 'gradient' ? undefined : reference(spec.of),
  };
}

/**
 * DANCE's penalty gradient as nodes: 2λ · (d − clip(d, −ε′, ε′)) with
 * d = of − reference, λ per sample (the weight input holds 2λ; 0 for a decoy
 * that no longer moves) and ε′ a scalar; decoys.ts computes the same upstream
 * in JavaScript when a tensor has no fused VJP.
 */
function penaltyUpstream(e: GraphEmitter, of: string, rank: number): { upstream: string; inputs: PenaltyInputs } {
  const inputs = { reference: `${of}__reference`, weight: `${of}__weight`, inner: `${of}__inner` };
  const d = e.op('Sub', [of, inputs.reference]);
  const tolerated = e.op('Clip', [d, e.op('Neg', [inputs.inner]), inputs.inner]);
  const excess = e.op('Sub', [d, tolerated]);
  const perSample = e.op('Reshape', [inputs.weight, e.int64s([-1, ...new Array<number>(rank - 1).fill(1)])]);
  return { upstream: e.op('Mul', [excess, perSample]), inputs };
}

/** Reverse-mode sweep: sum each tensor's gradient contributions, then apply its producer's rule. */
function gradientSweep(sweep: Sweep, rule: NonlinearityRule): string | undefined {
  const context = sweep.contextFor(rule);
  const gradients = new Contributions(sweep.e);
  gradients.add(sweep.of, sweep.upstream);
  for (let i = sweep.nodes.length - 1; i >= 0; i--) {
    const node = sweep.nodes[i];
    const gradOutputs = node.output.map((o) => (sweep.fromWrt.has(o) ? gradients.total(o) : undefined));
    if (gradOutputs.every((g) => g === undefined)) continue;
    sweep.current.node = node;
    const backward = BACKWARD_RULES[node.opType];
    if (!backward) return context.unsupported();
    const needs = node.input.map((name) => name !== '' && sweep.fromWrt.has(name));
    const gradInputs = backward(context, node, gradOutputs, needs);
    node.input.forEach((name, k) => {
      if (needs[k] && gradInputs[k]) gradients.add(name, gradInputs[k]!);
    });
  }
  return gradients.total(sweep.wrt);
}

function defaultOpset(proto: onnx.ModelProto): number {
  const entry = proto.opsetImport.find((o) => !o.domain || o.domain === 'ai.onnx');
  return entry ? toNumber(entry.version as number) : 1;
}

function cloneNode(node: onnx.NodeProto): onnx.INodeProto {
  return { ...node, input: [...node.input], output: [...node.output], attribute: node.attribute };
}

/** The forward nodes that depend on the input, again, on the reference input (tensor names suffixed). */
function referencePass(
  original: onnx.NodeProto[],
  dependent: Set<string>,
  reference: (name: string) => string,
): { source: onnx.NodeProto; node: onnx.INodeProto }[] {
  return original
    .filter((n) => n.input.some((i) => dependent.has(i)))
    .map((n) => ({
      source: n,
      node: {
        ...cloneNode(n),
        name: `${n.name || n.output[0]}__ref`,
        input: n.input.map(reference),
        output: n.output.map((o) => (o ? reference(o) : '')),
      },
    }));
}

/** Names (and declares) a node's optional output, e.g. MaxPool's Indices. */
function addOutput(node: onnx.INodeProto, index: number): string {
  while (node.output!.length <= index) node.output!.push('');
  if (!node.output![index]) node.output![index] = `${node.output![0]}__out${index}`;
  return node.output![index];
}

/**
 * Integer tensors computed from the input's shape whose value does not follow
 * the batch size (Shape→Gather→Unsqueeze→Concat chains) become initializers.
 */
function foldShapeArithmetic(
  nodes: onnx.INodeProto[],
  facts: ForwardFacts,
  dependent: Set<string>,
): { nodes: onnx.INodeProto[]; initializers: onnx.ITensorProto[] } {
  const initializers: onnx.ITensorProto[] = [];
  const kept = nodes.filter((node) => {
    const outputs = (node.output ?? []).filter(Boolean);
    const foldable =
      (node.input ?? []).some((i) => dependent.has(i)) &&
      outputs.length > 0 &&
      outputs.every((o) => {
        const f = facts.tensors.get(o);
        return f && f.elemType === T.INT64 && f.value !== undefined;
      });
    if (!foldable) return true;
    for (const o of outputs) {
      const f = facts.tensors.get(o)!;
      initializers.push({
        name: o,
        dataType: T.INT64,
        dims: f.dims,
        rawData: new Uint8Array(BigInt64Array.from(f.value!, (v) => BigInt(v)).buffer),
      });
    }
    return false;
  });
  return { nodes: kept, initializers };
}
