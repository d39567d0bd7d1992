import { createCheckpoint } from '../cooperative';
import type { CsrGraph } from '../csr';
import { degrees } from '../csr';
import { InputError } from '../errors';
import type { ComputeOptions } from '../types';

export interface SpreadingOptions extends ComputeOptions {
  /** How far labels travel: 0 keeps them on the labelled nodes, → 1 spreads them over the whole component. Default 0.95. */
  alpha?: number;
  /**
   * Give every class the same total seed mass (Y_ic = 1 / m_c for the m_c
   * labelled nodes of class c) instead of 1 per labelled node. Default true:
   * without it, a class with more labels floods its neighbours' classes
   * (measured in docs/results.md).
   */
  balanceClasses?: boolean;
  /** Stop when the residual of every class column is this small relative to its right-hand side. Default 1e-9. */
  tolerance?: number;
  maxIterations?: number;
}

/** The result of label spreading on n nodes and C classes; matrices are row-major n × C. */
export interface Spreading {
  n: number;
  numClasses: number;
  /** F = (1 − α)(I − αS)⁻¹ Y, the fixed point of Zhou et al.'s iteration. */
  scores: Float64Array;
  /** Rows of F scaled to sum to 1; uniform where no label reaches the node. */
  probabilities: Float64Array;
  /** Arg-max class of each row of F (ties → smaller class); −1 where no label reaches the node. */
  predicted: Int32Array;
  /** The predicted class's probability; 0 where no label reaches the node. */
  confidence: Float64Array;
  /** Conjugate-gradient iterations the slowest class column needed. */
  iterations: number;
}

/**
 * Label spreading (Zhou, Bousquet, Lal, Weston, Schölkopf, NIPS 2004, "Learning
 * with local and global consistency"): with S = D^-1/2 W D^-1/2 and Y the
 * one-hot seed matrix of the labelled nodes, F = (1 − α)(I − αS)⁻¹ Y, the limit
 * of F ← αSF + (1 − α)Y. The labelled nodes keep a soft hold on their label
 * (unlike Zhu's harmonic clamping), so a mislabeled seed can be outvoted.
 *
 * I − αS is symmetric positive definite for 0 ≤ α < 1 (S's eigenvalues lie in
 * [−1, 1]), so each class column is solved by conjugate gradients, which needs
 * far fewer sweeps over the edges than the fixed-point iteration (~√κ instead of
 * ~κ with κ = (1 + α)/(1 − α)). A node without edges keeps (1 − α)Y.
 *
 * `labels[i]` is the class of node i in 0..numClasses−1, or −1 when unlabelled.
 */
export async function spreadLabels(
  graph: CsrGraph,
  labels: Int32Array,
  numClasses: number,
  options: SpreadingOptions = {},
): Promise<Spreading> {
  const { n } = graph;
  const alpha = options.alpha ?? 0.95;
  const tolerance = options.tolerance ?? 1e-9;
  const maxIterations = options.maxIterations ?? 10_000;
  checkSpreadingInput(graph, labels, numClasses, alpha);

  const seeds = seedMatrix(labels, numClasses, options.balanceClasses ?? true);
  const C = numClasses;
  // Right-hand side b = (1 − α) Y; solve (I − αS) F = b column by column, all columns in one sweep.
  const b = new Float64Array(n * C);
  for (let t = 0; t < b.length; t++) b[t] = (1 - alpha) * seeds[t];
  const invSqrtDegree = inverseSqrtDegrees(graph);
  const applyOperator = (x: Float64Array, out: Float64Array) => {
    // out = (I − αS) x
    const { indptr, indices, weights } = graph;
    for (let i = 0; i < n; i++) {
      const row = i * C;
      for (let c = 0; c < C; c++) out[row + c] = 0;
      for (let e = indptr[i]; e < indptr[i + 1]; e++) {
        const j = indices[e];
        const w = weights[e] * invSqrtDegree[j];
        for (let c = 0; c < C; c++) out[row + c] += w * x[j * C + c];
      }
      const scale = alpha * invSqrtDegree[i];
      for (let c = 0; c < C; c++) out[row + c] = x[row + c] - scale * out[row + c];
    }
  };

  const checkpoint = createCheckpoint(options);
  const F = new Float64Array(b); // start from b: exact when α = 0
  const r = new Float64Array(n * C);
  const p = new Float64Array(n * C);
  const q = new Float64Array(n * C);
  applyOperator(F, q);
  for (let t = 0; t < r.length; t++) r[t] = b[t] - q[t];
  p.set(r);
  const rr = columnDots(r, r, n, C);
  const bNorm = columnDots(b, b, n, C).map(Math.sqrt);
  const done = (c: number) => Math.sqrt(rr[c]) <= tolerance * Math.max(bNorm[c], Number.MIN_VALUE);
  let iterations = 0;
  while (iterations < maxIterations && !Array.from(rr.keys()).every(done)) {
    applyOperator(p, q);
    const pq = columnDots(p, q, n, C);
    const step = new Float64Array(C);
    for (let c = 0; c < C; c++) step[c] = done(c) || pq[c] <= 0 ? 0 : rr[c] / pq[c];
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < C; c++) {
        const t = i * C + c;
        F[t] += step[c] * p[t];
        r[t] -= step[c] * q[t];
      }
    }
    const rrNext = columnDots(r, r, n, C);
    for (let c = 0; c < C; c++) {
      const beta = rr[c] > 0 ? rrNext[c] / rr[c] : 0;
      for (let i = 0; i < n; i++) p[i * C + c] = r[i * C + c] + beta * p[i * C + c];
    }
    rr.set(rrNext);
    iterations++;
    await checkpoint();
  }
  return summarise(F, n, C, iterations);
}

