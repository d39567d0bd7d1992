/**
 * The settings of the `margin` saliency method, their defaults and checks.
 *
 * The defaults are the settings that measure best, not the paper's: tuned on
 * held-out Fashion-MNIST (bench/eval/saliency.ts --tune, t10k images
 * 100–199, by deletion AUC with deleted pixels set to black) and reported on
 * images 0–99 (docs/results.md): a black fill (on image models; the engine
 * resolves it in pixel space), the target's logit as the score, signed
 * effects, k 5, Gaussian edge weights and SLIC at 25/50/100/200 segments.
 * `preset: 'paper'` gives the published method (SLIC at 50, 100, …, 300
 * segments, the softmax probability, |Δ|, with the rest of MARGIN Lens's graph
 * defaults: binary kNN graph with k 10, normalised shift operator, the zeros
 * fill of occlusion); it measures about twice the deletion AUC.
 */
import { ParameterError } from '../../core/errors';
import type { ShiftOperator } from '../../core/margin';
import { checkInteger } from './batches';
import type { Baseline, MethodOptions } from './types';

export interface MarginSaliencyOptions extends MethodOptions {
  /** The settings every unset option takes: `best` (default, measured) or `paper` (as published). */
  preset?: MarginPreset;
  /** SLIC segment counts asked for, one segmentation each (the grid may give a few more or fewer). */
  scales?: readonly number[];
  /** k of the node graph (clipped to nodes − 1). */
  neighbours?: number;
  /** MARGIN's shift operator for the high pass. */
  operator?: ShiftOperator;
  /** Edge weights of the node graph. */
  weighting?: 'binary' | 'gaussian';
  /** What masking a superpixel is measured on: the target's softmax probability (the paper) or its logit. */
  score?: 'probability' | 'logit';
  /**
   * Δ_m = |s(I) − s(I_m)| (`magnitude`, the paper) or s(I) − s(I_m) (`signed`:
   * a superpixel whose masking raises the score gets a negative effect, so a
   * deletion ranking puts it last rather than first).
   */
  effect?: 'magnitude' | 'signed';
  /** Pixel layout when the sidecar knows it (else read off the shape, as occlusion does). */
  layout?: 'NCHW' | 'NHWC';
}

export type MarginPreset = 'best' | 'paper';

type MarginSettings = Required<
  Pick<MarginSaliencyOptions, 'scales' | 'neighbours' | 'operator' | 'weighting' | 'score' | 'effect'>
> & {
  /**
   * What a masked superpixel is filled with (`baseline`, as for occlusion).
   * `zeros` is 0 in model-input space, the dataset mean for a normalised input.
   */
  fill: Baseline;
};

/** The published method's settings (the `paper` preset). */
export const MARGIN_PAPER_SETTINGS: Readonly<MarginSettings> = {
  scales: [50, 100, 150, 200, 250, 300],
  neighbours: 10,
  operator: 'normalized',
  weighting: 'binary',
  score: 'probability',
  effect: 'magnitude',
  fill: 'zeros',
};

/**
 * The defaults (the `best` preset). The fill here is for inputs without
 * pixels; the engine passes black (pixel 0) for images (DEFAULT_IMAGE_BASELINES).
 */
export const MARGIN_SALIENCY_DEFAULTS: Readonly<MarginSettings> = {
  scales: [25, 50, 100, 200],
  neighbours: 5,
  operator: 'normalized',
  weighting: 'gaussian',
  score: 'logit',
  effect: 'signed',
  fill: 'zeros',
};

export type ResolvedMarginOptions = MarginSettings & { layout?: 'NCHW' | 'NHWC' };

export function resolveMarginOptions(options: MarginSaliencyOptions): ResolvedMarginOptions {
  const preset = options.preset ?? 'best';
  if (preset !== 'best' && preset !== 'paper')
    throw new ParameterError('preset', `must be best or paper, got "${String(preset)}"`);
  const defaults = preset === 'paper' ? MARGIN_PAPER_SETTINGS : MARGIN_SALIENCY_DEFAULTS;
  const resolved: ResolvedMarginOptions = {
    scales: options.scales ?? defaults.scales,
    neighbours: options.neighbours ?? defaults.neighbours,
    operator: options.operator ?? defaults.operator,
    weighting: options.weighting ?? defaults.weighting,
    score: options.score ?? defaults.score,
    effect: options.effect ?? defaults.effect,
    fill: options.baseline ?? defaults.fill,
    ...(options.layout ? { layout: options.layout } : {}),
  };
  if (resolved.scales.length === 0) throw new ParameterError('scales', 'needs at least one segment count');
  for (const segments of resolved.scales) checkInteger('scales', segments, 1);
  checkInteger('neighbours', resolved.neighbours, 1);
  const oneOf = (name: string, value: string, allowed: readonly string[]) => {
    if (!allowed.includes(value))
      throw new ParameterError(name, `must be one of ${allowed.join(', ')}, got "${value}"`);
  };
  oneOf('operator', resolved.operator, ['normalized', 'random-walk', 'laplacian']);
  oneOf('weighting', resolved.weighting, ['binary', 'gaussian']);
  oneOf('score', resolved.score, ['probability', 'logit']);
  oneOf('effect', resolved.effect, ['magnitude', 'signed']);
  // A Float32Array is a reference input the engine already resolved (e.g. black in pixel space).
  if (!(resolved.fill instanceof Float32Array))
    oneOf('baseline', resolved.fill, ['zeros', 'black', 'blur', 'mean']);
  return resolved;
}
