/**
 * The shape every saliency method has, so the CLI and the engine can call any
 * of them by name. A method explains one sample (a model input tensor, already
 * preprocessed) for one target class and returns a map with the input's shape.
 */
import type { ForwardModel, GradientModel } from '../autodiff/types';

/** DeepLIFT / IG reference input: all zeros, a Gaussian blur of the input, or the input's per-channel mean. */
export type Baseline = 'zeros' | 'blur' | 'mean';

export interface ExplainInput {
  /** One model input, sampleSize floats (the model's input tensor, not raw pixels). */
  x: Float32Array;
  /** Class index to explain, 0 ≤ target < numClasses. */
  target: number;
}

export interface MethodOptions {
  /** IG: interpolation steps (default 64). */
  steps?: number;
  /** SmoothGrad: noisy samples (default 50); DANCE: decoys (default 16). */
  samples?: number;
  /** SmoothGrad: noise σ as a fraction of the input's range (default 0.15). */
  noise?: number;
  /** IG and DeepLIFT reference (default zeros). */
  baseline?: Baseline;
  /** DeepLIFT rule (default rescale). */
  rule?: 'rescale' | 'reveal-cancel';
  /** DANCE: the intermediate tensor whose activations decoys must keep. */
  layer?: string;
  /** Seed for every random draw (SmoothGrad noise, DANCE starts), so maps are reproducible. */
  seed?: number;
}

export interface MethodContext {
  signal?: AbortSignal;
  /** Called as work advances (done of total units, e.g. IG steps). */
  progress?(done: number, total: number): void;
}

/** A saliency method over the kind of model it needs. */
export type Method<M extends ForwardModel> = (
  model: M,
  input: ExplainInput,
  options: MethodOptions,
  context: MethodContext,
) => Promise<Float32Array>;

export type GradientMethod = Method<GradientModel>;
export type BlackBoxMethod = Method<ForwardModel>;
