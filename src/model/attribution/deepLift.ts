/**
 * DeepLIFT (Shrikumar, Greenside & Kundaje, "Learning Important Features
 * Through Propagating Activation Differences", ICML 2017): attributions
 * m ⊙ (x − x0), where the multipliers m come from the backward graph with
 * each nonlinearity's local derivative replaced by Δy/Δx between the input and
 * the reference x0 (the Rescale rule, §3.5.1, default) or by the RevealCancel
 * rule (§3.5.2), `options.rule`. The reference is `options.baseline` (default
 * zeros, DESIGN.md §3). Summation to delta (§2.2): Σ attributions =
 * logit[target](x) − logit[target](x0), which the tests check.
 */
import { throwIfAborted } from '../../core/errors';
import { checkExplainInput, oneHot } from './batches';
import { makeBaseline } from './baselines';
import type { GradientMethod } from './types';

export const deepLift: GradientMethod = async (model, input, options, context) => {
  checkExplainInput(model, input, 'DeepLIFT');
  const { x, target } = input;
  const x0 = makeBaseline(options.baseline ?? 'zeros', x, model.sampleShape);
  throwIfAborted(context.signal);
  context.progress?.(0, 1);
  const { multipliers } = await model.deepLift(
    x,
    x0,
    1,
    oneHot(target, model.numClasses),
    options.rule ?? 'rescale',
  );
  context.progress?.(1, 1);
  const map = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) map[i] = multipliers[i] * (x[i] - x0[i]);
  return map;
};
