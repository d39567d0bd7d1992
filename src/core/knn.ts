import { createCheckpoint } from './cooperative';
import { InputError } from './errors';
import type { ComputeOptions, DenseMatrix, KnnResult, KnnSearch } from './types';

/** Rows per tile: a 64 × dim float32 tile of each side stays in cache for dim up to a few hundred. */
const TILE = 64;

/**
 * Exact brute-force kNN, the pure-TypeScript reference every faster backend is
 * tested against.
 *
 * Squared distances come from ‖x‖² + ‖y‖² − 2 x·y with every sum in float64
 * (JavaScript numbers), over square tiles of rows; only tiles on or above the
 * diagonal are computed and each pair updates both rows' lists, since the
 * distance is symmetric. Float64 accumulation keeps the cancellation error of
 * that formula far below float32 resolution, and because each pair is computed
 * once, d(i, j) and d(j, i) are bitwise equal.
 *
 * Order is total and deterministic: by distance, then by neighbour index, so
 * duplicate points are listed in index order. The point itself is excluded
 * (a duplicate of it is not). Distances are Euclidean: √max(d², 0).
 *
 * Progress is reported in row equivalents (total = rows), proportional to the
 * pairs computed so far.
 */
export const exactKnn: KnnSearch = async (
  points: DenseMatrix,
  k: number,
  options?: ComputeOptions,
): Promise<KnnResult> => {
  checkKnnInput(points, k);
  const { rows: n, dim, data } = points;

  const checkpoint = createCheckpoint(options);
  const squaredNorms = rowSquaredNorms(points);
  // Per-row sorted candidate lists, worst last; filled with sentinels that lose every comparison.
  const bestD2 = new Float64Array(n * k).fill(Infinity);
  const bestIdx = new Int32Array(n * k).fill(0x7fffffff);

  const record = (i: number, j: number, d2: number) => {
    offer(bestD2, bestIdx, i * k, k, d2, j);
    offer(bestD2, bestIdx, j * k, k, d2, i);
  };

  const tiles = Math.ceil(n / TILE);
  const totalTilePairs = (tiles * (tiles + 1)) / 2;
  let tilePairsDone = 0;
  let reported = 0;
  const progressStep = Math.max(1, Math.floor(n / 200));
  for (let ti = 0; ti < tiles; ti++) {
    const iStart = ti * TILE;
    const iEnd = Math.min(n, iStart + TILE);
    for (let tj = ti; tj < tiles; tj++) {
      const jStart = tj * TILE;
      const jEnd = Math.min(n, jStart + TILE);
      for (let i = iStart; i < iEnd; i++) {
        const iOffset = i * dim;
        const iNorm = squaredNorms[i];
        let j = tj === ti ? i + 1 : jStart;
        // Four candidates at a time share each load of row i (about twice as fast in V8).
        // Every dot is still summed in column order, like the norms, so a duplicate
        // of row i lands at exactly 0.
        for (; j + 3 < jEnd; j += 4) {
          const j0 = j * dim;
          const j1 = j0 + dim;
          const j2 = j1 + dim;
          const j3 = j2 + dim;
          let dot0 = 0;
          let dot1 = 0;
          let dot2 = 0;
          let dot3 = 0;
          for (let c = 0; c < dim; c++) {
            const x = data[iOffset + c];
            dot0 += x * data[j0 + c];
            dot1 += x * data[j1 + c];
            dot2 += x * data[j2 + c];
            dot3 += x * data[j3 + c];
          }
          record(i, j, iNorm + squaredNorms[j] - 2 * dot0);
          record(i, j + 1, iNorm + squaredNorms[j + 1] - 2 * dot1);
          record(i, j + 2, iNorm + squaredNorms[j + 2] - 2 * dot2);
          record(i, j + 3, iNorm + squaredNorms[j + 3] - 2 * dot3);
        }
        for (; j < jEnd; j++) {
          const jOffset = j * dim;
          let dot = 0;
          for (let c = 0; c < dim; c++) dot += data[iOffset + c] * data[jOffset + c];
          record(i, j, iNorm + squaredNorms[j] - 2 * dot);
        }
      }
      tilePairsDone++;
      // A tile pair is ~64·64·dim multiply-adds: a fine enough grain for cancellation.
      await checkpoint();
      const done = Math.round((n * tilePairsDone) / totalTilePairs);
      if (done - reported >= progressStep || tilePairsDone === totalTilePairs) {
        options?.onProgress?.(done, n);
        reported = done;
      }
    }
  }

  const distances = new Float32Array(n * k);
  for (let t = 0; t < n * k; t++) distances[t] = Math.sqrt(Math.max(bestD2[t], 0));
  return { n, k, indices: bestIdx, distances };
};

