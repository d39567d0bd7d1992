import { createCheckpoint } from '../cooperative';
import { InputError } from '../errors';
import { exactKnn } from '../knn';
import type { ComputeOptions, DenseMatrix, KnnSearch } from '../types';
import { exactCrossKnn, type CrossKnnSearch } from './crossKnn';

/**
 * The trust score (Jiang, Kim, Guan, Gupta, "To Trust or Not to Trust a
 * Classifier", NeurIPS 2018) on a labelled reference set:
 *
 * 1. α-high-density set of each class c: r_k(x) = the smallest radius whose
 *    ball around x holds k points of c, x itself included (so the (k−1)-th
 *    neighbour's distance); the fraction α of c's points with the largest
 *    radius is dropped (threshold: the (1 − α) percentile, linearly
 *    interpolated as numpy's default).
 * 2. trust(x) = d(x, Ĥ_other) / d(x, Ĥ_predicted): the distance to the
 *    nearest kept point of any other class over the distance to the nearest
 *    kept point of the predicted class, with 1e-12 added to the denominator
 *    as in the authors' code (a point on top of a reference point of its
 *    predicted class gets a huge trust; on top of two reference points with
 *    different labels, trust 0).
 *
 * The scan's score is 1 / (1 + trust) ∈ (0, 1], a decreasing function of the
 * trust (same ranking), finite for every input: 1 = no trust at all.
 */
export interface TrustScoreOptions extends ComputeOptions {
  /** Share of each class's points dropped as low-density; default 0.05. */
  alpha?: number;
  /** Points per density ball (the paper's k); default 10. */
  k?: number;
  /** Self kNN within a class (density radii); default the core reference. */
  knn?: KnnSearch;
  /** Queries against one class's kept points; default the core reference. */
  crossKnn?: CrossKnnSearch;
  /** Reference row each query must not be matched with (−1: none): leave-one-out on the reference itself. */
  exclude?: Int32Array;
  /** A kept-point mask from `densityFilter`, when the caller already has one (filtering is per reference, not per query set). */
  kept?: Uint8Array;
}

export interface TrustScoreResult {
  trust: Float64Array;
  /** 1 / (1 + trust): higher = more suspect. */
  score: Float64Array;
  /** Which reference points survived the density filter. */
  kept: Uint8Array;
  /** Classes with no (kept) reference point: a prediction of one gets trust 0. */
  missingClasses: number[];
}

export const DEFAULT_TRUST_ALPHA = 0.05;
export const DEFAULT_TRUST_K = 10;
/** The authors' code adds this to the distance to the predicted class. */
const MIN_DIST = 1e-12;

export async function trustScores(
  queries: DenseMatrix,
  predicted: Int32Array,
  reference: DenseMatrix,
  labels: Int32Array,
  numClasses: number,
  options: TrustScoreOptions = {},
): Promise<TrustScoreResult> {
  checkReference(reference, labels, numClasses);
  if (predicted.length !== queries.rows) {
    throw new RangeError(`${predicted.length} predictions for ${queries.rows} queries`);
  }
  const kept = options.kept ?? (await densityFilter(reference, labels, numClasses, options));
  const crossKnn = options.crossKnn ?? exactCrossKnn;
  const n = queries.rows;
  const nearest = new Float64Array(n * numClasses).fill(Infinity);
  const missingClasses: number[] = [];
  const members = classMembers(labels, numClasses, kept);
  for (let c = 0; c < numClasses; c++) {
    const rows = members[c];
    if (rows.length === 0) {
      missingClasses.push(c);
      continue;
    }
    // With an excluded row, the nearest other point is the first or the second match.
    const wanted = options.exclude ? Math.min(2, rows.length) : 1;
    const found = await crossKnn(queries, subsetRows(reference, rows), wanted, {
      signal: options.signal,
      onProgress: (done, total) => options.onProgress?.(c * total + done, numClasses * total),
    });
    for (let i = 0; i < n; i++) {
      for (let s = 0; s < wanted; s++) {
        if (options.exclude && rows[found.indices[i * wanted + s]] === options.exclude[i]) continue;
        nearest[i * numClasses + c] = found.distances[i * wanted + s];
        break;
      }
    }
  }
  const trust = new Float64Array(n);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const own = predicted[i];
    let other = Infinity;
    for (let c = 0; c < numClasses; c++) if (c !== own) other = Math.min(other, nearest[i * numClasses + c]);
    const toPredicted = nearest[i * numClasses + own];
    // No kept point of the predicted class: nothing vouches for it (trust 0).
    trust[i] = Number.isFinite(toPredicted) ? other / (toPredicted + MIN_DIST) : 0;
    score[i] = 1 / (1 + trust[i]);
  }
  return { trust, score, kept, missingClasses };
}

