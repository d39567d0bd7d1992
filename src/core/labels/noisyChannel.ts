/**
 * The labels task's fused evidence: a noisy-channel model of the given labels,
 * fitted to them by maximum likelihood, so that nothing is tuned by hand on a
 * benchmark and the fit itself says how many labels are wrong.
 *
 * Two sources say which class sample i belongs to: class probabilities p_i
 * (the model's softmax, or an out-of-fold classifier) and the class shares
 * q_i of its graph neighbours' labels. They are pooled as a product of experts,
 *
 *   π_i(c) ∝ p_i(c)^a · (q_i(c) + γ)^b,
 *
 * and the given label is read as π passed through a symmetric noisy channel
 * that keeps the true class with probability 1 − ε and otherwise picks one
 * of the other C − 1 classes at random:
 *
 *   P(given = y | i) = (1 − ε) π_i(y) + ε (1 − π_i(y)) / (C − 1).
 *
 * a, b, γ (on a small grid) and ε (exactly: the log-likelihood is concave in ε)
 * maximise Σ_i log P(given = y_i | i). The score of a sample is then the
 * posterior probability that its label was flipped,
 *
 *   P(flip | i, y) = ε (1 − π_i(y)) / (C − 1) / P(given = y | i),
 *
 * whose sum is the expected number of wrong labels.
 *
 * The grid's optimum is then refined per class (an exponent and a bias for
 * each class, `channelRefinement.ts`) and ε refitted exactly at the result.
 */
import { createCheckpoint } from '../cooperative';
import { InputError } from '../errors';
import { sampleRows } from '../random';
import { pickRows } from '../rows';
import type { ComputeOptions } from '../types';
import {
  pooledDistribution,
  REFINEMENT_STEPS,
  refinePerClass,
  type ChannelEvidence,
} from './channelRefinement';

/**
 * Exponent grids of the fit; a = 0 is never needed (p carries most of the
 * evidence when it exists). The grid only starts the per-class refinement,
 * which moves the exponents continuously: a finer grid (5 × 7 points instead
 * of 2 × 4) gave the same held-out recall for four times the time.
 */
const PROBABILITY_EXPONENTS = [0.5, 1];
const SHARE_EXPONENTS = [0, 0.5, 1, 2];
/** γ keeps log(q + γ) finite where no neighbour carries a class. */
const SHARE_FLOORS = [0.01, 0.03, 0.1];
/** Probabilities below this are treated as this (a log of 0 would veto a class for good). */
const PROBABILITY_FLOOR = 1e-12;
/** The fit uses at most this many samples (2C + 3 parameters and a rate need no more; the held-out
 * figures, on 10,000 samples, are unchanged by it); scores cover all. */
const FIT_SAMPLES = 10_000;
/**
 * The rate the posterior is computed with when the fit finds no noise at all:
 * the posterior of a vanishing rate is still monotone in 1 − π_i(y_i), so the
 * ranking survives, and the expected count stays ≈ 0.
 */
const MIN_SCORING_RATE = 1e-9;
/** Upper end of the noise rate searched: beyond it the labels would say little about the truth. */
const MAX_NOISE_RATE = 0.5;

export interface ChannelFit {
  /** Exponent of the class probabilities shared by every class at the grid's optimum (0 when there are none). */
  a: number;
  /** Exponent of the neighbour shares (after the per-class refinement). */
  b: number;
  /** a_c per class after the refinement (each starts at a). */
  classExponents: Float64Array;
  /** β_c per class after the refinement (each starts at 0). */
  classBiases: Float64Array;
  /** Floor added to the shares. */
  gamma: number;
  /** Fitted noise rate ε. */
  noiseRate: number;
  /** Mean log-likelihood per sample at the fit. */
  logLikelihood: number;
}

export interface ChannelResult {
  fit: ChannelFit;
  /** P(flip | i, y_i) per sample. */
  flipProbability: Float64Array;
  /** π (n × C): the pooled class distribution, before the given label is read. */
  pooled: Float64Array;
  /** Σ P(flip): the expected number of wrong labels. */
  expectedIssues: number;
}

/**
 * Fits the channel to `labels` (n codes in 0..C−1) and scores every sample.
 * `probabilities` (n × C) may be absent: the neighbour shares then stand alone.
 */
