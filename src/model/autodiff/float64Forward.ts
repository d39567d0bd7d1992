/**
 * The backward model's forward pass in float64 (GradientModelOptions
 * `forwardPrecision: 'float64'`). Deep random ReLU networks put some
 * pre-activations within float32 rounding of zero; a float32 forward pass
 * puts a few on the wrong side of the kink, and the gradient then follows the
 * wrong branch there. Computing the forward pass in double makes every branch
 * decision (ReLU masks, MaxPool indices, Clip kinks) the float64 one, while the
 * backward nodes stay float32, unchanged.
 *
 * The transform renames: every input-dependent float tensor t of the forward
 * pass is computed in double as `t__f64`; the model input is Cast to double;
 * float constants read by those nodes get double copies (initializers are
 * converted once, other constants Cast). Each such tensor that a backward node
 * reads, or that the model outputs, is Cast back to float32 under its original
 * name, so the backward nodes need no change. Forward nodes that do not
 * depend on the input (constant subgraphs) stay float32.
 *
 * onnxruntime's CPU provider has double kernels for most ops but not all:
 * Conv, AveragePool and GlobalAveragePool are rewritten (float64Conv.ts); any
 * other op missing from DOUBLE_KERNELS (Erf, Resize, …) runs in float32 between
 * two Casts, so precision is lost at that op only.
 */
import { graphOf, onnx, tensorType } from '../onnxGraph';
import { GraphEmitter } from './emitter';
import { inferElemTypes } from './elemTypes';
import { inputDependents, tensorProtoValues, type ForwardFacts } from './forwardFacts';
import {
  emitAveragePoolFloat64,
  emitConvFloat64,
  emitGlobalAveragePoolFloat64,
  type RewriteContext,
} from './float64Conv';

const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

/** Which precision the backward model's forward part runs in (its backward part is always float32). */
export type ForwardPrecision = 'float32' | 'float64';

/**
 * Ops whose onnxruntime CPU kernels (1.30) accept double for every float
 * input, each run in double by test/unit/model/autodiff/float64Forward.test.ts.
 * Absent on purpose (no double kernel): Erf, Softplus, Elu, Selu, HardSigmoid,
 * HardSwish, Softsign, ThresholdedRelu, Celu, Tan, Atan, Mean,
 * InstanceNormalization, GlobalMaxPool, ConvTranspose, Resize, Upsample, and
 * ConstantOfShape (its value attribute fixes a float32 output).
 */
export const DOUBLE_KERNELS: ReadonlySet<string> = new Set([
  ...['Relu', 'Sigmoid', 'Tanh', 'Exp', 'Log', 'Sqrt', 'Neg', 'Abs', 'Reciprocal', 'Sign', 'Sin', 'Cos'],
  ...['Floor', 'Ceil', 'Round', 'LeakyRelu', 'PRelu', 'Clip', 'Softmax', 'LogSoftmax', 'IsNaN'],
  ...['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Mod', 'Max', 'Min', 'Sum', 'Equal', 'Less', 'Greater', 'Where'],
  ...['MatMul', 'Gemm', 'Einsum', 'BatchNormalization', 'LayerNormalization', 'LpNormalization', 'MaxPool'],
  ...['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2'],
  ...['ReduceLogSumExp', 'ReduceSumSquare', 'CumSum', 'TopK', 'ArgMax'],
  ...['Identity', 'Dropout', 'Flatten', 'Reshape', 'Transpose', 'Concat', 'Split', 'Slice', 'Gather'],
  ...['GatherElements', 'Squeeze', 'Unsqueeze', 'Pad', 'Expand', 'Tile', 'ScatterND', 'ScatterElements'],
  ...['DepthToSpace', 'SpaceToDepth', 'Trilu', 'Range', 'Shape', 'Size', 'Cast', 'CastLike'],
]);

type Rewrite = (c: RewriteContext, node: onnx.INodeProto, inputs: string[], y: string) => void;

