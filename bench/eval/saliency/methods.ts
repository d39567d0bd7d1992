/**
 * Every saliency method the evaluation compares, as (model, input) → map,
 * with the settings it runs at. Reference inputs (IG, DeepLIFT, occlusion's
 * default) are pixel-space black, the project's default for image models
 * (DEFAULT_IMAGE_BASELINES) and the same as the deletion fill.
 */
import { caso } from '../../../src/model/attribution/caso';
import { dance } from '../../../src/model/attribution/dance';
import { deepLift } from '../../../src/model/attribution/deepLift';
import { gradient } from '../../../src/model/attribution/gradient';
import { integratedGradients } from '../../../src/model/attribution/integratedGradients';
import { marginSaliency, marginSaliencyLayers } from '../../../src/model/attribution/marginSaliency';
import type { MarginSaliencyOptions } from '../../../src/model/attribution/marginSaliencyOptions';
import { occlusion, type OcclusionOptions } from '../../../src/model/attribution/occlusion';
import { seededRandom } from '../../../src/model/attribution/random';
import { smoothGrad } from '../../../src/model/attribution/smoothGrad';
import type { ExplainInput } from '../../../src/model/attribution/types';
import type { GradientModel } from '../../../src/model/autodiff/types';

export interface BenchMethod {
  name: string;
  settings: string;
  /** Evaluate on this many images at most (the slow ones), else all. */
  maxImages?: number;
  run(model: GradientModel, input: ExplainInput, black: Float32Array, seed: number): Promise<Float32Array>;
}

const none = {};

export function marginMethod(name: string, options: MarginSaliencyOptions, settings: string): BenchMethod {
  return {
    name,
    settings,
    run: (model, input, black) =>
      marginSaliency(model, input, { ...options, baseline: options.baseline ?? black }, none),
  };
}

/** Ablation: margin's dense saliency S alone, without MARGIN's influence map (what I adds). */
export function marginSaliencyOnly(
  name: string,
  options: MarginSaliencyOptions,
  settings: string,
): BenchMethod {
  return {
    name,
    settings,
    run: async (model, input, black) => {
      const withFill = { ...options, baseline: options.baseline ?? black };
      return Float32Array.from((await marginSaliencyLayers(model, input, withFill, none)).saliency);
    },
  };
}

export function occlusionMethod(name: string, options: OcclusionOptions, settings: string): BenchMethod {
  return {
    name,
    settings,
    run: (model, input, black) =>
      occlusion(model, input, { ...options, baseline: options.baseline ?? black }, none),
  };
}

/** The gradient-based and reference methods, at their defaults. */
export function otherMethods(slowImages: number): BenchMethod[] {
  const times = (a: Float32Array, b: Float32Array) => a.map((v, i) => v * b[i]);
  return [
    { name: 'gradient', settings: 'd logit / d x', run: (m, input) => gradient(m, input, none, none) },
    {
      name: '|gradient|',
      settings: 'ranked by magnitude',
      run: async (m, input) => (await gradient(m, input, none, none)).map(Math.abs),
    },
    {
      name: 'gradient × input',
      settings: 'x − black as the input',
      // Input relative to the fill, so that "× input" is 0 where deletion changes nothing.
      run: async (m, input, black) =>
        times(
          await gradient(m, input, none, none),
          input.x.map((v, i) => v - black[i]),
        ),
    },
    {
      name: 'integrated gradients',
      settings: '64 steps, black',
      run: (m, input, black) => integratedGradients(m, input, { baseline: black }, none),
    },
    {
      name: 'SmoothGrad',
      settings: '50 samples, σ 0.15',
      run: (m, input, _black, seed) => smoothGrad(m, input, { seed }, none),
    },
    {
      name: 'DeepLIFT rescale',
      settings: 'black',
      run: (m, input, black) => deepLift(m, input, { baseline: black, rule: 'rescale' }, none),
    },
    {
      name: 'DeepLIFT reveal-cancel',
      settings: 'black',
      run: (m, input, black) => deepLift(m, input, { baseline: black, rule: 'reveal-cancel' }, none),
    },
    {
      name: 'CASO',
      settings: 'defaults (|Δ*|)',
      maxImages: slowImages,
      run: (m, input, _black, seed) => caso(m, input, { seed }, none),
    },
    {
      name: 'DANCE',
      settings: '16 decoys',
      maxImages: slowImages,
      run: (m, input, _black, seed) => dance(m, input, { seed }, none),
    },
    {
      name: 'random',
      settings: 'uniform, seeded',
      run: async (_m, input, _black, seed) => {
        const random = seededRandom(seed);
        return Float32Array.from(input.x, () => random.uniform());
      },
    },
  ];
}
