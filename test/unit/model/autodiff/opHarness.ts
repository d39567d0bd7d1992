/**
 * Builds a tiny ONNX model around one op (or a few), and its backward model,
 * for finite-difference tests of each backward rule. The models run in the
 * real onnxruntime; only the graph is hand-written.
 */
import * as ort from 'onnxruntime-node';
import { buildBackwardModel, learnForwardFacts } from '../../../../src/model/autodiff';
import type { NonlinearityRule } from '../../../../src/model/autodiff/types';
import { decodeModel, encodeModel, onnx, tensorType } from '../../../../src/model/onnxGraph';

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

export interface Constant {
  name: string;
  dims: number[];
  values: ArrayLike<number>;
  int64?: boolean;
}

export type DeepLiftRule = Exclude<NonlinearityRule, 'gradient'>;
export type DeepLift = (
  x: Float32Array,
  x0: Float32Array,
  n: number,
  upstream: Float32Array,
) => Promise<{ m: Float32Array; y: Float32Array; y0: Float32Array }>;

export interface OpCase {
  /** Per-sample input shape (the batch dimension is added, dynamic). */
  input: number[];
  nodes: onnx.INodeProto[];
  constants?: Constant[];
  /** Graph output (default the last node's first output). */
  output?: string;
  opset?: number;
}

export interface OpModel {
  sampleSize: number;
  outSize: number;
  forward(x: Float32Array, n: number): Promise<Float32Array>;
  vjp(x: Float32Array, n: number, upstream: Float32Array): Promise<Float32Array>;
  /** DeepLIFT multipliers (Rescale or RevealCancel) and the outputs of both passes, for the rules the model was built with. */
  deepLift: Partial<Record<DeepLiftRule, DeepLift>>;
  release(): Promise<void>;
}

export function node(
  opType: string,
  input: string[],
  output: string[],
  attributes: Record<string, unknown> = {},
): onnx.INodeProto {
  const A = onnx.AttributeProto.AttributeType;
  const attribute = Object.entries(attributes).map(([name, value]) => {
    if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
    if (Array.isArray(value)) return { name, type: A.INTS, ints: value as number[] };
    if (
      typeof value === 'number' &&
      Number.isInteger(value) &&
      !name.match(/alpha|beta|epsilon|min|max|ratio/)
    ) {
      return { name, type: A.INT, i: value };
    }
    return { name, type: A.FLOAT, f: value as number };
  });
  return { opType, input, output, name: `${opType}_${output[0]}`, attribute };
}

export function modelBytes(c: OpCase): Uint8Array {
  const output = c.output ?? c.nodes[c.nodes.length - 1].output![0];
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: c.opset ?? 17 }],
    graph: {
      name: 'op',
      node: c.nodes,
      initializer: (c.constants ?? []).map((k) =>
        k.int64
          ? {
              name: k.name,
              dataType: INT64,
              dims: k.dims,
              rawData: new Uint8Array(BigInt64Array.from(Array.from(k.values), (v) => BigInt(v)).buffer),
            }
          : {
              name: k.name,
              dataType: FLOAT,
              dims: k.dims,
              rawData: new Uint8Array(Float32Array.from(k.values).buffer),
            },
      ),
      input: [{ name: 'x', type: tensorType(FLOAT, ['batch', ...c.input]) }],
      output: [{ name: output, type: tensorType(FLOAT, undefined) }],
    },
  });
}

export async function opModel(c: OpCase, rules: NonlinearityRule[] = ['gradient']): Promise<OpModel> {
  const bytes = modelBytes(c);
  const proto = decodeModel(bytes);
  const output = c.output ?? c.nodes[c.nodes.length - 1].output![0];
  const facts = await learnForwardFacts('op.onnx', proto, 'x');
  const sampleSize = c.input.reduce((a, b) => a * b, 1);
  const outSize = facts.tensors
    .get(output)!
    .dims.slice(1)
    .reduce((a, b) => a * b, 1);
  const forwardSession = await ort.InferenceSession.create(bytes);
  const backward = buildBackwardModel('op.onnx', proto, facts, { of: output, rule: 'gradient' });
  const backwardSession = await ort.InferenceSession.create(backward.bytes);
  const input = (x: Float32Array, n: number) => new ort.Tensor('float32', x, [n, ...c.input]);
  const outDims = (n: number) => [n, ...facts.tensors.get(output)!.dims.slice(1)];
  const model: OpModel = {
    sampleSize,
    outSize,
    async forward(x, n) {
      return (await forwardSession.run({ x: input(x, n) }))[output].data as Float32Array;
    },
    async vjp(x, n, upstream) {
      const result = await backwardSession.run({
        x: input(x, n),
        [backward.upstreamInput]: new ort.Tensor('float32', upstream, outDims(n)),
      });
      return result[backward.gradOutput].data as Float32Array;
    },
    deepLift: {},
    async release() {
      await forwardSession.release();
      await backwardSession.release();
    },
  };
  for (const rule of rules) {
    if (rule === 'gradient') continue;
    const deep = buildBackwardModel('op.onnx', proto, facts, { of: output, rule });
    const deepSession = await ort.InferenceSession.create(deep.bytes);
    model.deepLift[rule] = async (x, x0, n, upstream) => {
      const result = await deepSession.run({
        x: input(x, n),
        [deep.referenceInput!]: input(x0, n),
        [deep.upstreamInput]: new ort.Tensor('float32', upstream, outDims(n)),
      });
      return {
        m: result[deep.gradOutput].data as Float32Array,
        y: result[deep.ofOutput].data as Float32Array,
        y0: result[deep.referenceOfOutput!].data as Float32Array,
      };
    };
    const release = model.release;
    model.release = async () => {
      await release();
      await deepSession.release();
    };
  }
  return model;
}

/** A seeded PRNG (mulberry32) and standard normals (Box–Muller). */
export function random(seed: number): { uniform(): number; normal(): number } {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()),
  };
}

/**
 * Inputs whose values are distinct and at least `gap` apart (a shuffled grid
 * with jitter-free spacing), so max-pooling has no ties and piecewise-linear
 * ops (Relu, Clip) have no kink within a finite-difference step smaller than gap/2.
 */
export function spacedInput(size: number, seed: number, gap = 0.02, offset = 0.01): Float32Array {
  const rng = random(seed);
  const values = Array.from({ length: size }, (_, i) => (i - size / 2) * gap + offset);
  for (let i = size - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return Float32Array.from(values);
}

export function normals(size: number, seed: number, scale = 1): Float32Array {
  const rng = random(seed);
  return Float32Array.from({ length: size }, () => rng.normal() * scale);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}
