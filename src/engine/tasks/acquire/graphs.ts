import { graphFromKnn, type CsrGraph } from '../../../core/csr';
import { ParameterError } from '../../../core/errors';
import type { ComputeOptions, DenseMatrix, KnnResult, KnnSearch } from '../../../core/types';
import { ortKnn } from '../../../model';

/**
 * How far the facility-location coverage looks, as a multiple of k: a labelled
 * sample stands for its 5k nearest neighbours, weighted by similarity. With
 * a budget of a few hundred labels for ten thousand samples each label has to
 * stand for ~50 samples, more than the k = 20 of the spreading graph
 * (docs/results.md compares the reach).
 */
export const COVERAGE_NEIGHBOURS_PER_K = 5;

export interface AcquisitionGraphs {
  /** The kNN graph (k neighbours, union, binary weights) labels spread on. */
  graph: CsrGraph;
  /** The k nearest neighbours of every point (for the density). */
  knn: KnnResult;
  /**
   * Gaussian similarities exp(−d²/σ²) to the wider neighbourhood (5k nearest,
   * union), σ = the mean distance to the k nearest neighbours.
   */
  similarity: CsrGraph;
}

/**
 * One kNN search with the wider neighbourhood; the spreading graph keeps its
 * first k columns. `search` is the scan's (a given graph serves the data's
 * own points, if it lists the 5k neighbours asked for).
 */
export async function acquisitionGraphs(
  points: DenseMatrix,
  k: number,
  options?: ComputeOptions,
  search: KnnSearch = ortKnn,
): Promise<AcquisitionGraphs> {
  const wide = Math.max(Math.min(points.rows - 1, COVERAGE_NEIGHBOURS_PER_K * k), k);
  let wideKnn: KnnResult;
  try {
    wideKnn = await search(points, wide, options);
  } catch (error) {
    throw explainGraphShortfall(error, k, wide);
  }
  return graphsFromKnn(wideKnn, k);
}

/**
 * A given graph with too few neighbours is refused as having "fewer than
 * k = 100" while the user asked for k = 20: say where the 100 comes from.
 */
function explainGraphShortfall(error: unknown, k: number, wide: number): unknown {
  if (!(error instanceof ParameterError) || error.parameter !== 'knnGraph' || wide === k) return error;
  return new ParameterError(
    'knnGraph',
    `${error.problem} (the acquire task asks for ${wide} neighbours of each sample at k = ${k}: ` +
      `its coverage graph reaches ${COVERAGE_NEIGHBOURS_PER_K} × k)`,
  );
}

/** The same graphs from an existing kNN result with at least k columns. */
export function graphsFromKnn(wideKnn: KnnResult, k: number): AcquisitionGraphs {
  const knn = firstNeighbours(wideKnn, k);
  const sigma = mean(knn.distances);
  return {
    graph: graphFromKnn(knn),
    knn,
    // σ = 0 (every point duplicated k times): graphFromKnn then weighs every edge 1.
    similarity: graphFromKnn(wideKnn, { weighting: 'gaussian', ...(sigma > 0 ? { sigma } : {}) }),
  };
}

/** The first k neighbours of every row of a kNN result. */
export function firstNeighbours(knn: KnnResult, k: number): KnnResult {
  if (k > knn.k) throw new RangeError(`asked for ${k} neighbours of a ${knn.k}-NN result`);
  if (k === knn.k) return knn;
  const indices = new Int32Array(knn.n * k);
  const distances = new Float32Array(knn.n * k);
  for (let i = 0; i < knn.n; i++) {
    indices.set(knn.indices.subarray(i * knn.k, i * knn.k + k), i * k);
    distances.set(knn.distances.subarray(i * knn.k, i * knn.k + k), i * k);
  }
  return { n: knn.n, k, indices, distances };
}

function mean(values: Float32Array): number {
  let sum = 0;
  for (const value of values) sum += value;
  return values.length > 0 ? sum / values.length : 0;
}
