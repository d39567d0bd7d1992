/**
 * SmoothGrad (Smilkov, Thorat, Kim, Viégas & Wattenberg, "SmoothGrad: removing
 * noise by adding noise", 2017, eq. 3): the mean of the gradient of
 * logit[target] over `samples` noisy copies x + N(0, σ²) (default 50; §3.1
 * finds little gain beyond 50), with σ = noise × (max(x) − min(x)) and
 * `noise` default 0.15 (§3.1: 10–20 % of the input's range works best).
 *
 * The noise is drawn from the seeded generator (`options.seed`), copy after
 * copy, feature after feature, so the same seed gives the same map.
 * Progress counts noisy copies.
 */
import { checkExplainInput, checkInteger } from './batches';
import { sumOfTargetGradients } from './gradient';
import { seededRandom } from './random';
import type { GradientMethod } from './types';

export const DEFAULT_SMOOTHGRAD_SAMPLES = 50;
export const DEFAULT_SMOOTHGRAD_NOISE = 0.15;

export const smoothGrad: GradientMethod = async (model, input, options, context) => {
  checkExplainInput(model, input, 'SmoothGrad');
  const samples = options.samples ?? DEFAULT_SMOOTHGRAD_SAMPLES;
  checkInteger('samples', samples, 1);
  const noise = options.noise ?? DEFAULT_SMOOTHGRAD_NOISE;
  if (!(noise >= 0) || !Number.isFinite(noise))
    throw new RangeError(`SmoothGrad: noise must be ≥ 0, got ${noise}`);
  const { x, target } = input;
  const sigma = noise * valueRange(x);
  const random = seededRandom(options.seed);
  const size = x.length;

  const sum = await sumOfTargetGradients(
    model,
    samples,
    target,
    (_first, count, out) => {
      for (let s = 0; s < count; s++) {
        const offset = s * size;
        for (let i = 0; i < size; i++) out[offset + i] = x[i] + sigma * random.normal();
      }
    },
    context,
  );

  const map = new Float32Array(size);
  for (let i = 0; i < size; i++) map[i] = sum[i] / samples;
  return map;
};

/** max(x) − min(x). */
export function valueRange(x: ArrayLike<number>): number {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) {
    min = Math.min(min, x[i]);
    max = Math.max(max, x[i]);
  }
  return x.length > 0 ? max - min : 0;
}
