/**
 * Small GradientModels in closed form, for the unit tests of the saliency
 * methods. Their gradients, Hessians, DeepLIFT multipliers and path integrals
 * are derived by hand in the tests, so these tests check each method's
 * arithmetic (quadrature, noise scale, proximal steps, decoy constraints,
 * aggregation, batching, cancellation). The methods on the real fixture CNN,
 * through the ONNX backward graph, are tested in
 * test/integration/attribution.test.ts.
 *
 * Every model computes in double precision and answers in float32, like the
 * onnxruntime models, and records its calls so tests can check the batching.
 */
import { InputError } from '../../../src/core/errors';
import type {
  DeepLiftResult,
  DifferentiableTensor,
  GradientModel,
  VjpResult,
} from '../../../src/model/autodiff/types';

export interface CallLog {
  predict: number[];
  vjp: { tensor: string; n: number; upstream: Float32Array }[];
  deepLift: { rule: string; upstream: Float32Array; x0: Float32Array }[];
}

/** A tensor of an analytic model: value and Jacobian-transpose product per sample. */
interface AnalyticTensor {
  name: string;
  size: number;
  value(x: Float64Array): Float64Array;
  /** Jᵀu at x. */
  vjp(x: Float64Array, u: Float64Array): Float64Array;
}

export class AnalyticModel implements GradientModel {
  readonly path: string;
  readonly inputName = 'x';
  readonly sampleSize: number;
  readonly numClasses: number;
  readonly logits: DifferentiableTensor;
  readonly layerNames: string[];
  readonly calls: CallLog = { predict: [], vjp: [], deepLift: [] };

  constructor(
    name: string,
    readonly sampleShape: number[],
    private readonly logitsTensor: AnalyticTensor,
    private readonly hidden: AnalyticTensor[] = [],
    private readonly deepLiftRule?: (x: Float64Array, x0: Float64Array, u: Float64Array) => Float64Array,
  ) {
    this.path = `${name}.onnx`;
    this.sampleSize = sampleShape.reduce((a, b) => a * b, 1);
    this.numClasses = logitsTensor.size;
    this.logits = this.wrap(logitsTensor);
    this.layerNames = hidden.map((t) => t.name);
  }

  async predict(x: Float32Array, n: number): Promise<Float32Array> {
    this.calls.predict.push(n);
    return this.forwardOf(this.logitsTensor, x, n);
  }

  async tensor(name: string): Promise<DifferentiableTensor> {
    const found = [...this.hidden, this.logitsTensor].find((t) => t.name === name);
    if (!found) throw new InputError(this.path, `has no tensor "${name}"`);
    return this.wrap(found);
  }

  async deepLift(
    x: Float32Array,
    x0: Float32Array,
    n: number,
    upstream: Float32Array,
    rule: 'rescale' | 'reveal-cancel',
  ): Promise<DeepLiftResult> {
    if (!this.deepLiftRule) throw new Error(`${this.path}: no DeepLIFT rule`);
    this.calls.deepLift.push({ rule, upstream: upstream.slice(), x0: x0.slice() });
    const size = this.sampleSize;
    const multipliers = new Float32Array(n * size);
    for (let s = 0; s < n; s++) {
      const m = this.deepLiftRule(
        Float64Array.from(x.subarray(s * size, (s + 1) * size)),
        Float64Array.from(x0.subarray(s * size, (s + 1) * size)),
        Float64Array.from(upstream.subarray(s * this.numClasses, (s + 1) * this.numClasses)),
      );
      multipliers.set(m, s * size);
    }
    return {
      multipliers,
      output: this.forwardOf(this.logitsTensor, x, n),
      referenceOutput: this.forwardOf(this.logitsTensor, x0, n),
    };
  }

  async release(): Promise<void> {}

  private wrap(t: AnalyticTensor): DifferentiableTensor {
    return {
      name: t.name,
      shape: [t.size],
      size: t.size,
      forward: async (x, n) => this.forwardOf(t, x, n),
      vjp: async (x, n, upstream): Promise<VjpResult> => {
        this.calls.vjp.push({ tensor: t.name, n, upstream: upstream.slice() });
        const size = this.sampleSize;
        const grad = new Float32Array(n * size);
        for (let s = 0; s < n; s++) {
          const xs = Float64Array.from(x.subarray(s * size, (s + 1) * size));
          grad.set(t.vjp(xs, Float64Array.from(upstream.subarray(s * t.size, (s + 1) * t.size))), s * size);
        }
        return { grad, output: this.forwardOf(t, x, n) };
      },
    };
  }

  private forwardOf(t: AnalyticTensor, x: Float32Array, n: number): Float32Array {
    const size = this.sampleSize;
    if (x.length < n * size)
      throw new RangeError(`${this.path}: ${n} samples need ${n * size} values, got ${x.length}`);
    const out = new Float32Array(n * t.size);
    for (let s = 0; s < n; s++)
      out.set(t.value(Float64Array.from(x.subarray(s * size, (s + 1) * size))), s * t.size);
    return out;
  }
}

