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
 * All decoys are optimised together: each iteration is one onnxruntime run
 * on the whole batch (rows of a batch do not interact, so a decoy's path is
 * the same alone or in a batch). That run gives h and the penalty's VJP at
 * once (`penaltyVjp`: the upstream is made in the graph from the h it
 * computes, with the weights as they stand at the start of the iteration,
 * as the JavaScript below makes it); a tensor without it takes a forward
 * call, then a VJP. The two agree to float32 rounding of the upstream, which
 * is enough to tip a feasibility test now and then, so a decoy's path can
 * differ between them, not its constraint.
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

  // The search state holds only the swappable features: each decoy's masked
  // features (an eighth of the input with DANCE's 16 decoys) side by side, in
  // one list. Elsewhere δ stays 0, and the points and decoys are x.
  const { offsets, features } = swappableFeatures(specs);
  const delta = new Float64Array(features.length);
  const firstMoment = new Float64Array(features.length);
  const secondMoment = new Float64Array(features.length);
  const feasible = new Float64Array(features.length); // each decoy's last feasible iterate
  const best = new Float64Array(features.length);
  const penalty = new Float64Array(n).fill(search.initialPenalty);
  const step = new Float64Array(n).fill(learningRate);
  const bestReach = new Float64Array(n);
  const bestDeviation = new Float64Array(n);
  const points = tiled(x, n);
  const upstream = new Float32Array(n * units);
  const weights = new Float32Array(n);

  let t = 0;
  for (; t <= iterations; t++) {
    throwIfAborted(context.signal);
    for (let k = 0; k < n; k++) {
      for (let p = offsets[k]; p < offsets[k + 1]; p++) {
        const i = features[p];
        points[k * size + i] = x[i] + delta[p];
      }
    }
    // With a fused VJP the penalty's gradient comes from the same run as h
    // (its upstream uses the penalty weights as they stand now, as below);
    // the last pass only scores, so it takes h alone.
    let fusedGradient: Float32Array | undefined;
    let h: Float32Array;
    if (layer.penaltyVjp && t < iterations) {
      for (let k = 0; k < n; k++) weights[k] = settling.settled[k] ? 0 : 2 * penalty[k];
      const fused = await layer.penaltyVjp(points, n, { reference, weights, inner });
      h = fused.output;
      fusedGradient = fused.grad;
    } else {
      h = await layer.forward(points, n);
    }

    // Keep each decoy's best feasible iterate; build the penalty's upstream.
    let anyPenalty = false;
    for (let k = 0; k < n; k++) {
      if (settling.settled[k]) {
        if (!fusedGradient) upstream.fill(0, k * units, (k + 1) * units); // frozen: no penalty gradient
        continue;
      }
      let deviation = 0;
      for (let j = 0; j < units; j++) {
        const d = h[k * units + j] - reference[j];
        deviation = Math.max(deviation, Math.abs(d));
        const excess = d > inner ? d - inner : d < -inner ? d + inner : 0;
        if (excess !== 0) anyPenalty = true;
        if (!fusedGradient) upstream[k * units + j] = 2 * penalty[k] * excess; // the fused run made its own
      }
      const from = offsets[k];
      const to = offsets[k + 1];
      if (deviation <= tolerance) {
        feasible.set(delta.subarray(from, to), from);
        step[k] = Math.min(learningRate, step[k] * STEP_GROWTH);
        let reach = 0;
        for (let p = from; p < to; p++) reach += Math.max(0, specs[k].sign * delta[p]);
        if (reach > bestReach[k]) {
          bestReach[k] = reach;
          bestDeviation[k] = deviation;
          best.set(delta.subarray(from, to), from);
        }
        settling.record(k, t, bestReach[k]);
      } else {
        // Reject the step: back to the last feasible iterate, with a shorter step.
        penalty[k] *= PENALTY_GROWTH;
        step[k] *= STEP_BACKTRACK;
        delta.set(feasible.subarray(from, to), from);
      }
    }
    if (t === iterations) break; // the last pass only scores the final iterate
    if (settling.update(t)) break; // every decoy settled: the last pass scored them

    const penaltyGradient = !anyPenalty
      ? undefined
      : (fusedGradient ?? (await layer.vjp(points, n, upstream)).grad);
    const correction1 = 1 - ADAM_BETA1 ** (t + 1);
    const correction2 = 1 - ADAM_BETA2 ** (t + 1);
    for (let k = 0; k < n; k++) {
      if (settling.settled[k]) continue;
      const sign = specs[k].sign;
      for (let p = offsets[k]; p < offsets[k + 1]; p++) {
        const i = features[p];
        // Minimise −‖(δ·s)⁺‖₁ + penalty: the first term's (sub)gradient is −s
        // where δ·s ≥ 0 (at 0, the one-sided derivative towards s) and 0 elsewhere.
        const objectiveGradient = sign * delta[p] >= 0 ? -sign : 0;
        const gradient = objectiveGradient + (penaltyGradient ? penaltyGradient[k * size + i] : 0);
        firstMoment[p] = ADAM_BETA1 * firstMoment[p] + (1 - ADAM_BETA1) * gradient;
        secondMoment[p] = ADAM_BETA2 * secondMoment[p] + (1 - ADAM_BETA2) * gradient * gradient;
        const stepped =
          delta[p] -
          (step[k] * (firstMoment[p] / correction1)) / (Math.sqrt(secondMoment[p] / correction2) + ADAM_EPSILON);
        // Project onto the box.
        delta[p] = Math.min(upper, Math.max(lower, x[i] + stepped)) - x[i];
      }
    }
    context.progress?.(progress.doneBefore + t + 1, progress.grandTotal);
    await yieldToEventLoop();
  }

  if (t < iterations) context.progress?.(progress.doneBefore + iterations, progress.grandTotal);
  const decoys = tiled(x, n);
  for (let k = 0; k < n; k++) {
    for (let p = offsets[k]; p < offsets[k + 1]; p++) decoys[k * size + features[p]] = x[features[p]] + best[p];
  }
  return { decoys, deviations: bestDeviation, reach: bestReach, iterations: Math.min(t, iterations) };
}

/**
 * The masked features of every decoy, in one list: decoy k's are
 * features[offsets[k]] … features[offsets[k + 1] − 1], in increasing order.
 */
function swappableFeatures(specs: readonly DecoySpec[]): { offsets: Int32Array; features: Int32Array } {
  const offsets = new Int32Array(specs.length + 1);
  specs.forEach(({ mask }, k) => {
    let count = 0;
    for (const bit of mask) if (bit) count++;
    offsets[k + 1] = offsets[k] + count;
  });
  const features = new Int32Array(offsets[specs.length]);
  specs.forEach(({ mask }, k) => {
    let p = offsets[k];
    for (let i = 0; i < mask.length; i++) if (mask[i]) features[p++] = i;
  });
  return { offsets, features };
}

/** n copies of x, one after the other. */
function tiled(x: Float32Array, n: number): Float32Array {
  const copies = new Float32Array(n * x.length);
  for (let k = 0; k < n; k++) copies.set(x, k * x.length);
  return copies;
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
