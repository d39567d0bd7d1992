import { InputError } from './errors';
import type { KnnResult } from './types';

/**
 * An undirected weighted graph in compressed sparse row form. Row i's
 * neighbours are `indices[indptr[i] .. indptr[i + 1])`, sorted ascending, with
 * the matching edge weights in `weights`. Symmetric (w_ij = w_ji), no self loops.
 */
export interface CsrGraph {
  n: number;
  /** `n + 1` row offsets into `indices` and `weights`. */
  indptr: Int32Array;
  indices: Int32Array;
  weights: Float32Array;
}

export interface GraphOptions {
  /** `binary` (default): every edge weighs 1. `gaussian`: w_ij = exp(−d_ij² / σ²). */
  weighting?: 'binary' | 'gaussian';
  /** Gaussian bandwidth; default = the mean kNN distance over all n·k entries. */
  sigma?: number;
}

/**
 * The kNN graph symmetrized by union: i–j is an edge when j ∈ kNN(i) or
 * i ∈ kNN(j). Self matches (a backend may return i as its own neighbour when
 * points are duplicated) are dropped. When an edge is found from both ends
 * with slightly different distances (a float32 backend), the smaller one is
 * kept on both rows so that the weights stay exactly symmetric.
 *
 * With σ = 0 (every kNN distance is zero) the Gaussian weights are all 1: the
 * limit of exp(−0/σ²) as σ → 0.
 */
export function graphFromKnn(knn: KnnResult, options: GraphOptions = {}): CsrGraph {
  const { n, k } = knn;
  if (knn.indices.length !== n * k || knn.distances.length !== n * k) {
    throw new RangeError(`kNN result arrays hold ${knn.indices.length} entries, expected n·k = ${n * k}`);
  }
  const weighting = options.weighting ?? 'binary';
  if (options.sigma !== undefined && !(options.sigma > 0 && Number.isFinite(options.sigma))) {
    throw new InputError('sigma', `must be a positive number, got ${options.sigma}`);
  }

  // Directed entries i→j and j→i for every kNN pair, bucketed by row (counting sort).
  const count = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < k; s++) {
      const j = knn.indices[i * k + s];
      if (j < 0 || j >= n)
        throw new RangeError(`kNN result: row ${i} has neighbour index ${j} outside 0..${n - 1}`);
      if (j === i) continue;
      count[i + 1]++;
      count[j + 1]++;
    }
  }
  for (let i = 0; i < n; i++) count[i + 1] += count[i];
  const rowStart = count;
  const fill = rowStart.slice(0, n);
  const cols = new Int32Array(rowStart[n]);
  // float32, as the kNN result holds them: the smaller of two is kept as is, so nothing is lost.
  const dists = new Float32Array(rowStart[n]);
  for (let i = 0; i < n; i++) {
    for (let s = 0; s < k; s++) {
      const j = knn.indices[i * k + s];
      if (j === i) continue;
      const d = knn.distances[i * k + s];
      cols[fill[i]] = j;
      dists[fill[i]++] = d;
      cols[fill[j]] = i;
      dists[fill[j]++] = d;
    }
  }

  // Sort each row by column by transposing: walking rows in order and dropping
  // each entry (r, c) into row c's bucket as (c, r) leaves every bucket sorted
  // by r. The entries are symmetric (each pair was put on both rows, with its
  // distance), so the transpose holds the same rows, now sorted; no comparator
  // sort per row (which cost 0.4 s at 60,000 × 20).
  const sortedCols = new Int32Array(cols.length);
  const sortedDists = new Float32Array(cols.length);
  fill.set(rowStart.subarray(0, n));
  for (let r = 0; r < n; r++) {
    for (let e = rowStart[r]; e < rowStart[r + 1]; e++) {
      const at = fill[cols[e]]++;
      sortedCols[at] = r;
      sortedDists[at] = dists[e];
    }
  }

  // Merge duplicates (an edge found from both ends), keeping the smaller distance.
  const indptr = new Int32Array(n + 1);
  const outCols = cols; // reused: the unsorted entries are not read again
  const outDists = dists;
  let nnz = 0;
  for (let i = 0; i < n; i++) {
    for (let e = rowStart[i]; e < rowStart[i + 1]; e++) {
      if (nnz > indptr[i] && outCols[nnz - 1] === sortedCols[e]) {
        if (sortedDists[e] < outDists[nnz - 1]) outDists[nnz - 1] = sortedDists[e];
      } else {
        outCols[nnz] = sortedCols[e];
        outDists[nnz++] = sortedDists[e];
      }
    }
    indptr[i + 1] = nnz;
  }

  const weights = new Float32Array(nnz);
  if (weighting === 'gaussian') {
    const sigma = options.sigma ?? meanOf(knn.distances);
    const inverseSigma2 = sigma > 0 ? 1 / (sigma * sigma) : 0;
    for (let e = 0; e < nnz; e++) weights[e] = Math.exp(-outDists[e] * outDists[e] * inverseSigma2);
  } else {
    weights.fill(1);
  }
  return { n, indptr, indices: outCols.slice(0, nnz), weights };
}

/** Weighted degree d_i = Σ_j w_ij of every node. */
export function degrees(graph: CsrGraph): Float64Array {
  const { n, indptr, weights } = graph;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let e = indptr[i]; e < indptr[i + 1]; e++) sum += weights[e];
    d[i] = sum;
  }
  return d;
}

function meanOf(values: Float32Array): number {
  let sum = 0;
  for (let t = 0; t < values.length; t++) sum += values[t];
  return values.length > 0 ? sum / values.length : 0;
}
