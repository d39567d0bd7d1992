/**
 * Decoys for DANCE (Lu, Guo, Xing & Noble, "DANCE: Enhancing saliency maps
 * using decoys", ICML 2021, §3.2–3.3): copies x̃ of the input that differ from
 * x only on a mask M of "swappable" features and that a chosen intermediate
 * layer h cannot tell from x. Each decoy solves the paper's eq. 2,
 *
 *   maximise ‖((x̃ − x) · s)⁺‖₁  over x̃ ∈ [x_min, x_max]^d
 *   subject to ‖h(x̃) − h(x)‖∞ ≤ ε  and  (x̃ − x) ∘ (1 − M) = 0,
 *
 * for s = +1 (push the masked features up as far as h allows) or s = −1
 * (down): the two ends of the range of legitimate values.
 *
 * The constraint on h enters as a penalty, λ Σ_j max(|h_j(x̃) − h_j(x)| − ε', 0)²
 * with ε' = 0.9 ε (see PENALTY_FROM): its gradient is the VJP of h with upstream
 * 2λ (d − clip(d, −ε', ε')), d = h(x̃) − h(x) (the squared distance's 2d, with
 * the tolerated part removed). Feasibility is ‖h(x̃) − h(x)‖∞ ≤ ε itself. The mask and the box are
 * kept by projection after each step. The paper leaves its solver to an
 * appendix we could not read; this one is ours: Adam steps (Kingma & Ba, 2015)
 * from x̃ = x, with backtracking. Each decoy has its own step size, starting at
 * `learningRate`. A step that breaks the constraint is undone: the decoy
 * retreats to its last feasible iterate, its step size is halved and its penalty
 * weight grows by half, and the penalty's gradient at the rejected point still
 * enters Adam's moments, so the next steps bend away from the units it broke. A
 * step that keeps the constraint lets the step size grow back by a quarter (up
 * to `learningRate`). Without the retreat, Adam's steps, normalised by the
 * gradient's own scale, do not shrink as the penalty grows: on a random-weight
 * ResNet-18 every iterate from the third on broke the constraint and the decoys
 * were in effect two Adam steps long. The decoy returned is the feasible iterate
 * that got furthest (δ = 0, x itself, is feasible), never an infeasible one.
 *
 * All decoys are optimised together: each iteration is one forward call and
 * one VJP on the whole batch (rows of a batch do not interact, so a decoy's
 * path is the same alone or in a batch).
 *
 * Early stopping (`patience`, off when absent): a decoy whose best reach has
 * not grown by more than `minGain` (relative) for `patience` iterations is
 * settled and frozen; the search ends when every decoy is. Measured with DANCE's
 * defaults: on the fixture CNN (16 decoys, ε = 0.1 max|h|) the first steps
 * overshoot and every decoy breaks the constraint until its penalty has grown
 * (reach flat for up to 12 iterations), then gains come in bursts until about
 * iteration 40–60 and stop; on a random-weight ResNet-18 every decoy breaks the
 * constraint from the third iteration on and never gains again in 100
 * (Adam's steps do not shrink with the penalty's weight).
 */
import { throwIfAborted } from '../../core/errors';
import type { DifferentiableTensor } from '../autodiff/types';
import { yieldToEventLoop } from './batches';
import type { MethodContext } from './types';

export interface DecoySpec {
  /** 1 where the decoy may differ from x (sampleSize values). */
  mask: Uint8Array;
  /** +1 to push the masked features up, −1 down. */
  sign: 1 | -1;
}

export interface DecoySearch {
  /** ε: the largest change allowed in any unit of the layer. */
  tolerance: number;
  /** The box of legitimate input values. */
  lower: number;
  upper: number;
  iterations: number;
  /** Adam's step size, in input units. */
  learningRate: number;
  /** The penalty weight λ each decoy starts with. */
  initialPenalty: number;
  /** Iterations without gain after which a decoy is settled (see above); absent or 0: run all iterations. */
  patience?: number;
  /** The relative gain in best reach that counts as progress (default 1e-3). */
  minGain?: number;
  /** h(x), when the caller has it already. */
  reference?: Float32Array;
}