/** y = M x + b for a row-major M (rows × cols). */
export function affine(M: number[][], b: number[], x: ArrayLike<number>): Float64Array {
  return Float64Array.from(M, (row, r) => row.reduce((sum, m, c) => sum + m * x[c], b[r]));
}

/** Mᵀ u. */
export function transposeTimes(M: number[][], u: ArrayLike<number>): Float64Array {
  const out = new Float64Array(M[0].length);
  M.forEach((row, r) => row.forEach((m, c) => (out[c] += m * u[r])));
  return out;
}

/** Logits W x + b. Its Jacobian is W everywhere; DeepLIFT's multipliers are Wᵀu. */
export function linearModel(
  W: number[][],
  b: number[],
  sampleShape: number[] = [W[0].length],
): AnalyticModel {
  const logits: AnalyticTensor = {
    name: 'logits',
    size: W.length,
    value: (x) => affine(W, b, x),
    vjp: (_x, u) => transposeTimes(W, u),
  };
  return new AnalyticModel('linear', sampleShape, logits, [], (_x, _x0, u) => transposeTimes(W, u));
}

/**
 * Logits V relu(U x + a) + c, with tensors "pre" (U x + a) and "hidden"
 * (relu of it). DeepLIFT's Rescale rule multiplies each unit's upstream by
 * Δrelu/Δpre between x and x0 (relu'(pre) where Δpre = 0).
 */
export function reluNet(
  U: number[][],
  a: number[],
  V: number[][],
  c: number[],
  sampleShape: number[] = [U[0].length],
): AnalyticModel {
  const pre = (x: ArrayLike<number>) => affine(U, a, x);
  const relu = (z: Float64Array) => z.map((v) => Math.max(v, 0));
  const slope = (x: ArrayLike<number>) => pre(x).map((v) => (v > 0 ? 1 : 0));
  const preTensor: AnalyticTensor = {
    name: 'pre',
    size: U.length,
    value: pre,
    vjp: (_x, u) => transposeTimes(U, u),
  };
  const hidden: AnalyticTensor = {
    name: 'hidden',
    size: U.length,
    value: (x) => relu(pre(x)),
    vjp: (x, u) =>
      transposeTimes(
        U,
        slope(x).map((s, j) => s * u[j]),
      ),
  };
  const logits: AnalyticTensor = {
    name: 'logits',
    size: V.length,
    value: (x) => affine(V, c, relu(pre(x))),
    vjp: (x, u) => {
      const back = transposeTimes(V, u);
      return transposeTimes(
        U,
        slope(x).map((s, j) => s * back[j]),
      );
    },
  };
  const rescale = (x: Float64Array, x0: Float64Array, u: Float64Array) => {
    const p = pre(x);
    const p0 = pre(x0);
    const back = transposeTimes(V, u);
    const m = p.map((v, j) => {
      const dPre = v - p0[j];
      return Math.abs(dPre) > 1e-12 ? (Math.max(v, 0) - Math.max(p0[j], 0)) / dPre : v > 0 ? 1 : 0;
    });
    return transposeTimes(
      U,
      m.map((mj, j) => mj * back[j]),
    );
  };
  return new AnalyticModel('relu-net', sampleShape, logits, [preTensor, hidden], rescale);
}

/** One logit Σ x_i³/6 (and a constant 0 logit): ∇ = x²/2, so E[∇ at x + N(0, σ²)] = (x² + σ²)/2. */
export function cubicModel(size: number): AnalyticModel {
  const logits: AnalyticTensor = {
    name: 'logits',
    size: 2,
    value: (x) =>
      Float64Array.of(
        x.reduce((s, v) => s + v ** 3 / 6, 0),
        0,
      ),
    vjp: (x, u) => x.map((v) => (u[0] * v * v) / 2),
  };
  return new AnalyticModel('cubic', [size], logits);
}

export function float32(values: number[]): Float32Array {
  return Float32Array.from(values);
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Softmax in double precision, written out again here so tests do not lean on the code under test. */
export function softmaxOf(z: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(z));
  const e = Array.from(z, (v) => Math.exp(v - max));
  const sum = e.reduce((s, v) => s + v, 0);
  return e.map((v) => v / sum);
}

/** U, a, V, c of the 2 → 3 → 2 ReLU net several tests share. */
export const SMALL_RELU_NET = {
  U: [
    [1, -1],
    [2, 1],
    [-1, 0.5],
  ],
  A: [0.1, -0.9, 0.5],
  V: [
    [1, 2, -1],
    [0.5, -1, 1],
  ],
  C: [0, 0.2],
};
