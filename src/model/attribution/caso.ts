/**
 * CASO, Context-Aware Second-Order interpretation: Singla, Wallace, Feng &
 * Feizi, "Understanding Impacts of High-Order Loss Approximations and Features
 * in Deep Learning Interpretation", ICML 2019 (arXiv 1902.00407); official
 * code github.com/singlasahil14/CASO (README.md, main.py, explainers.py).
 *
 * The saliency is the perturbation Δ that most increases the target's
 * cross-entropy loss ℓ under a second-order model of ℓ, with sparsity and size
 * penalties (the paper's CASO objective):
 *
 *   Δ* = argmax_Δ  Δᵀg + ½ ΔᵀHΔ − λ₁‖Δ‖₁ − λ₂‖Δ‖₂²,   g = ∇ℓ(x),  H = ∇²ℓ(x),
 *
 * with g and H-products from `lossCurvature.ts` (H = Jᵀ(diag p − ppᵀ)J for
 * piecewise-linear networks, the paper's closed form for ReLU networks). The
 * objective is concave only when 2λ₂ exceeds H's largest eigenvalue σ, so λ₂
 * is tied to σ estimated by power iteration:
 *
 *   λ₂ = (σ̂ + μ)/2,   μ = 4 (`lambda2Margin`),
 *
 * which is the official code's rule (it adds its `lambda2` argument, default 4
 * in main.py, to σ̂ and weights ½‖Δ‖² by the sum). The objective is then
 * μ-strongly concave. It is maximised by accelerated proximal gradient
 * (FISTA, with the code's momentum (k − 2)/(k + 1)) from Δ = 0, the prox of
 * λ₁‖·‖₁ being soft-thresholding.
 *
 * The defaults reproduce the official README's CASO example
 * (`main.py --lambda1=0 --magnitude --second-order`) with main.py's defaults:
 *
 * - λ₁ = 0 (`lambda1`). λ₁ > 0 gives the paper's sparse, group-feature maps;
 *   λ₁ is absolute, so it must be set against the scale of g (main.py's CLI
 *   default 1e-5 already zeroes whole maps of the fixture CNN, whose confident
 *   predictions have |g| ~ 1e-6).
 * - 10 iterations (n_iter), 10 power iterations for σ̂ (`_power_eigen`).
 * - Step t = min(0.05, 1/(2λ₂)). main.py starts a backtracking line search at
 *   lr = 0.05 every iteration; the smooth part's gradient 2λ₂Δ − g − HΔ is
 *   (2λ₂ − λ_min(H)) ≤ 2λ₂ Lipschitz (H is PSD), so 1/(2λ₂) always passes that
 *   search's test, and the fixed step saves its extra Hessian products.
 * - `--second-order` also turns on main.py's smoothing: g and Hv are averaged
 *   over 16 noisy copies x + N(0, σ²), σ = 0.15 × (max x − min x)
 *   (`smoothing`; `{ samples: 0 }` turns it off). The noise and the power
 *   iteration's start are drawn from `options.seed`.
 * - `--magnitude`: the map is |Δ*| (main.py shows Δ*² normalised to sum 1,
 *   which ranks the features the same way). With `signed: true` the map is
 *   −Δ* instead: Δ* points where the loss grows, i.e. where the target's
 *   log-probability falls, so −Δ* has the sign convention of the gradient, IG
 *   and DeepLIFT maps (positive = evidence for the target).
 *
 * Cost with the exact Jacobian (small models): one forward call and one VJP
 * call on samples × numClasses rows; every Hessian product is then
 * arithmetic. Otherwise each of the (powerIterations + iterations) products is
 * one forward call and one VJP. Progress counts Hessian products.
 *
 * Early stopping (`convergence`, ours; off in `casoWith()`'s defaults, which
 * follow main.py's fixed counts): the power iteration stops once σ̂ moves λ₂ =
 * (σ̂ + μ)/2 by less than `convergence` relative, and the proximal iterations
 * once max|Δₖ − Δₖ₋₁| ≤ `convergence` · max|Δₖ|.
 *
 * The registered method (`caso`) stops early at 1e-3 and, since its λ₁ is 0,
 * replaces the proximal iterations by conjugate gradients on the linear
 * system (2λ₂I − H)Δ = g that the maximiser solves (`shiftedSolve.ts`),
 * stopped at a relative residual of 1e-3. main.py's ten FISTA steps at step
 * 0.05 end before they converge (each shrinks the error by a fixed factor
 * however well conditioned the system is); CG reaches the maximiser itself.
 * On a random-weight ResNet-18 σ̂ ≈ 0.002 against μ = 4: σ̂ takes 2 power
 * products instead of 10, Δ* one or two CG products instead of 9 proximal
 * ones, so a map costs 3–4 Hessian products where main.py's counts take 19.
 */
import { throwIfAborted } from '../../core/errors';
import type { GradientModel } from '../autodiff/types';
import { checkExplainInput, checkInteger, yieldToEventLoop } from './batches';
import { crossEntropyCurvature, largestEigenvalue, type JacobianMode, type LossCurvature } from './lossCurvature';
import { seededRandom, type RandomSource } from './random';
import { solveShiftedSystem } from './shiftedSolve';
import { valueRange } from './smoothGrad';
import type { ExplainInput, GradientMethod, MethodContext } from './types';

