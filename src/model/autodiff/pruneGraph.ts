/**
 * Graph pruning: keep only the nodes a set of outputs depends on.
 *
 * onnxruntime runs every node of a graph, whatever outputs a run asks for: a
 * ResNet-18 session that outputs a hidden tensor of layer2 still ran layer3,
 * layer4 and the classifier (16 inputs: 360 ms, against 160 ms for the graph
 * cut at that tensor). Sessions built for a hidden tensor are therefore built
 * from the pruned graph.
 */
import { decodeModel, encodeModel, graphOf, onnx } from '../onnxGraph';

/** The nodes (in their original order) on which some of `outputs` depend. */
export function ancestorNodes<N extends onnx.INodeProto>(nodes: readonly N[], outputs: readonly string[]): N[] {
  const needed = new Set(outputs);
  const keep = new Array<boolean>(nodes.length).fill(false);
  // ONNX node lists are topologically sorted: one backward pass finds every ancestor.
  for (let i = nodes.length - 1; i >= 0; i--) {
    if ((nodes[i].output ?? []).some((o) => o && needed.has(o))) {
      keep[i] = true;
      for (const name of nodeInputs(nodes[i])) needed.add(name);
    }
  }
  return nodes.filter((_, i) => keep[i]);
}

/**
 * A copy of the model whose graph outputs are `outputs` (with the given value
 * infos) and whose graph holds only their ancestors, and only the initializers
 * (and value infos) those use. Graph inputs the caller feeds stay, used or not,
 * so the same feeds work on the pruned model; an input that only declared an
 * initializer (IR < 4 models list them there) goes with its initializer.
 */
export function prunedToOutputs(proto: onnx.ModelProto, outputs: onnx.IValueInfoProto[]): onnx.ModelProto {
  const copy = decodeModel(encodeModel(proto));
  const graph = graphOf(copy);
  graph.output = outputs.map((o) => onnx.ValueInfoProto.create(o));
  const nodes = ancestorNodes(graph.node as onnx.NodeProto[], outputs.map((o) => o.name ?? ''));
  graph.node = nodes;
  const used = new Set<string>(outputs.map((o) => o.name ?? ''));
  for (const node of nodes) {
    for (const name of nodeInputs(node)) used.add(name);
    for (const name of node.output) used.add(name);
  }
  const isUsed = (name: string | null | undefined) => used.has(name ?? '');
  const initializers = new Set(graph.initializer.map((t) => t.name));
  graph.initializer = graph.initializer.filter((t) => isUsed(t.name));
  graph.sparseInitializer = graph.sparseInitializer.filter((t) => isUsed(t.values?.name));
  graph.input = graph.input.filter((i) => isUsed(i.name) || !initializers.has(i.name));
  graph.valueInfo = graph.valueInfo.filter((v) => isUsed(v.name));
  return copy;
}

/** A node's inputs, with the outer-scope names its subgraphs (If, Loop, Scan bodies) read. */
function nodeInputs(node: onnx.INodeProto): string[] {
  const names = (node.input ?? []).filter(Boolean);
  for (const attribute of node.attribute ?? []) {
    for (const body of [attribute.g, ...(attribute.graphs ?? [])]) {
      // Over-approximate: every name a body node reads (local names match no outer output).
      for (const inner of body?.node ?? []) names.push(...nodeInputs(inner));
    }
  }
  return names;
}
