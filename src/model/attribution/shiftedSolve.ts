/**
 * Conjugate gradients for (cI − H)Δ = g, where H is symmetric PSD and reached
 * only through products Hv, and c exceeds H's largest eigenvalue (so cI − H is
 * positive definite). This is CASO's maximiser when λ₁ = 0: the objective
 * Δᵀg + ½ΔᵀHΔ − λ₂‖Δ‖² is then a concave quadratic whose stationary point
 * solves (2λ₂I − H)Δ = g (c = 2λ₂).
 *
 * Why not the proximal method: with λ₁ = 0 it is plain (accelerated) gradient
 * descent at step ≤ 0.05, which shrinks the error by a fixed factor per
 * Hessian product however well conditioned the system is. CG's error after k
 * products is bounded by 2((√κ − 1)/(√κ + 1))ᵏ with κ = c/(c − σ) ≤ (σ + μ)/μ
 * under CASO's λ₂ = (σ + μ)/2: for a network whose σ is small next to μ = 4
 * (a random-weight ResNet-18 has σ ≈ 0.002) one or two products reach 1e-3,
 * where the proximal method spends nine. CG works in exact arithmetic on the
 * Krylov space {g, Hg, H²g, …}; the products' own error (central differences,
 * ~1e-4 relative) bounds what a tolerance below that can buy.
 */
import { throwIfAborted } from '../../core/errors';
import { yieldToEventLoop } from './batches';
import { dot } from './lossCurvature';

export interface ShiftedSolution {
  delta: Float64Array;
  /** Products Hv taken (one per iteration). */
  products: number;
  /** ‖g − (cI − H)Δ‖ / ‖g‖ at the end (0 when g = 0). */
  relativeResidual: number;
}

export async function solveShiftedSystem(
  hessianVector: (v: Float64Array) => Promise<Float64Array>,
  g: Float64Array,
  shift: number,
  options: {
    /** Most products to take. */
    iterations: number;
    /** Stop once ‖residual‖ ≤ tolerance · ‖g‖ (0: run every iteration). */
    tolerance: number;
    onIteration?: () => void;
    signal?: AbortSignal;
  },
): Promise<ShiftedSolution> {
  const size = g.length;
  const delta = new Float64Array(size);
  const residual = Float64Array.from(g); // g − (cI − H)·0
  const direction = Float64Array.from(g);
  const gNorm = Math.sqrt(dot(g, g));
  let residualSquared = gNorm * gNorm;
  let products = 0;
  while (products < options.iterations && residualSquared > 0) {
    if (Math.sqrt(residualSquared) <= options.tolerance * gNorm) break;
    throwIfAborted(options.signal);
    const hp = await hessianVector(direction);
    products++;
    // A p = c p − H p
    const ap = new Float64Array(size);
    for (let i = 0; i < size; i++) ap[i] = shift * direction[i] - hp[i];
    const curvature = dot(direction, ap);
    if (!(curvature > 0)) {
      throw new RangeError(`CASO: cI − H is not positive definite along a search direction (pᵀAp = ${curvature})`);
    }
    const alpha = residualSquared / curvature;
    let next = 0;
    for (let i = 0; i < size; i++) {
      delta[i] += alpha * direction[i];
      residual[i] -= alpha * ap[i];
      next += residual[i] * residual[i];
    }
    const beta = next / residualSquared;
    residualSquared = next;
    for (let i = 0; i < size; i++) direction[i] = residual[i] + beta * direction[i];
    options.onIteration?.();
    await yieldToEventLoop();
  }
  return { delta, products, relativeResidual: gNorm === 0 ? 0 : Math.sqrt(residualSquared) / gNorm };
}
