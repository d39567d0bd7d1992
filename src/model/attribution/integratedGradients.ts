/**
 * Integrated Gradients (Sundararajan, Taly & Yan, "Axiomatic Attribution for
 * Deep Networks", ICML 2017, eq. 1):
 *
 *   IG_i(x) = (x_i − x0_i) · ∫₀¹ ∂f_t/∂x_i (x0 + α(x − x0)) dα
 *
 * with f_t = logit[target] and x0 the baseline (`options.baseline`, default
 * zeros). The integral is a Riemann sum at the midpoints α_k = (k + ½)/m of m
 * equal intervals (`options.steps`, default 64). The paper (§5) suggests
 * 20–300 steps and checks completeness, Σ_i IG_i = f_t(x) − f_t(x0), which
 * holds up to the quadrature error. On a ReLU network the integrand is
 * piecewise constant in α, so the midpoint rule's error falls like 1/m (each
 * kink on the path costs at most one interval's worth) and is zero when the
 * path crosses no kink. Midpoints cost m gradients where the trapezoid rule
 * costs m + 1, for the same order of accuracy on such integrands.
 *
 * All m path points go to the model in slices of SAMPLES_PER_CALL; progress
 * counts path points.
 */
import { checkExplainInput, checkInteger } from './batches';
import { makeBaseline } from './baselines';
import { sumOfTargetGradients } from './gradient';
import type { GradientMethod } from './types';

export const DEFAULT_IG_STEPS = 64;

export const integratedGradients: GradientMethod = async (model, input, options, context) => {
  checkExplainInput(model, input, 'integrated gradients');
  const steps = options.steps ?? DEFAULT_IG_STEPS;
  checkInteger('steps', steps, 1);
  const { x, target } = input;
  const x0 = makeBaseline(options.baseline ?? 'zeros', x, model.sampleShape);
  const size = x.length;

  const sum = await sumOfTargetGradients(
    model,
    steps,
    target,
    (first, count, out) => {
      for (let s = 0; s < count; s++) {
        const alpha = (first + s + 0.5) / steps;
        const offset = s * size;
        for (let i = 0; i < size; i++) out[offset + i] = x0[i] + alpha * (x[i] - x0[i]);
      }
    },
    context,
  );

  const map = new Float32Array(size);
  for (let i = 0; i < size; i++) map[i] = ((x[i] - x0[i]) * sum[i]) / steps;
  return map;
};
