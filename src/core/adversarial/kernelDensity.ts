import { createCheckpoint } from '../cooperative';
import type { ComputeOptions, DenseMatrix } from '../types';
import { sampleWithoutReplacement, seededUniform } from '../random';

/** MMD-global's constant term is exact for references up to this size. */
export const EXACT_CONSTANT_ROWS = 4000;

/**
 * Gaussian kernel k(x, y) = exp(−‖x − y‖² / (2σ²)) (sklearn's KernelDensity
 * convention, which Feinman et al. used) and the two density scores built on it.
 */

/**
 * Feinman et al. (2017): the kernel density of x under the clean reference
 * samples of x's predicted class, as a suspicion score −log((1/n_c) Σ_j k(x, r_j))
 * (higher = less dense = more suspect). Computed with log-sum-exp, so distant
 * samples give large finite scores and duplicates (distance 0) are harmless.
 * A predicted class with no reference sample falls back to the whole reference.
 */
export async function classKernelDensity(
  query: DenseMatrix,
  queryClass: ArrayLike<number>,
  reference: DenseMatrix,
  referenceClass: ArrayLike<number>,
  bandwidth: number,
  options: ComputeOptions = {},
): Promise<Float64Array> {
  checkBandwidth(bandwidth);
  const members = new Map<number, number[]>();
  for (let j = 0; j < reference.rows; j++) {
    const code = referenceClass[j];
    if (code < 0) continue;
    if (!members.has(code)) members.set(code, []);
    members.get(code)!.push(j);
  }
  const everyone = Array.from({ length: reference.rows }, (_, j) => j);
  const checkpoint = createCheckpoint(options);
  const out = new Float64Array(query.rows);
  const scale = -1 / (2 * bandwidth * bandwidth);
  for (let i = 0; i < query.rows; i++) {
    if (i % 256 === 0) {
      await checkpoint();
      options.onProgress?.(i, query.rows);
    }
    const rows = members.get(queryClass[i]) ?? everyone;
    out[i] = -logMeanExp(rows.map((j) => scale * squaredDistance(query, i, reference, j)));
  }
  options.onProgress?.(query.rows, query.rows);
  return out;
}

/**
 * MMD-global, the MARGIN paper's second function for adversarial detection,
 * as defined here (after the paper's prototypes function MMD(X̄ᵢ, X̄ᵢ ∪ {xᵢ})
 * with X̄ᵢ the whole clean reference; the exact form in the paper's adversarial
 * experiment was not available to check): how much the clean reference
 * distribution R moves when x joins it, MMD²(R, R ∪ {x}). With n = |R| and
 * mean embeddings, the difference of the two means is (φ(x) − μ_R)/(n + 1), so
 *
 *   MMD²(R, R ∪ {x}) = (k(x,x) − (2/n) Σ_j k(x, r_j) + (1/n²) Σ_{j,l} k(r_j, r_l)) / (n + 1)²
 *
 * — a class-blind density score: the kernel sums against R are all it costs,
 * plus one n² constant.
 */
export async function mmdGlobal(
  query: DenseMatrix,
  reference: DenseMatrix,
  bandwidth: number,
  options: ComputeOptions = {},
): Promise<Float64Array> {
  checkBandwidth(bandwidth);
  const n = reference.rows;
  const scale = -1 / (2 * bandwidth * bandwidth);
  const checkpoint = createCheckpoint(options);
  // The n² term is the same for every x (it shifts, never reorders, the scores): exact up to
  // EXACT_CONSTANT_ROWS reference rows, beyond that the mean kernel over a seeded draw of that many.
  const rows =
    n <= EXACT_CONSTANT_ROWS ? null : sampleWithoutReplacement(n, EXACT_CONSTANT_ROWS, seededUniform(n));
  const m = rows ? rows.length : n;
  const at = (j: number) => (rows ? rows[j] : j);
  let referenceSum = 0;
  for (let j = 0; j < m; j++) {
    if (j % 64 === 0) await checkpoint();
    referenceSum += 1;
    for (let l = j + 1; l < m; l++)
      referenceSum += 2 * Math.exp(scale * squaredDistance(reference, at(j), reference, at(l)));
  }
  const constant = referenceSum / (m * m);
  const out = new Float64Array(query.rows);
  for (let i = 0; i < query.rows; i++) {
    if (i % 256 === 0) {
      await checkpoint();
      options.onProgress?.(i, query.rows);
    }
    let cross = 0;
    for (let j = 0; j < n; j++) cross += Math.exp(scale * squaredDistance(query, i, reference, j));
    out[i] = (1 - (2 * cross) / n + constant) / ((n + 1) * (n + 1));
  }
  options.onProgress?.(query.rows, query.rows);
  return out;
}