/** Ops with no double kernel that are rebuilt from ops that have one. */
export const DOUBLE_REWRITES: Readonly<Record<string, Rewrite>> = {
  Conv: emitConvFloat64,
  AveragePool: emitAveragePoolFloat64,
  GlobalAveragePool: emitGlobalAveragePoolFloat64,
};

/**
 * Outputs that a double kernel still writes in float32: LayerNormalization's
 * Mean and InvStdDev follow stash_type (float32; onnxruntime has no kernel for
 * stash_type double), and the backward rule reads them as float32.
 */
const FLOAT32_OUTPUTS: Readonly<Record<string, number[]>> = { LayerNormalization: [1, 2] };

export interface Float64ForwardSpec {
  /** The model file, for error messages. */
  path: string;
  /** The forward nodes, topologically sorted. */
  forward: onnx.INodeProto[];
  /** Every initializer the nodes may read. */
  initializers: onnx.ITensorProto[];
  inputName: string;
  /** Forward tensors read in float32 afterwards (by backward nodes, or as graph outputs). */
  readInFloat32: Iterable<string>;
  /** Static dims of the original tensors. */
  facts: ForwardFacts;
  opset: number;
}

export interface Float64Forward {
  /** The forward nodes in double, the Casts back to float32 in place. */
  nodes: onnx.INodeProto[];
  /** The initializers the new nodes add (double copies, rewrite constants). */
  initializers: onnx.ITensorProto[];
  /** The double tensor computed for an original float tensor, if any. */
  doubleOf(name: string): string | undefined;
}

/** The double name of a float32 tensor. */
const doubled = (name: string) => `${name}__f64`;

export function float64Forward(spec: Float64ForwardSpec): Float64Forward {
  const types = inferElemTypes({
    node: spec.forward,
    initializer: spec.initializers,
    input: [{ name: spec.inputName, type: tensorType(T.FLOAT, undefined) }],
  });
  const isFloat = (name: string) => !!name && types.get(name) === T.FLOAT;
  const dependent = inputDependents({ node: spec.forward }, spec.inputName);
  const initializers = new Map(spec.initializers.map((t) => [t.name ?? '', t]));
  const readInFloat32 = new Set(spec.readInFloat32);
  const e = new GraphEmitter('f64');
  const nodes: onnx.INodeProto[] = [];
  /** Original float tensor → its double version. */
  const inDouble = new Map<string, string>();
  /** Dependent float tensors whose float32 value exists under the original name. */
  const inFloat32 = new Set<string>([spec.inputName]);
  const cast = (from: string, to: string, type: number) =>
    nodes.push({
      opType: 'Cast',
      input: [from],
      output: [to],
      name: to,
      attribute: [{ name: 'to', type: A.INT, i: type }],
    });
  const flush = () => nodes.push(...e.nodes.splice(0));

  /** A double version of a float tensor (a constant gets one on first use). */
  const doubleInput = (name: string): string => {
    const known = inDouble.get(name);
    if (known) return known;
    const initializer = initializers.get(name);
    if (initializer) e.initializers.push(doubleInitializer(initializer, doubled(name)));
    else cast(name, doubled(name), T.DOUBLE);
    inDouble.set(name, doubled(name));
    return doubled(name);
  };
  /** The float32 value of a dependent float tensor, under its original name. */
  const float32Input = (name: string): string => {
    if (!inFloat32.has(name)) {
      cast(inDouble.get(name)!, name, T.FLOAT);
      inFloat32.add(name);
    }
    return name;
  };

  cast(spec.inputName, doubled(spec.inputName), T.DOUBLE);
  inDouble.set(spec.inputName, doubled(spec.inputName));
  const context: RewriteContext = {
    e,
    path: spec.path,
    opset: spec.opset,
    dims: (name) => spec.facts.tensors.get(name)?.dims,
  };

  for (const node of spec.forward) {
    const inputs = node.input ?? [];
    const outputs = node.output ?? [];
    const touchesFloat = [...inputs, ...outputs].some(isFloat);
    if (!inputs.some((i) => dependent.has(i)) || !touchesFloat) {
      // Constant subgraphs and integer shape arithmetic are left as they are.
      nodes.push(node);
      continue;
    }
    const op = node.opType ?? '';
    const keptFloat32 = FLOAT32_OUTPUTS[op] ?? [];
    if (DOUBLE_REWRITES[op] || DOUBLE_KERNELS.has(op)) {
      const input64 = inputs.map((i) => (isFloat(i) ? doubleInput(i) : i));
      const output64 = outputs.map((o, k) => (isFloat(o) && !keptFloat32.includes(k) ? doubled(o) : o));
      output64.forEach((o, k) => {
        if (o !== outputs[k]) inDouble.set(outputs[k], o);
        else if (isFloat(o)) inFloat32.add(o);
      });
      const rewrite = DOUBLE_REWRITES[op];
      if (rewrite) {
        rewrite(context, node, input64, output64[0]);
        flush();
      } else {
        nodes.push({ ...node, input: input64, output: output64, attribute: doubleAttributes(node) });
      }
    } else {
      // No double kernel: run the op in float32 between Casts (precision is lost at this op only).
      const input32 = inputs.map((i) => (isFloat(i) && dependent.has(i) ? float32Input(i) : i));
      nodes.push({ ...node, input: input32 });
      for (const o of outputs.filter(isFloat)) {
        inFloat32.add(o);
        cast(o, doubled(o), T.DOUBLE);
        inDouble.set(o, doubled(o));
      }
    }
    for (const o of outputs) if (readInFloat32.has(o) && inDouble.has(o)) float32Input(o);
  }
  return { nodes, initializers: e.initializers, doubleOf: (name) => inDouble.get(name) };
}

