/**
 * The saliency methods by the names the CLI and the engine use, and what each
 * needs: a model with gradients (`gradient`) or forward passes only
 * (`black-box`). This is the one place that knows both the methods and the
 * machinery that opens a model for them.
 */
import type { ForwardModel, GradientModel } from '../autodiff/types';
import { caso } from './caso';
import { dance } from './dance';
import { deepLift } from './deepLift';
import { gradient } from './gradient';
import { integratedGradients } from './integratedGradients';
import { marginSaliency } from './marginSaliency';
import { occlusion } from './occlusion';
import { smoothGrad } from './smoothGrad';
import type { BlackBoxMethod, GradientMethod } from './types';

export { gradientModelOf, openGradientModel } from '../autodiff';
export { openForwardModel } from '../forwardModel';

export type AttributionMethodName =
  'gradient' | 'ig' | 'smoothgrad' | 'deeplift' | 'caso' | 'dance' | 'occlusion' | 'margin';

export type AttributionMethod =
  | { kind: 'gradient'; run: GradientMethod; title: string }
  | { kind: 'black-box'; run: BlackBoxMethod; title: string };

export const ATTRIBUTION_METHODS: Readonly<Record<AttributionMethodName, AttributionMethod>> = {
  gradient: { kind: 'gradient', run: gradient, title: 'gradient (d logit / d input)' },
  ig: { kind: 'gradient', run: integratedGradients, title: 'integrated gradients' },
  smoothgrad: { kind: 'gradient', run: smoothGrad, title: 'SmoothGrad' },
  deeplift: { kind: 'gradient', run: deepLift, title: 'DeepLIFT' },
  caso: { kind: 'gradient', run: caso, title: 'CASO' },
  dance: { kind: 'gradient', run: dance, title: 'DANCE (decoy-enhanced saliency)' },
  occlusion: { kind: 'black-box', run: occlusion, title: 'occlusion' },
  margin: { kind: 'black-box', run: marginSaliency, title: 'MARGIN (superpixel graph saliency)' },
};

export function attributionMethod(name: string): AttributionMethod | undefined {
  return Object.prototype.hasOwnProperty.call(ATTRIBUTION_METHODS, name)
    ? ATTRIBUTION_METHODS[name as AttributionMethodName]
    : undefined;
}

/** Runs a method on a model opened for its kind (a GradientModel for gradient methods). */
export function runAttribution(
  method: AttributionMethod,
  model: ForwardModel | GradientModel,
  ...rest: Parameters<BlackBoxMethod> extends [unknown, ...infer R] ? R : never
): Promise<Float32Array> {
  return method.kind === 'gradient'
    ? method.run(model as GradientModel, ...rest)
    : method.run(model, ...rest);
}