export async function fitNoisyChannel(
  shares: Float64Array,
  labels: Int32Array,
  C: number,
  probabilities?: ArrayLike<number>,
  options: ComputeOptions = {},
): Promise<ChannelResult> {
  const n = labels.length;
  checkChannelInput(shares, labels, C, probabilities);
  if (C < 2 || n === 0) {
    // One class (or nothing to fit): no label can be wrong.
    return {
      fit: {
        a: 0,
        b: 0,
        classExponents: new Float64Array(C),
        classBiases: new Float64Array(C),
        gamma: 0,
        noiseRate: 0,
        logLikelihood: 0,
      },
      flipProbability: new Float64Array(n),
      pooled: new Float64Array(n).fill(1),
      expectedIssues: 0,
    };
  }
  const checkpoint = createCheckpoint(options);
  // The fit reads a sample of rows only: gather them once, so that the grid's
  // logarithms (one pass per floor γ) are taken of the sample, not of every row.
  const sample = sampleRows(n, FIT_SAMPLES, 20261201);
  const everyFitRow = Int32Array.from(sample.keys());
  const logP = probabilities ? logOf(probabilities, PROBABILITY_FLOOR, 0) : undefined;
  const fitLogP = logP && pickRows(logP, sample, C);
  const fitShares = pickRows(shares, sample, C);
  const fitLabels = Int32Array.from(sample, (i) => labels[i]);
  const gridSteps = gridSize(logP);
  const progress = async (step: number) => {
    options.onProgress?.(step, gridSteps + REFINEMENT_STEPS);
    await checkpoint();
  };
  const grid = await fitChannelGrid(fitShares, fitLabels, C, everyFitRow, fitLogP, progress);

  const fitEvidence: ChannelEvidence = {
    logP: fitLogP,
    logQ: logOf(fitShares, 0, grid.gamma),
    labels: fitLabels,
    C,
    rows: everyFitRow,
  };
  const refined = await refinePerClass(
    fitEvidence,
    { classExponents: new Float64Array(C).fill(grid.a), classBiases: new Float64Array(C), b: grid.b },
    grid.noiseRate,
    (step) => progress(gridSteps + step),
  );
  const { parameters } = refined;
  const pi = new Float64Array(C);
  const pooledOfLabel = Float64Array.from(
    everyFitRow,
    (r) => pooledDistribution(fitEvidence, parameters, r, pi)[fitLabels[r]],
  );
  const noiseRate = bestNoiseRate(pooledOfLabel, C);
  const fit: ChannelFit = {
    a: grid.a,
    b: parameters.b,
    classExponents: parameters.classExponents,
    classBiases: parameters.classBiases,
    gamma: grid.gamma,
    noiseRate,
    logLikelihood: meanLogLikelihood(pooledOfLabel, C, noiseRate),
  };

  const evidence: ChannelEvidence = { logP, logQ: logOf(shares, 0, grid.gamma), labels, C, rows: sample };
  const pooled = new Float64Array(n * C);
  const flipProbability = new Float64Array(n);
  const rate = Math.max(noiseRate, MIN_SCORING_RATE);
  let expectedIssues = 0;
  for (let i = 0; i < n; i++) {
    pooledDistribution(evidence, parameters, i, pi);
    pooled.set(pi, i * C);
    const own = pi[labels[i]];
    const flipped = (rate * (1 - own)) / (C - 1);
    flipProbability[i] = flipped / ((1 - rate) * own + flipped);
    expectedIssues += flipProbability[i];
  }
  return { fit, flipProbability, pooled, expectedIssues };
}

/** The grid stage: one a for every class, b and γ on their grids, ε exact at each point. */
export interface GridFit {
  a: number;
  b: number;
  gamma: number;
  noiseRate: number;
  logLikelihood: number;
}

/**
 * The (a, b, γ) grid point and exact ε of largest mean log-likelihood over
 * `rows`. Exported for its brute-force test.
 */
export async function fitChannelGrid(
  shares: Float64Array,
  labels: Int32Array,
  C: number,
  rows: Int32Array,
  logP: Float64Array | undefined,
  onStep: (step: number) => Promise<void> | void = () => {},
): Promise<GridFit> {
  const aGrid = logP ? PROBABILITY_EXPONENTS : [0];
  const pooledOfLabel = new Float64Array(rows.length);
  let best: GridFit = { a: 0, b: 0, gamma: SHARE_FLOORS[0], noiseRate: 0, logLikelihood: -Infinity };
  let step = 0;
  for (const gamma of SHARE_FLOORS) {
    const logQ = logOf(shares, 0, gamma);
    for (const a of aGrid) {
      for (const b of SHARE_EXPONENTS) {
        for (let r = 0; r < rows.length; r++) {
          pooledOfLabel[r] = pooledRow(logP, logQ, rows[r], C, a, b, labels[rows[r]]);
        }
        const noiseRate = bestNoiseRate(pooledOfLabel, C);
        const logLikelihood = meanLogLikelihood(pooledOfLabel, C, noiseRate);
        if (logLikelihood > best.logLikelihood) best = { a, b, gamma, noiseRate, logLikelihood };
        await onStep(++step);
      }
    }
  }
  return best;
}

