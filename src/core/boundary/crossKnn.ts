import { createCheckpoint } from '../cooperative';
import { InputError } from '../errors';
import type { ComputeOptions, DenseMatrix, KnnResult } from '../types';

export interface CrossKnnOptions extends ComputeOptions {
  /**
   * For each query, one point index it must not be matched with (−1: none):
   * the query's own row when the queries are points of the same set
   * (leave-one-out). Duplicates of it at other indices still count.
   */
  exclude?: Int32Array;
}

/**
 * The k nearest `points` of every row of `queries` (two different sets):
 * n = queries.rows, rows of `indices` index into `points`, nearest first.
 * A native backend (onnxruntime) implements the same signature and is tested
 * against the reference `exactCrossKnn`.
 */
export type CrossKnnSearch = (
  queries: DenseMatrix,
  points: DenseMatrix,
  k: number,
  options?: CrossKnnOptions,
) => Promise<KnnResult>;

/**
 * Brute-force reference: every distance Σ (q − p)² summed in float64, order by
 * distance then point index (so duplicates are listed in index order),
 * Euclidean distances √d². Progress counts query rows.
 */
export const exactCrossKnn: CrossKnnSearch = async (queries, points, k, options) => {
  checkCrossKnnInput(queries, points, k, options?.exclude);
  const { rows: n, dim } = queries;
  const m = points.rows;
  const q = queries.data;
  const p = points.data;
  const exclude = options?.exclude;
  const checkpoint = createCheckpoint(options);
  const bestD2 = new Float64Array(k);
  const bestIdx = new Int32Array(k);
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  for (let i = 0; i < n; i++) {
    bestD2.fill(Infinity);
    bestIdx.fill(0x7fffffff);
    const skip = exclude ? exclude[i] : -1;
    for (let j = 0; j < m; j++) {
      if (j === skip) continue;
      let d2 = 0;
      for (let c = 0; c < dim; c++) {
        const diff = q[i * dim + c] - p[j * dim + c];
        d2 += diff * diff;
      }
      insertSorted(bestD2, bestIdx, d2, j);
    }
    for (let s = 0; s < k; s++) {
      indices[i * k + s] = bestIdx[s];
      distances[i * k + s] = Math.sqrt(bestD2[s]);
    }
    if (i % 64 === 63 || i === n - 1) {
      options?.onProgress?.(i + 1, n);
      await checkpoint();
    }
  }
  return { n, k, indices, distances };
};

/** Inserts (d2, j) into the sorted list if it beats the worst entry (by distance, then index). */
function insertSorted(bestD2: Float64Array, bestIdx: Int32Array, d2: number, j: number): void {
  const last = bestD2.length - 1;
  if (d2 > bestD2[last] || (d2 === bestD2[last] && j > bestIdx[last])) return;
  let s = last;
  while (s > 0 && (d2 < bestD2[s - 1] || (d2 === bestD2[s - 1] && j < bestIdx[s - 1]))) {
    bestD2[s] = bestD2[s - 1];
    bestIdx[s] = bestIdx[s - 1];
    s--;
  }
  bestD2[s] = d2;
  bestIdx[s] = j;
}

/** The checks every cross-kNN backend makes first: a usable k, matching widths, finite values. */
export function checkCrossKnnInput(
  queries: DenseMatrix,
  points: DenseMatrix,
  k: number,
  exclude?: Int32Array,
): void {
  if (!Number.isInteger(k) || k < 1) throw new InputError('k', `must be a whole number ≥ 1, got ${k}`);
  const available = points.rows - (exclude ? 1 : 0);
  if (k > available) {
    throw new InputError(
      'k',
      `must be at most the number of reference samples to search (${available}), got ${k}`,
    );
  }
  if (queries.dim !== points.dim) {
    throw new InputError(
      'points',
      `queries have ${queries.dim} values per row but the points have ${points.dim}`,
    );
  }
  if (exclude && exclude.length !== queries.rows) {
    throw new RangeError(`exclude holds ${exclude.length} entries for ${queries.rows} queries`);
  }
  for (const [name, matrix] of [
    ['queries', queries],
    ['points', points],
  ] as const) {
    if (matrix.data.length !== matrix.rows * matrix.dim) {
      throw new RangeError(
        `${name} hold ${matrix.data.length} values, expected ${matrix.rows}×${matrix.dim}`,
      );
    }
    for (let t = 0; t < matrix.data.length; t++) {
      if (!Number.isFinite(matrix.data[t])) {
        throw new InputError(
          name,
          `row ${Math.floor(t / matrix.dim)} has a non-finite value (${matrix.data[t]})`,
        );
      }
    }
  }
}