export interface CasoParameters {
  /** λ₁, the weight of ‖Δ‖₁ (default 0). */
  lambda1?: number;
  /** λ₂, the weight of ‖Δ‖₂²; must exceed σ̂/2. Default (σ̂ + lambda2Margin)/2. */
  lambda2?: number;
  /** μ in the default λ₂ = (σ̂ + μ)/2 (default 4). */
  lambda2Margin?: number;
  /** Proximal-gradient iterations (default 10). */
  iterations?: number;
  /** Largest step size (default 0.05). */
  maxStep?: number;
  /** Power iterations for σ̂ (default 10). */
  powerIterations?: number;
  /** Average g and Hv over noisy copies x + N(0, (noise·range)²), as main.py's second-order mode (default 16 copies, noise 0.15; samples 0 = off). */
  smoothing?: { samples: number; noise: number };
  /** How J is applied (default: exact when it fits JACOBIAN_BUDGET). */
  jacobian?: JacobianMode;
  /** Map −Δ* (signed, positive = evidence for the target) instead of |Δ*| (default false). */
  signed?: boolean;
  /** Relative tolerance for stopping the power and proximal iterations early (default 0: never). */
  convergence?: number;
  /**
   * How the maximiser is found: `fista` (main.py's proximal method, any λ₁) or
   * `conjugate-gradient` (λ₁ = 0 only: the linear system (2λ₂I − H)Δ = g; see
   * `conjugateGradientSolve`). Default `fista`.
   */
  solver?: CasoSolver;
}

export type CasoSolver = 'fista' | 'conjugate-gradient';

export const CASO_DEFAULTS = {
  lambda1: 0,
  lambda2Margin: 4,
  iterations: 10,
  maxStep: 0.05,
  powerIterations: 10,
  smoothing: { samples: 16, noise: 0.15 },
  convergence: 0,
  solver: 'fista',
} as const;

/** The registered method's early-stopping tolerance (see above). */
export const CASO_CONVERGENCE = 1e-3;

export interface CasoSolution {
  /** The maximiser Δ* (sampleSize values; the map is |Δ*|, or −Δ* when signed). */
  delta: Float64Array;
  /** The λ₂ used. */
  lambda2: number;
  /** σ̂, the power-iteration estimate of H's largest eigenvalue. */
  largestEigenvalue: number;
  /** The step size used. */
  step: number;
  /** Hessian–vector products taken (power iteration and proximal steps). */
  products: number;
}

export async function casoSolution(
  model: GradientModel,
  input: ExplainInput,
  parameters: CasoParameters,
  seed: number | undefined,
  context: MethodContext,
): Promise<CasoSolution> {
  checkExplainInput(model, input, 'CASO');
  const lambda1 = parameters.lambda1 ?? CASO_DEFAULTS.lambda1;
  const margin = parameters.lambda2Margin ?? CASO_DEFAULTS.lambda2Margin;
  const iterations = parameters.iterations ?? CASO_DEFAULTS.iterations;
  const maxStep = parameters.maxStep ?? CASO_DEFAULTS.maxStep;
  const powerIterations = parameters.powerIterations ?? CASO_DEFAULTS.powerIterations;
  checkInteger('iterations', iterations, 1);
  checkInteger('power-iterations', powerIterations, 1);
  if (!(lambda1 >= 0)) throw new RangeError(`CASO: λ₁ must be ≥ 0, got ${lambda1}`);
  if (!(margin > 0)) throw new RangeError(`CASO: the λ₂ margin must be > 0, got ${margin}`);
  if (!(maxStep > 0)) throw new RangeError(`CASO: the step must be > 0, got ${maxStep}`);
  const convergence = parameters.convergence ?? CASO_DEFAULTS.convergence;
  const solver = parameters.solver ?? CASO_DEFAULTS.solver;
  if (solver === 'conjugate-gradient' && lambda1 !== 0) {
    throw new RangeError(`CASO: conjugate gradients solve the λ₁ = 0 problem only, got λ₁ = ${lambda1}`);
  }
  if (!(convergence >= 0)) throw new RangeError(`CASO: the convergence tolerance must be ≥ 0, got ${convergence}`);

  const random = seededRandom(seed);
  const size = model.sampleSize;
  const { points, n } = smoothedCopies(input.x, parameters.smoothing ?? CASO_DEFAULTS.smoothing, random);
  const total = powerIterations + iterations;
  let done = 0;
  const tick = () => {
    done++;
    context.progress?.(done, total);
  };
  context.progress?.(0, total);

  throwIfAborted(context.signal);
  const curvature = await crossEntropyCurvature(model, points, n, input.target, parameters.jacobian);
  const sigma = await largestEigenvalue(
    curvature.hessianVector,
    size,
    powerIterations,
    random,
    tick,
    context.signal,
    convergence > 0
      ? (previous, current) => Math.abs(current - previous) <= convergence * (current + margin)
      : undefined,
  );
  const products = done;
  done = powerIterations; // the products the power iteration did not need
  const lambda2 = parameters.lambda2 ?? (sigma + margin) / 2;
  if (!(lambda2 > sigma / 2)) {
    throw new RangeError(
      `CASO: λ₂ = ${lambda2} does not exceed σ̂/2 = ${sigma / 2}; the objective would not be concave`,
    );
  }
  const step = Math.min(maxStep, 1 / (2 * lambda2));
  const solve = { iterations, convergence, tick, signal: context.signal };
  const solved =
    solver === 'conjugate-gradient'
      ? await conjugateGradientMaximiser(curvature, lambda2, solve)
      : await fistaMaximiser(curvature, lambda2, lambda1, step, solve);
  if (done < total) context.progress?.(total, total);
  return { delta: solved.delta, lambda2, largestEigenvalue: sigma, step, products: products + solved.products };
}

