/**
 * The contract between the backward-graph builder (`autodiff/`) and the
 * saliency methods (`attribution/`). Every tensor is a flat Float32Array in
 * row-major order; `n` is the number of samples in it (the batch).
 */
import { InputError } from '../../core/errors';

/** Which local-derivative rule the backward graph applies at nonlinearities. */
export type NonlinearityRule = 'gradient' | 'rescale' | 'reveal-cancel';

export interface VjpResult {
  /** d(Σ upstream · of) / d input, one map per sample: n × sampleSize. */
  grad: Float32Array;
  /** The differentiated tensor's value (the logits, or the layer's activations): n × outSize. */
  output: Float32Array;
}

export interface DeepLiftResult {
  /**
   * DeepLIFT multipliers m (n × sampleSize): attributions are m ⊙ (x − x0), and
   * Σ attributions = Σ upstream · (f(x) − f(x0)) (summation to delta).
   */
  multipliers: Float32Array;
  output: Float32Array;
  referenceOutput: Float32Array;
}

/** A tensor of the model that can be read and differentiated (the logits, or a hidden layer). */
export interface DifferentiableTensor {
  readonly name: string;
  /** Per-sample shape (batch dimension removed). */
  readonly shape: number[];
  /** Product of `shape`. */
  readonly size: number;
  /** The tensor's value for n inputs: n × size. */
  forward(x: Float32Array, n: number): Promise<Float32Array>;
  /** Vector–Jacobian product: upstream is n × size; returns d(Σ upstream · tensor)/d input. */
  vjp(x: Float32Array, n: number, upstream: Float32Array): Promise<VjpResult>;
  /**
   * The VJP of DANCE's penalty in one run with the tensor's value: upstream
   * 2λₖ · (d − clip(d, −ε′, ε′)), d = tensor − reference, made from the value
   * the same run computes. Optional: without it, a caller takes `forward`,
   * builds the upstream and calls `vjp` (the analytic test models do that).
   */
  penaltyVjp?(x: Float32Array, n: number, penalty: PenaltyUpstream): Promise<VjpResult>;
}

/** What `penaltyVjp` makes its upstream from. */
export interface PenaltyUpstream {
  /** h(x), one sample (size values). */
  reference: Float32Array;
  /** 2λ per sample (n values; 0 gives a zero upstream). */
  weights: Float32Array;
  /** ε′: the deviation each unit may have before the penalty starts. */
  inner: number;
}

/**
 * An ONNX classifier, forward only: what black-box methods (occlusion) need.
 * Implementations split large batches into chunks themselves, so callers may
 * pass any n (IG passes steps × samples).
 */
export interface ForwardModel {
  /** The model file, for error messages. */
  readonly path: string;
  readonly inputName: string;
  /** Per-sample input shape, e.g. [1, 28, 28]. */
  readonly sampleShape: number[];
  readonly sampleSize: number;
  readonly numClasses: number;
  /** Logits (pre-softmax scores) for n inputs: n × numClasses. */
  predict(x: Float32Array, n: number): Promise<Float32Array>;
  /** Frees the onnxruntime sessions. */
  release(): Promise<void>;
}

/** An ONNX classifier with gradients. */
export interface GradientModel extends ForwardModel {
  /** The logits tensor (pre-softmax scores, as the sidecar names them). */
  readonly logits: DifferentiableTensor;
  /** Names of intermediate float tensors that `tensor()` accepts (for DANCE's layer choice), in graph order. */
  readonly layerNames: string[];
  /** Any intermediate tensor on the input → logits path; throws an InputError for an unknown name. */
  tensor(name: string): Promise<DifferentiableTensor>;
  /** DeepLIFT multipliers of Σ upstream · logits, with references x0 (n × sampleSize, one per sample). */
  deepLift(
    x: Float32Array,
    x0: Float32Array,
    n: number,
    upstream: Float32Array,
    rule: Exclude<NonlinearityRule, 'gradient'>,
  ): Promise<DeepLiftResult>;
}

/**
 * The model uses an op (or an op setting) the backward-graph builder has no
 * rule for. It is an InputError (the CLI exits 2 with it; the engine answers
 * with it and keeps running) that also names the op and the node.
 */
export class UnsupportedOpError extends InputError {
  constructor(
    file: string,
    readonly opType: string,
    readonly nodeName: string,
    readonly detail?: string,
  ) {
    super(
      file,
      `gradients are not available: op ${opType} at node "${nodeName}" has no backward rule${detail ? ` (${detail})` : ''}; ` +
        'the black-box method still works on this model (--method occlusion)',
    );
    this.name = 'UnsupportedOpError';
  }
}
