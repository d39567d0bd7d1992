/**
 * Hidden-layer features for the Mahalanobis and LID detectors: one forward
 * pass that also outputs a few intermediate tensors, each reduced per sample
 * as Lee et al. (2018) do — the spatial mean of every channel of a
 * convolutional activation (N×C×H×W → N×C), tokens averaged for N×T×D, and
 * N×D vectors (the penultimate features) as they are. The logits come with
 * the same pass.
 */
import * as ort from 'onnxruntime-node';
import { InputError, throwIfAborted } from '../../core/errors';
import type { ComputeOptions, DenseMatrix } from '../../core/types';
import { inBatches } from '../batches';
import { decodeModel, encodeModel, FLOAT, graphOf, onnx, valueInfo } from '../onnxGraph';
import { createSession, runFailure, type LoadedModel } from '../session';

/** Ops whose outputs are the "layers": activations and poolings (the ends of blocks). */
const LAYER_OPS = new Set([
  'Relu',
  'LeakyRelu',
  'PRelu',
  'Elu',
  'Selu',
  'Celu',
  'Gelu',
  'Clip',
  'Sigmoid',
  'Tanh',
  'HardSigmoid',
  'HardSwish',
  'Mish',
  'Softplus',
  'MaxPool',
  'AveragePool',
  'GlobalAveragePool',
  'GlobalMaxPool',
]);

/** More layers than this are thinned out evenly (a ResNet-18 has 17 ReLUs). */
export const MAX_LAYERS = 8;

/**
 * The tensors to tap, in graph order: activation and pooling outputs on the
 * way to the logits, thinned to MAX_LAYERS (the embedding always kept), then
 * the embedding itself if no such op produced it.
 */
export function chooseLayers(model: LoadedModel, embedding: string, logits: string): string[] {
  const nodes = graphOf(model.proto).node as onnx.NodeProto[];
  const candidates: string[] = [];
  for (const node of nodes) {
    if (!LAYER_OPS.has(node.opType ?? '')) continue;
    const output = node.output[0];
    if (output && output !== logits && !candidates.includes(output)) candidates.push(output);
  }
  // Only tensors upstream of the logits count (a side branch is not on the path).
  const upstream = upstreamOf(nodes, logits);
  const onPath = candidates.filter((name) => upstream.has(name));
  const last = onPath.indexOf(embedding);
  const beforeEmbedding = last >= 0 ? onPath.slice(0, last) : onPath;
  const budget = MAX_LAYERS - 1;
  const thinned =
    beforeEmbedding.length <= budget
      ? beforeEmbedding
      : Array.from(
          { length: budget },
          (_, i) => beforeEmbedding[Math.round(((i + 1) * beforeEmbedding.length) / budget) - 1],
        );
  return [...new Set([...thinned, embedding])];
}

export interface TappedFeatures {
  /** One matrix per tapped layer (reduced per sample), in the order asked. */
  layers: DenseMatrix[];
  logits: DenseMatrix;
}

export class LayerTap {
  private constructor(
    readonly model: LoadedModel,
    private readonly session: ort.InferenceSession,
    private readonly inputName: string,
    private readonly sampleShape: number[],
    readonly layers: string[],
    private readonly logitsName: string,
    private readonly batchSize: number,
    /** The batch size the model declares, if fixed (batches are then padded to it). */
    private readonly fixedBatch: number | undefined,
  ) {}

  static async open(
    model: LoadedModel,
    inputName: string,
    sampleShape: number[],
    layers: string[],
    logits: string,
    batchSize = 256,
  ): Promise<LayerTap> {
    const copy = decodeModel(model.bytes);
    const graph = graphOf(copy);
    const produced = new Set((graph.node as onnx.NodeProto[]).flatMap((node) => node.output));
    for (const name of layers) {
      if (!produced.has(name))
        throw new InputError(model.path, `has no tensor "${name}" to read hidden features from`);
      if (!graph.output.some((output) => output.name === name))
        graph.output.push(onnx.ValueInfoProto.create(valueInfo(name, FLOAT)));
    }
    const session = await createSession(model.path, encodeModel(copy));
    const declared = model.info.inputs.find((input) => input.name === inputName)?.dims[0];
    const fixedBatch = typeof declared === 'number' && declared > 0 ? declared : undefined;
    return new LayerTap(model, session, inputName, sampleShape, layers, logits, batchSize, fixedBatch);
  }

  /** Features of n model inputs (n × sampleSize, the model's layout). */
  async run(x: Float32Array, n: number, options: ComputeOptions = {}): Promise<TappedFeatures> {
    const sampleSize = this.sampleShape.reduce((a, b) => a * b, 1);
    const names = [...this.layers, this.logitsName];
    let done = 0;
    const outputs = await inBatches(
      n,
      [x],
      [sampleSize],
      { batchSize: this.batchSize, fixedBatch: this.fixedBatch },
      async (batch, [xs]) => {
        throwIfAborted(options.signal);
        let result: Record<string, ort.Tensor>;
        try {
          result = await this.session.run(
            { [this.inputName]: new ort.Tensor('float32', xs, [batch, ...this.sampleShape]) },
            names,
          );
        } catch (error) {
          throw runFailure(this.model.path, error);
        }
        done += this.fixedBatch ? Math.min(batch, n - done) : batch;
        options.onProgress?.(Math.min(done, n), n);
        return names.map((name) => reducePerSample(result[name], name, this.model.path));
      },
    );
    const matrices = outputs.map((data) => ({ rows: n, dim: n > 0 ? data.length / n : 0, data }));
    return { layers: matrices.slice(0, this.layers.length), logits: matrices[this.layers.length] };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}

/** N×C×H×W → channel means; N×T×D → token means; N×D as is. */
export function reducePerSample(tensor: ort.Tensor, name: string, file: string): Float32Array {
  const dims = tensor.dims.map(Number);
  const data = tensor.data as Float32Array;
  const n = dims[0];
  if (dims.length === 2) return data;
  if (dims.length === 3 || dims.length === 4) {
    const channelsAxis = dims.length === 4 ? 1 : 2;
    const channels = dims[channelsAxis];
    const spatial = dims.length === 4 ? dims[2] * dims[3] : dims[1];
    const out = new Float32Array(n * channels);
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        if (dims.length === 4) {
          const base = (i * channels + c) * spatial;
          for (let p = 0; p < spatial; p++) sum += data[base + p];
        } else {
          for (let t = 0; t < spatial; t++) sum += data[(i * spatial + t) * channels + c];
        }
        out[i * channels + c] = sum / spatial;
      }
    }
    return out;
  }
  throw new InputError(
    file,
    `hidden tensor "${name}" has shape [${dims.join(', ')}]; only N×D, N×T×D and N×C×H×W layers can be read`,
  );
}

function upstreamOf(nodes: onnx.NodeProto[], tensor: string): Set<string> {
  const producer = new Map<string, onnx.NodeProto>();
  for (const node of nodes) for (const output of node.output) producer.set(output, node);
  const seen = new Set<string>();
  const stack = [tensor];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    const node = producer.get(name);
    if (node) stack.push(...node.input);
  }
  return seen;
}