function gridSize(logP: Float64Array | undefined): number {
  return SHARE_FLOORS.length * (logP ? PROBABILITY_EXPONENTS.length : 1) * SHARE_EXPONENTS.length;
}

/** π_i(label) with π_i ∝ exp(a log p + b log(q + γ)): the grid's inner loop. */
function pooledRow(
  logP: Float64Array | undefined,
  logQ: Float64Array,
  i: number,
  C: number,
  a: number,
  b: number,
  label: number,
): number {
  // No closures here: this runs n · C times for each of the ~100 grid points.
  let max = -Infinity;
  for (let c = 0; c < C; c++) {
    const value = (logP ? a * logP[i * C + c] : 0) + b * logQ[i * C + c];
    if (value > max) max = value;
  }
  let sum = 0;
  let own = 0;
  for (let c = 0; c < C; c++) {
    const weight = Math.exp((logP ? a * logP[i * C + c] : 0) + b * logQ[i * C + c] - max);
    sum += weight;
    if (c === label) own = weight;
  }
  return own / sum;
}

/**
 * The ε in [0, MAX_NOISE_RATE] that maximises Σ log(π + ε d) with
 * d = (1 − π)/(C − 1) − π. The sum is concave in ε, so its slope
 * Σ d / (π + ε d) falls as ε grows: Newton steps on the slope, kept inside a
 * bracket that bisection shrinks whenever a step would leave it.
 */
function bestNoiseRate(pooledOfLabel: Float64Array, C: number): number {
  const n = pooledOfLabel.length;
  const slopeAndCurvature = (e: number): [number, number] => {
    let slope = 0;
    let curvature = 0;
    for (let r = 0; r < n; r++) {
      const own = pooledOfLabel[r];
      const d = (1 - own) / (C - 1) - own;
      const ratio = d / Math.max(own + e * d, Number.MIN_VALUE);
      slope += ratio;
      curvature -= ratio * ratio;
    }
    return [slope, curvature];
  };
  if (slopeAndCurvature(0)[0] <= 0) return 0;
  if (slopeAndCurvature(MAX_NOISE_RATE)[0] >= 0) return MAX_NOISE_RATE;
  let low = 0;
  let high = MAX_NOISE_RATE;
  let e = 0.1;
  for (let iteration = 0; iteration < 60 && high - low > 1e-12; iteration++) {
    const [slope, curvature] = slopeAndCurvature(e);
    if (slope > 0) low = e;
    else high = e;
    const newton = curvature < 0 ? e - slope / curvature : NaN;
    const next = newton > low && newton < high ? newton : (low + high) / 2;
    if (Math.abs(next - e) < 1e-12) return next;
    e = next;
  }
  return e;
}

function meanLogLikelihood(pooledOfLabel: Float64Array, C: number, e: number): number {
  let total = 0;
  for (let r = 0; r < pooledOfLabel.length; r++) {
    const own = pooledOfLabel[r];
    total += Math.log((1 - e) * own + (e * (1 - own)) / (C - 1));
  }
  return total / pooledOfLabel.length;
}

function logOf(values: ArrayLike<number>, floor: number, offset: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let t = 0; t < values.length; t++) out[t] = Math.log(Math.max(values[t], floor) + offset);
  return out;
}

function checkChannelInput(
  shares: Float64Array,
  labels: Int32Array,
  C: number,
  probabilities?: ArrayLike<number>,
): void {
  if (!Number.isInteger(C) || C < 1)
    throw new InputError('numClasses', `must be a whole number ≥ 1, got ${C}`);
  if (shares.length !== labels.length * C)
    throw new RangeError(`shares hold ${shares.length} values, expected ${labels.length} × ${C}`);
  if (probabilities && probabilities.length !== labels.length * C)
    throw new RangeError(
      `probabilities hold ${probabilities.length} values, expected ${labels.length} × ${C}`,
    );
  for (let i = 0; i < labels.length; i++) {
    if (!(labels[i] >= 0 && labels[i] < C))
      throw new InputError('labels', `sample ${i} has class ${labels[i]}, outside 0..${C - 1}`);
  }
}