/**
 * Inserts candidate `j` at squared distance `d2` into the sorted list
 * `[base, base + k)` if it beats the current worst (by distance, then index).
 */
export function offer(
  bestD2: Float64Array,
  bestIdx: Int32Array,
  base: number,
  k: number,
  d2: number,
  j: number,
): void {
  const last = base + k - 1;
  if (d2 > bestD2[last] || (d2 === bestD2[last] && j > bestIdx[last])) return;
  let p = last;
  while (p > base && (d2 < bestD2[p - 1] || (d2 === bestD2[p - 1] && j < bestIdx[p - 1]))) {
    bestD2[p] = bestD2[p - 1];
    bestIdx[p] = bestIdx[p - 1];
    p--;
  }
  bestD2[p] = d2;
  bestIdx[p] = j;
}

function rowSquaredNorms({ rows, dim, data }: DenseMatrix): Float64Array {
  const norms = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let c = i * dim; c < (i + 1) * dim; c++) sum += data[c] * data[c];
    norms[i] = sum;
  }
  return norms;
}

function firstNonFinite(data: Float32Array): number {
  for (let t = 0; t < data.length; t++) if (!Number.isFinite(data[t])) return t;
  return -1;
}

/**
 * The checks every kNN backend makes before searching: a usable k, a matrix
 * whose size matches its data, and finite values (NaN would silently break the
 * ordering). Throws InputError naming the problem.
 */
export function checkKnnInput(points: DenseMatrix, k: number): void {
  const { rows: n, dim, data } = points;
  if (!Number.isInteger(k) || k < 1) throw new InputError('k', `must be a whole number ≥ 1, got ${k}`);
  if (k >= n) {
    throw new InputError('k', `must be smaller than the number of samples (${n}), got ${k}`);
  }
  if (data.length !== n * dim)
    throw new RangeError(`matrix data holds ${data.length} values, expected ${n}×${dim}`);
  const firstBad = firstNonFinite(data);
  if (firstBad >= 0) {
    throw new InputError(
      'points',
      `row ${Math.floor(firstBad / dim)} has a non-finite value (${data[firstBad]}); kNN needs finite numbers`,
    );
  }
}

/**
 * Recall@k of an approximate neighbour list against the exact one: the share
 * of the exact k neighbours of the given rows that the approximate result also
 * lists. `exact` holds one row of k per entry of `rows` (in that order);
 * `approximate` holds all n rows.
 */
export function neighbourRecall(approximate: KnnResult, exact: KnnResult, rows: ArrayLike<number>): number {
  const { k } = approximate;
  if (exact.k !== k || exact.n !== rows.length)
    throw new RangeError(`exact neighbours are ${exact.n}×${exact.k}, expected ${rows.length}×${k}`);
  if (rows.length === 0) return 1;
  let hits = 0;
  for (let q = 0; q < rows.length; q++) {
    const found = new Set(approximate.indices.subarray(rows[q] * k, (rows[q] + 1) * k));
    for (let j = 0; j < k; j++) if (found.has(exact.indices[q * k + j])) hits++;
  }
  return hits / (rows.length * k);
}