/**
 * A model computing the forward pass in double, with the double values of
 * `outputs` as its (double) outputs: for tests and benches that check the
 * rewrites against a float64 reference.
 */
export function float64ForwardModel(
  path: string,
  proto: onnx.ModelProto,
  facts: ForwardFacts,
  outputs: string[],
  opset: number,
): onnx.IModelProto {
  const graph = graphOf(proto);
  const transformed = float64Forward({
    path,
    forward: graph.node as onnx.NodeProto[],
    initializers: graph.initializer,
    inputName: facts.inputName,
    readInFloat32: [],
    facts,
    opset,
  });
  const names = outputs.map((o) => transformed.doubleOf(o) ?? o);
  const used = new Set(transformed.nodes.flatMap((n) => n.input ?? []));
  return {
    irVersion: 8,
    producerName: 'margin-lens float64 forward',
    opsetImport: [{ domain: '', version: opset }],
    graph: {
      name: 'float64_forward',
      node: transformed.nodes,
      initializer: [...graph.initializer, ...transformed.initializers].filter((t) => used.has(t.name ?? '')),
      input: graph.input.filter((i) => i.name === facts.inputName),
      output: names.map((name) => ({ name, type: tensorType(T.DOUBLE, undefined) })),
    },
  };
}

/** Cast-like attributes that name float32 as a target type name double instead. */
function doubleAttributes(node: onnx.INodeProto): onnx.IAttributeProto[] | undefined {
  if (node.opType !== 'Cast') return node.attribute ?? undefined;
  return (node.attribute ?? []).map((a) =>
    a.name === 'to' && Number(a.i) === T.FLOAT ? { ...a, i: T.DOUBLE } : a,
  );
}

function doubleInitializer(tensor: onnx.ITensorProto, name: string): onnx.ITensorProto {
  return {
    name,
    dataType: T.DOUBLE,
    dims: tensor.dims,
    rawData: new Uint8Array(Float64Array.from(tensorProtoValues(tensor) ?? []).buffer),
  };
}
