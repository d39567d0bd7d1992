/**
 * The shape every saliency method has, so the CLI and the engine can call any
 * of them by name. A method explains one sample (a model input tensor, already
 * preprocessed) for one target class and returns a map with the input's shape.
 */
import type { ForwardModel, GradientModel } from '../autodiff/types';

/**
 * A reference input by name (baselines.ts): `zeros` (0 in model-input space),
 * `black` (pixel 0 through the sidecar's normalisation), `blur` (a Gaussian
 * blur of the input) or `mean` (the input's per-channel mean).
 */
export type BaselineName = 'zeros' | 'black' | 'blur' | 'mean';

/**
 * DeepLIFT / IG / occlusion / deletion reference: a name, or the reference
 * input itself (sampleSize floats in model-input space), as the engine passes
 * it once it has resolved a name in the image's pixel space.
 */
export type Baseline = BaselineName | Float32Array;

export interface ExplainInput {
  /** One model input, sampleSize floats (the model's input tensor, not raw pixels). */
  x: Float32Array;
  /** Class index to explain, 0 ≤ target < numClasses. */
  target: number;
  /**
   * The input as decoded pixels, when it was an image file: what `margin`
   * draws its superpixels on (marginSaliencyImage.ts says why). Other methods ignore it.
   */
  pixels?: PixelImage;
}

/** An image as H×W×C values in 0..1 (row-major, channels interleaved), the model input's height and width. */
export interface PixelImage {
  width: number;
  height: number;
  channels: number;
  data: Float32Array;
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
