/**
 * Element types of every tensor in a graph, by a small forward propagation
 * over op semantics. onnxruntime needs a type for each graph output, and the
 * backward builder must know which tensors are float (differentiable) and
 * which are integer shape arithmetic (never differentiated).
 */
import { onnx } from '../onnxGraph';

const T = onnx.TensorProto.DataType;
const BOOL_OUTPUT = new Set([
  'Equal',
  'Less',
  'Greater',
  'LessOrEqual',
  'GreaterOrEqual',
  'Not',
  'And',
  'Or',
  'Xor',
  'IsNaN',
  'IsInf',
]);
const INT64_OUTPUT = new Set(['Shape', 'Size', 'ArgMax', 'ArgMin', 'NonZero']);

export function inferElemTypes(graph: onnx.IGraphProto): Map<string, number> {
  const types = new Map<string, number>();
  for (const tensor of graph.initializer ?? []) types.set(tensor.name ?? '', tensor.dataType ?? T.FLOAT);
  for (const value of graph.input ?? []) {
    const type = value.type?.tensorType?.elemType;
    if (type) types.set(value.name ?? '', type);
  }
  for (const node of graph.node ?? []) {
    const inputs = node.input ?? [];
    const outputs = node.output ?? [];
    const first = types.get(inputs[0] ?? '') ?? T.FLOAT;
    outputs.forEach((name, index) => {
      if (name)
        types.set(
          name,
          outputType(node, index, first, (i) => types.get(inputs[i] ?? '') ?? T.FLOAT),
        );
    });
  }
  return types;
}

function outputType(
  node: onnx.INodeProto,
  index: number,
  first: number,
  inputType: (i: number) => number,
): number {
  const op = node.opType ?? '';
  const attribute = (name: string) => node.attribute?.find((a) => a.name === name);
  if (INT64_OUTPUT.has(op)) return T.INT64;
  if (BOOL_OUTPUT.has(op)) return T.BOOL;
  switch (op) {
    case 'Cast':
      return Number(attribute('to')?.i ?? T.FLOAT);
    case 'CastLike':
      return inputType(1);
    case 'Constant':
      return attribute('value')?.t?.dataType ?? (attribute('value_ints') ? T.INT64 : T.FLOAT);
    case 'ConstantOfShape':
      return attribute('value')?.t?.dataType ?? T.FLOAT;
    case 'Where':
      return inputType(1);
    case 'MaxPool':
    case 'TopK':
      return index === 1 ? T.INT64 : first;
    case 'Dropout':
      return index === 1 ? T.BOOL : first;
    default:
      return first;
  }
}
