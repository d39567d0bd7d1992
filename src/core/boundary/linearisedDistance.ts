/**
 * The linearised distance to the decision boundary between the predicted
 * class and the runner-up (one step of DeepFool, Moosavi-Dezfooli et al. 2016):
 *   d(x) = (z₁ − z₂) / ‖∇ₓ(z₁ − z₂)‖,
 * the distance, in the model's input space, at which the first-order Taylor
 * expansion of the logit gap reaches zero. The score is 1 / (1 + d) ∈ (0, 1]:
 * 1 on the boundary, decreasing with the distance, finite for every input
 * (a zero gradient with a positive gap means "no boundary in reach": 0).
 */
export function linearisedBoundaryCloseness(
  gap: ArrayLike<number>,
  gradientNorm: ArrayLike<number>,
): { distance: Float64Array; score: Float64Array } {
  if (gap.length !== gradientNorm.length)
    throw new RangeError(`${gap.length} gaps but ${gradientNorm.length} gradient norms`);
  const distance = new Float64Array(gap.length);
  const score = new Float64Array(gap.length);
  for (let i = 0; i < gap.length; i++) {
    const g = Math.max(gap[i], 0);
    distance[i] = g === 0 ? 0 : gradientNorm[i] > 0 ? g / gradientNorm[i] : Infinity;
    score[i] = 1 / (1 + distance[i]);
  }
  return { distance, score };
}