/**
 * Step 1: the α-high-density subset of each class (1 = kept). A class with
 * fewer than k points, or α = 0, keeps every point.
 */
export async function densityFilter(
  reference: DenseMatrix,
  labels: Int32Array,
  numClasses: number,
  options: Pick<TrustScoreOptions, 'alpha' | 'k' | 'knn' | 'signal' | 'onProgress'> = {},
): Promise<Uint8Array> {
  checkReference(reference, labels, numClasses);
  const alpha = options.alpha ?? DEFAULT_TRUST_ALPHA;
  const k = options.k ?? DEFAULT_TRUST_K;
  if (!(alpha >= 0 && alpha < 1)) throw new InputError('alpha', `must lie in [0, 1), got ${alpha}`);
  if (!Number.isInteger(k) || k < 2)
    throw new InputError('k', `the density ball must hold at least 2 points, got ${k}`);
  const knn = options.knn ?? exactKnn;
  const checkpoint = createCheckpoint(options);
  const kept = new Uint8Array(labels.length).fill(1);
  if (alpha === 0) return kept;
  const members = classMembers(labels, numClasses);
  for (let c = 0; c < numClasses; c++) {
    const rows = members[c];
    if (rows.length < k) continue;
    // The ball of k points holds x and its k − 1 nearest others.
    const neighbours = k - 1;
    const found = await knn(subsetRows(reference, rows), neighbours, { signal: options.signal });
    const radii = new Float64Array(rows.length);
    for (let r = 0; r < rows.length; r++) radii[r] = found.distances[r * neighbours + neighbours - 1];
    const threshold = percentile(radii, (1 - alpha) * 100);
    for (let r = 0; r < rows.length; r++) if (radii[r] > threshold) kept[rows[r]] = 0;
    options.onProgress?.(c + 1, numClasses);
    await checkpoint();
  }
  return kept;
}

/** numpy's default (linear) percentile: position (n − 1)·q/100 between the sorted values. */
export function percentile(values: Float64Array, q: number): number {
  const sorted = Float64Array.from(values).sort();
  const position = ((sorted.length - 1) * q) / 100;
  const low = Math.floor(position);
  const high = Math.min(low + 1, sorted.length - 1);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

/** Row indices of each class (only kept rows when a mask is given). */
function classMembers(labels: Int32Array, numClasses: number, kept?: Uint8Array): Int32Array[] {
  const lists: number[][] = Array.from({ length: numClasses }, () => []);
  for (let r = 0; r < labels.length; r++) if (!kept || kept[r]) lists[labels[r]].push(r);
  return lists.map((list) => Int32Array.from(list));
}

export function subsetRows(matrix: DenseMatrix, rows: Int32Array): DenseMatrix {
  const { dim, data } = matrix;
  const out = new Float32Array(rows.length * dim);
  for (let r = 0; r < rows.length; r++) out.set(data.subarray(rows[r] * dim, (rows[r] + 1) * dim), r * dim);
  return { rows: rows.length, dim, data: out };
}

function checkReference(reference: DenseMatrix, labels: Int32Array, numClasses: number): void {
  if (labels.length !== reference.rows) {
    throw new RangeError(`${labels.length} labels for ${reference.rows} reference points`);
  }
  const present = new Set<number>();
  for (let r = 0; r < labels.length; r++) {
    if (!(labels[r] >= 0 && labels[r] < numClasses)) {
      throw new RangeError(`reference label ${labels[r]} at row ${r} is not a class in 0..${numClasses - 1}`);
    }
    present.add(labels[r]);
  }
  if (present.size < 2) {
    throw new InputError(
      'reference',
      `holds ${present.size === 0 ? 'no labelled sample' : 'samples of one class only'}; the trust score compares distances to two or more classes`,
    );
  }
}