interface SolveSettings {
  iterations: number;
  convergence: number;
  tick: () => void;
  signal?: AbortSignal;
}

/** λ₁ = 0: the closed-form maximiser (2λ₂I − H)⁻¹g, by conjugate gradients (shiftedSolve.ts). */
async function conjugateGradientMaximiser(
  curvature: LossCurvature,
  lambda2: number,
  settings: SolveSettings,
): Promise<{ delta: Float64Array; products: number }> {
  return solveShiftedSystem(curvature.hessianVector, curvature.gradient, 2 * lambda2, {
    iterations: settings.iterations,
    tolerance: settings.convergence,
    onIteration: settings.tick,
    signal: settings.signal,
  });
}

/** main.py's accelerated proximal gradient, from Δ = 0. */
async function fistaMaximiser(
  curvature: LossCurvature,
  lambda2: number,
  lambda1: number,
  step: number,
  { iterations, convergence, tick, signal }: SolveSettings,
): Promise<{ delta: Float64Array; products: number }> {
  const g = curvature.gradient;
  const size = g.length;
  // FISTA on the minimisation form F(Δ) = −Δᵀg − ½ΔᵀHΔ + λ₂‖Δ‖² + λ₁‖Δ‖₁.
  let current = new Float64Array(size);
  let previous = new Float64Array(size);
  const lookahead = new Float64Array(size);
  let steps = 0;
  for (let k = 1; k <= iterations; k++) {
    throwIfAborted(signal);
    const momentum = (k - 2) / (k + 1);
    for (let i = 0; i < size; i++) lookahead[i] = current[i] + momentum * (current[i] - previous[i]);
    const hv = await curvature.hessianVector(lookahead);
    steps++;
    const next = previous; // reuse the buffer of the iterate two steps back
    const threshold = step * lambda1;
    let change = 0;
    let largest = 0;
    for (let i = 0; i < size; i++) {
      const smoothGradient = 2 * lambda2 * lookahead[i] - g[i] - hv[i];
      next[i] = softThreshold(lookahead[i] - step * smoothGradient, threshold);
      change = Math.max(change, Math.abs(next[i] - current[i]));
      largest = Math.max(largest, Math.abs(next[i]));
    }
    previous = current;
    current = next;
    tick();
    await yieldToEventLoop();
    if (convergence > 0 && k > 1 && change <= convergence * largest) break;
  }
  // The first step is at Δ = 0, where HΔ = 0 costs no model call in either mode.
  return { delta: current, products: steps - 1 };
}

/** CASO with the given parameters as a GradientMethod (options.seed seeds the power iteration and the smoothing noise). */
export function casoWith(parameters: CasoParameters = {}): GradientMethod {
  return async (model, input, options, context) => {
    const { delta } = await casoSolution(model, input, parameters, options.seed, context);
    return Float32Array.from(delta, parameters.signed ? (d) => -d : Math.abs);
  };
}

/**
 * The registered CASO: main.py's settings and objective (λ₁ = 0), with σ̂'s
 * power iteration stopped early at CASO_CONVERGENCE and the maximiser solved
 * by conjugate gradients to the same relative residual.
 */
export const caso: GradientMethod = casoWith({ convergence: CASO_CONVERGENCE, solver: 'conjugate-gradient' });

/** The proximal operator of τ‖·‖₁ on one coordinate. */
export function softThreshold(value: number, threshold: number): number {
  if (value > threshold) return value - threshold;
  if (value < -threshold) return value + threshold;
  return 0;
}

/** The input itself, or `samples` noisy copies of it when smoothing is on. */
function smoothedCopies(
  x: Float32Array,
  smoothing: { samples: number; noise: number },
  random: RandomSource,
): { points: Float32Array; n: number } {
  if (smoothing.samples <= 0) return { points: x, n: 1 };
  checkInteger('samples', smoothing.samples, 1);
  const sigma = smoothing.noise * valueRange(x);
  const points = new Float32Array(smoothing.samples * x.length);
  for (let s = 0; s < smoothing.samples; s++) {
    for (let i = 0; i < x.length; i++) points[s * x.length + i] = x[i] + sigma * random.normal();
  }
  return { points, n: smoothing.samples };
}