/**
 * The median heuristic for σ: the median distance between pairs of reference
 * samples (the first `limit` rows; zero distances of duplicates left out).
 */
export function medianDistance(reference: DenseMatrix, limit = 1000): number {
  const rows = Math.min(reference.rows, limit);
  const distances: number[] = [];
  for (let j = 0; j < rows; j++) {
    for (let l = j + 1; l < rows; l++) {
      const d = Math.sqrt(squaredDistance(reference, j, reference, l));
      if (d > 0) distances.push(d);
    }
  }
  if (distances.length === 0) return 1;
  distances.sort((a, b) => a - b);
  const middle = distances.length >> 1;
  return distances.length % 2 ? distances[middle] : (distances[middle - 1] + distances[middle]) / 2;
}

function logMeanExp(values: number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum / values.length);
}

export function squaredDistance(a: DenseMatrix, i: number, b: DenseMatrix, j: number): number {
  const dim = a.dim;
  const ao = i * dim;
  const bo = j * dim;
  let sum = 0;
  for (let d = 0; d < dim; d++) {
    const diff = a.data[ao + d] - b.data[bo + d];
    sum += diff * diff;
  }
  return sum;
}

function checkBandwidth(bandwidth: number): void {
  if (!(bandwidth > 0) || !Number.isFinite(bandwidth))
    throw new RangeError(`kernel bandwidth must be a positive number, got ${bandwidth}`);
}

/** Factors of the median distance that `selectBandwidth` tries. */
export const BANDWIDTH_FACTORS = [1 / 64, 1 / 32, 1 / 16, 1 / 8, 1 / 4, 1 / 2, 1, 2];

/**
 * σ for the class-conditional KDE by leave-one-out likelihood on the clean
 * reference alone (Feinman et al. tuned σ per dataset by cross-validation; no
 * attack is needed for this): each candidate σ is scored by the mean over
 * samples of log((1/(m−1)) Σ_{j≠i, same class} N(r_i; r_j, σ²I)), on up to
 * `perClass` samples of each class, and the best is kept.
 */
export function selectBandwidth(
  reference: DenseMatrix,
  classes: ArrayLike<number>,
  candidates: number[],
  perClass = 200,
): number {
  const byClass = new Map<number, number[]>();
  for (let j = 0; j < reference.rows; j++) {
    const code = classes[j];
    if (code < 0) continue;
    const members = byClass.get(code) ?? [];
    if (members.length < perClass) members.push(j);
    byClass.set(code, members);
  }
  const groups = [...byClass.values()].filter((members) => members.length >= 2);
  if (groups.length === 0 || candidates.length === 0) return candidates[0] ?? 1;
  // Squared distances once; each candidate only rescales them.
  const pairs = groups.map((members) =>
    members.map((i) =>
      members.filter((j) => j !== i).map((j) => squaredDistance(reference, i, reference, j)),
    ),
  );
  const dim = reference.dim;
  let best = candidates[0];
  let bestLikelihood = -Infinity;
  for (const sigma of candidates) {
    checkBandwidth(sigma);
    const scale = -1 / (2 * sigma * sigma);
    const normaliser = -(dim / 2) * Math.log(2 * Math.PI * sigma * sigma);
    let total = 0;
    let count = 0;
    for (const group of pairs) {
      for (const distances of group) {
        total += logMeanExp(distances.map((d2) => scale * d2)) + normaliser;
        count++;
      }
    }
    const likelihood = total / count;
    if (likelihood > bestLikelihood) {
      bestLikelihood = likelihood;
      best = sigma;
    }
  }
  return best;
}