export interface DecoySet {
  /** n × sampleSize decoys, in the order of the specs. */
  decoys: Float32Array;
  /** ‖h(x̃) − h(x)‖∞ of each decoy (≤ tolerance). */
  deviations: Float64Array;
  /** ‖((x̃ − x)·s)⁺‖₁ of each decoy: how far it got. */
  reach: Float64Array;
  /** Iterations run (fewer than search.iterations when every decoy settled early). */
  iterations: number;
}

/** The penalty weight's growth after an iteration that broke the constraint. */
const PENALTY_GROWTH = 1.5;
/** A decoy's step size after a rejected step (backtracking) and after an accepted one. */
const STEP_BACKTRACK = 0.5;
const STEP_GROWTH = 1.25;
/**
 * The penalty acts from this fraction of ε on, inside the feasible set: with
 * backtracking, iterates stay feasible, and a penalty that started at ε would
 * never tell Adam where the boundary lies (decoys then slid along their first
 * direction only: 80 % of the optimum in the closed-form test of dance.test.ts).
 */
const PENALTY_FROM = 0.9;
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-8;
export const DEFAULT_MIN_GAIN = 1e-3;

export async function generateDecoys(
  layer: DifferentiableTensor,
  x: Float32Array,
  specs: readonly DecoySpec[],
  search: DecoySearch,
  context: MethodContext,
  progress: { doneBefore: number; grandTotal: number } = { doneBefore: 0, grandTotal: search.iterations },
): Promise<DecoySet> {
  const n = specs.length;
  const size = x.length;
  const { tolerance, lower, upper, iterations, learningRate } = search;
  const reference = search.reference ?? (await layer.forward(x, 1));
  const units = layer.size;
  const inner = tolerance * PENALTY_FROM;
  const settling = new Settling(n, search.patience ?? 0, search.minGain ?? DEFAULT_MIN_GAIN);

  const delta = new Float64Array(n * size);
  const firstMoment = new Float64Array(n * size);
  const secondMoment = new Float64Array(n * size);
  const penalty = new Float64Array(n).fill(search.initialPenalty);
  const step = new Float64Array(n).fill(learningRate);
  const feasible = new Float64Array(n * size); // each decoy's last feasible iterate
  const best = new Float64Array(n * size);
  const bestReach = new Float64Array(n);
  const bestDeviation = new Float64Array(n);
  const points = new Float32Array(n * size);
  const upstream = new Float32Array(n * units);

  let t = 0;
  for (; t <= iterations; t++) {
    throwIfAborted(context.signal);
    for (let k = 0; k < n; k++)
      for (let i = 0; i < size; i++) points[k * size + i] = x[i] + delta[k * size + i];
    const h = await layer.forward(points, n);

    // Keep each decoy's best feasible iterate; build the penalty's upstream.
    let anyPenalty = false;
    for (let k = 0; k < n; k++) {
      if (settling.settled[k]) {
        upstream.fill(0, k * units, (k + 1) * units); // frozen: no penalty gradient
        continue;
      }
      let deviation = 0;
      for (let j = 0; j < units; j++) {
        const d = h[k * units + j] - reference[j];
        deviation = Math.max(deviation, Math.abs(d));
        const excess = d > inner ? d - inner : d < -inner ? d + inner : 0;
        if (excess !== 0) anyPenalty = true;
        upstream[k * units + j] = 2 * penalty[k] * excess;
      }
      const row = delta.subarray(k * size, (k + 1) * size);
      if (deviation <= tolerance) {
        feasible.set(row, k * size);
        step[k] = Math.min(learningRate, step[k] * STEP_GROWTH);
        const reach = reachOf(delta, k, size, specs[k]);
        if (reach > bestReach[k]) {
          bestReach[k] = reach;
          bestDeviation[k] = deviation;
          best.set(row, k * size);
        }
        settling.record(k, t, bestReach[k]);
      } else {
        // Reject the step: back to the last feasible iterate, with a shorter step.
        penalty[k] *= PENALTY_GROWTH;
        step[k] *= STEP_BACKTRACK;
        row.set(feasible.subarray(k * size, (k + 1) * size));
      }
    }
    if (t === iterations) break; // the last pass only scores the final iterate
    if (settling.update(t)) break; // every decoy settled: the last pass scored them

    const penaltyGradient = anyPenalty ? (await layer.vjp(points, n, upstream)).grad : undefined;
    const correction1 = 1 - ADAM_BETA1 ** (t + 1);
    const correction2 = 1 - ADAM_BETA2 ** (t + 1);
    for (let k = 0; k < n; k++) {
      if (settling.settled[k]) continue;
      const { mask, sign } = specs[k];
      for (let i = 0; i < size; i++) {
        if (!mask[i]) continue;
        const at = k * size + i;
        // Minimise −‖(δ·s)⁺‖₁ + penalty: the first term's (sub)gradient is −s
        // where δ·s ≥ 0 (at 0, the one-sided derivative towards s) and 0 elsewhere.
        const objectiveGradient = sign * delta[at] >= 0 ? -sign : 0;
        const gradient = objectiveGradient + (penaltyGradient ? penaltyGradient[at] : 0);
        firstMoment[at] = ADAM_BETA1 * firstMoment[at] + (1 - ADAM_BETA1) * gradient;
        secondMoment[at] = ADAM_BETA2 * secondMoment[at] + (1 - ADAM_BETA2) * gradient * gradient;
        const stepped =
          delta[at] -
          (step[k] * (firstMoment[at] / correction1)) /
            (Math.sqrt(secondMoment[at] / correction2) + ADAM_EPSILON);
        // Project onto the box.
        delta[at] = Math.min(upper, Math.max(lower, x[i] + stepped)) - x[i];
      }
    }
    context.progress?.(progress.doneBefore + t + 1, progress.grandTotal);
    await yieldToEventLoop();
  }

  if (t < iterations) context.progress?.(progress.doneBefore + iterations, progress.grandTotal);
  const decoys = new Float32Array(n * size);
  for (let k = 0; k < n; k++) for (let i = 0; i < size; i++) decoys[k * size + i] = x[i] + best[k * size + i];
  return { decoys, deviations: bestDeviation, reach: bestReach, iterations: Math.min(t, iterations) };
}