/** Y: one row per node, 1 (or 1 / m_c when balanced) in the labelled node's class column. */
function seedMatrix(labels: Int32Array, C: number, balance: boolean): Float64Array {
  const counts = new Float64Array(C);
  for (const label of labels) if (label >= 0) counts[label]++;
  const Y = new Float64Array(labels.length * C);
  labels.forEach((label, i) => {
    if (label >= 0) Y[i * C + label] = balance ? 1 / counts[label] : 1;
  });
  return Y;
}

function inverseSqrtDegrees(graph: CsrGraph): Float64Array {
  const d = degrees(graph);
  return d.map((value) => (value > 0 ? 1 / Math.sqrt(value) : 0));
}

function columnDots(a: Float64Array, b: Float64Array, n: number, C: number): Float64Array {
  const out = new Float64Array(C);
  for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) out[c] += a[i * C + c] * b[i * C + c];
  return out;
}

/**
 * Scores below this share of a row's largest |F| are rounding residue of the
 * solver: a node no label reaches has exact zeros, but CG leaves ~1e-17 there.
 */
const REACH_FLOOR = 1e-12;

function summarise(F: Float64Array, n: number, C: number, iterations: number): Spreading {
  let largest = 0;
  for (const value of F) largest = Math.max(largest, Math.abs(value));
  const floor = REACH_FLOOR * largest;
  const probabilities = new Float64Array(n * C);
  const predicted = new Int32Array(n).fill(-1);
  const confidence = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    let best = -1;
    for (let c = 0; c < C; c++) {
      const value = F[i * C + c] > floor ? F[i * C + c] : 0;
      sum += value;
      if (value > 0 && (best < 0 || value > F[i * C + best])) best = c;
    }
    for (let c = 0; c < C; c++) {
      const value = F[i * C + c] > floor ? F[i * C + c] : 0;
      probabilities[i * C + c] = sum > 0 ? value / sum : 1 / C;
    }
    predicted[i] = best;
    confidence[i] = best >= 0 ? probabilities[i * C + best] : 0;
  }
  return { n, numClasses: C, scores: F, probabilities, predicted, confidence, iterations };
}

function checkSpreadingInput(graph: CsrGraph, labels: Int32Array, numClasses: number, alpha: number): void {
  if (labels.length !== graph.n) {
    throw new RangeError(`labels hold ${labels.length} values but the graph has ${graph.n} nodes`);
  }
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new InputError('numClasses', `must be a whole number ≥ 1, got ${numClasses}`);
  }
  if (!(alpha >= 0 && alpha < 1)) throw new InputError('alpha', `must be in [0, 1), got ${alpha}`);
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] >= numClasses) {
      throw new InputError(
        'labels',
        `sample ${i} has class ${labels[i]}, but there are only ${numClasses} classes`,
      );
    }
  }
}

/** Shannon entropy (nats) of each row of an n × C probability matrix. */
export function rowEntropy(probabilities: Float64Array, n: number, C: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let h = 0;
    for (let c = 0; c < C; c++) {
      const p = probabilities[i * C + c];
      if (p > 0) h -= p * Math.log(p);
    }
    out[i] = h;
  }
  return out;
}
