/**
 * The embedding tap: graph surgery that exposes the penultimate features as an
 * extra graph output, so one inference pass yields logits and embeddings.
 */
import { InputError } from '../core/errors';
import { decodeModel, encodeModel, FLOAT, graphOf, onnx, valueInfo } from './onnxGraph';
import type { LoadedModel } from './session';
import { sidecarPath, type ModelConfig } from './sidecar';

/** Ops that pass a tensor through unchanged in value or only add a bias, between the last Gemm/MatMul and the logits. */
const PASS_THROUGH = new Set(['Identity', 'Dropout', 'Add', 'Flatten', 'Reshape', 'Squeeze']);
const LINEAR = new Set(['Gemm', 'MatMul']);

/**
 * The tensor the graph is built on: the sidecar's `embedding`, or the input of
 * the last Gemm/MatMul that feeds the logits (through bias adds, dropout,
 * reshapes). Throws InputError when neither can be found.
 */
export function findEmbeddingTensor(model: LoadedModel, config: ModelConfig): string {
  const graph = graphOf(model.proto);
  const nodes = graph.node as onnx.NodeProto[];
  if (config.embedding !== null) {
    const exists =
      nodes.some((n) => n.output.includes(config.embedding!)) || graph.input.some((i) => i.name === config.embedding);
    if (!exists) {
      throw new InputError(sidecarPath(model.path), `names embedding tensor "${config.embedding}", which the model does not have`);
    }
    return config.embedding;
  }
  const producer = new Map<string, onnx.NodeProto>();
  for (const n of nodes) for (const output of n.output) producer.set(output, n);
  const weights = new Set(graph.initializer.map((t) => t.name));

  // Breadth-first from the logits back towards the input, through pass-through ops only.
  let frontier = [config.logits];
  const seen = new Set<string>();
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const tensor of frontier) {
      const n = producer.get(tensor);
      if (!n || seen.has(tensor)) continue;
      seen.add(tensor);
      if (LINEAR.has(n.opType ?? '')) {
        const features = n.input.find((name) => !weights.has(name) && !isConstant(producer.get(name)));
        if (features) return features;
      }
      if (PASS_THROUGH.has(n.opType ?? '')) next.push(...n.input.filter((name) => !weights.has(name)));
    }
    frontier = next;
  }
  throw new InputError(
    model.path,
    `no Gemm/MatMul feeds the logits output "${config.logits}", so the embedding cannot be found; name the embedding tensor in ${sidecarPath(model.path)} ("embedding": "<tensor name>")`,
  );
}

function isConstant(n: onnx.NodeProto | undefined): boolean {
  return n?.opType === 'Constant';
}

/** Model bytes with `tensor` added as a float graph output (unchanged when it already is one). */
export function withExtraOutput(model: LoadedModel, tensor: string): Uint8Array {
  if (model.info.outputs.some((o) => o.name === tensor)) return model.bytes;
  // A fresh decode is the cheapest deep copy of the protobuf.
  const copy = decodeModel(model.bytes);
  graphOf(copy).output.push(onnx.ValueInfoProto.create(valueInfo(tensor, FLOAT)));
  return encodeModel(copy);
}