/** Which decoys have stopped gaining (the early-stopping rule above). */
class Settling {
  readonly settled: Uint8Array;
  /** Per decoy: the iteration of its last gain and its best reach then. */
  private readonly gainAt: Int32Array;
  private readonly anchor: Float64Array;

  constructor(
    private readonly n: number,
    private readonly patience: number,
    private readonly minGain: number,
  ) {
    this.settled = new Uint8Array(n);
    this.gainAt = new Int32Array(n);
    this.anchor = new Float64Array(n);
  }

  /** Decoy k's best reach after iteration t. */
  record(k: number, t: number, best: number): void {
    if (best > this.anchor[k] * (1 + this.minGain)) {
      this.anchor[k] = best;
      this.gainAt[k] = t;
    }
  }

  /** Settles the decoys that have waited long enough after iteration t; true when all have. */
  update(t: number): boolean {
    if (this.patience <= 0) return false;
    let all = true;
    for (let k = 0; k < this.n; k++) {
      if (!this.settled[k] && t - this.gainAt[k] >= this.patience) this.settled[k] = 1;
      all &&= this.settled[k] === 1;
    }
    return all;
  }
}

function reachOf(delta: Float64Array, k: number, size: number, spec: DecoySpec): number {
  let reach = 0;
  for (let i = 0; i < size; i++) if (spec.mask[i]) reach += Math.max(0, spec.sign * delta[k * size + i]);
  return reach;
}
