/**
 * The kNN search a scan's tasks use for their graphs, chosen per call:
 *
 * - the graph given with the `knnGraph` parameter, when a task asks for the
 *   neighbours of the data's own points (rows = the data's samples);
 * - exact search on onnxruntime (`ortKnn`) up to EXACT_KNN_MAX_ROWS points;
 * - above that, usearch's HNSW index (`approximateKnn`), whose recall against
 *   exact search on 200 sampled points is measured on every run and reported
 *   in the result's metrics (`knnRecall`) and in a notice; where the index
 *   would be slower than exact search, or miss the 0.95 aimed at, the points
 *   are searched exactly instead (also said in a notice).
 *
 * `knn: 'exact' | 'approximate'` forces one backend whatever the size.
 */
import { InputError, ParameterError } from '../core/errors';
import type { ComputeOptions, DenseMatrix, KnnResult, KnnSearch } from '../core/types';
import { neighboursForRows, readKnnGraph, type NeighbourLists } from '../data/knnGraphFile';
import { ortKnn } from '../model';
import {
  approximateKnn,
  DEFAULT_HNSW,
  IndexUnavailableError,
  type IndexStore,
} from '../model/approximateKnn';
import type { KnnBackend } from '../protocol/engine';
import type { Representation } from './representation';

/**
 * Exact search costs O(N²), the HNSW index about O(N log N) (npm run
 * bench:knn, CPU seconds on the 2-core development machine): at 60,000 64-d
 * points exact search takes 9.9 CPU s and the checked index 3.8 (recall@20
 * 0.985); at 100,000, 20–22 against 7.7. Below about 40,000 points the index
 * saves less than half, so exact search, which reproduces the reference
 * exactly, is kept up to here.
 */
export const EXACT_KNN_MAX_ROWS = 50_000;
const TARGET_RECALL = 0.95;

/** The data's points and the graph file given for them. */
export interface GivenGraph {
  points: DenseMatrix;
  keptIndices: Int32Array;
  lists: NeighbourLists;
}

export class NeighbourSearch {
  /** Measured facts for the result's metrics: knnRecall (the lowest over approximate runs), …. */
  readonly metrics: Record<string, number> = {};
  readonly notices: string[] = [];
  private givenUsed = false;

  constructor(
    private readonly backend: KnnBackend = 'auto',
    private readonly given?: GivenGraph,
    /** Where approximate indexes are kept between scans (the .margin/ cache). */
    private readonly store?: IndexStore,
    private readonly exactMaxRows = EXACT_KNN_MAX_ROWS,
  ) {}

  readonly search: KnnSearch = async (points, k, options) => {
    if (this.given && points.data === this.given.points.data) {
      this.givenUsed = true;
      try {
        return neighboursForRows(this.given.lists, points, this.given.keptIndices, k);
      } catch (error) {
        throw asGraphError(error);
      }
    }
    const approximate =
      this.backend === 'approximate' || (this.backend === 'auto' && points.rows > this.exactMaxRows);
    return approximate ? this.approximate(points, k, options) : ortKnn(points, k, options);
  };

  /** Notices for the result, including one when the given graph was never asked for. */
  finish(taskName: string): string[] {
    if (this.given && !this.givenUsed) {
      this.notices.push(
        `the graph in ${this.given.lists.file} was not used: the ${taskName} task did not ask for a graph on the data's own samples`,
      );
    }
    return this.notices;
  }

  private async approximate(points: DenseMatrix, k: number, options?: ComputeOptions): Promise<KnnResult> {
    let result;
    try {
      // Asked for by name, the index is used even where exact search would do better.
      const exactWhenBetter = this.backend !== 'approximate';
      result = await approximateKnn(points, k, {
        ...options,
        targetRecall: TARGET_RECALL,
        exactWhenBetter,
        store: this.store,
      });
    } catch (error) {
      if (!(error instanceof IndexUnavailableError)) throw error;
      this.notices.push(
        `${error.message}; the kNN graph of ${points.rows} points was searched exactly instead (slower)`,
      );
      return ortKnn(points, k, options);
    }
    if (result.exactInstead) {
      this.notices.push(
        `the kNN graph of ${points.rows} points was searched exactly: an approximate index ` +
          (result.exactInstead === 'speed'
            ? `reaching recall@${k} ${TARGET_RECALL} on these points (ef ${result.expansionSearch}) was slower`
            : `did not reach recall@${k} ${TARGET_RECALL} on these points (ef up to ${result.expansionSearch})`),
      );
      return result;
    }
    const previous = this.metrics.knnRecall ?? Infinity;
    if (result.recall < previous) {
      Object.assign(this.metrics, {
        knnRecall: result.recall,
        knnRecallQueries: result.recallQueries,
        knnExpansionSearch: result.expansionSearch,
      });
    }
    const shortfall = result.recall < TARGET_RECALL ? ` (below the ${TARGET_RECALL} aimed at)` : '';
    const reused = result.indexReused ? ', read from the cache' : '';
    this.notices.push(
      `the kNN graph of ${points.rows} points comes from an approximate index (HNSW, M ${DEFAULT_HNSW.connectivity}${reused}, ` +
        `ef ${result.expansionSearch}): recall@${k} ${result.recall.toFixed(3)}${shortfall} against exact search on ` +
        `${result.recallQueries} sampled points`,
    );
    return result;
  }
}

/** Reads the `knnGraph` file for the data; its problems are reported under the parameter, naming the file. */
export async function readGivenGraph(
  path: string,
  samples: number,
  dataName: string,
  data: Representation,
): Promise<GivenGraph> {
  try {
    const lists = await readKnnGraph(path, samples, dataName);
    return { points: data.points, keptIndices: data.keptIndices, lists };
  } catch (error) {
    throw asGraphError(error);
  }
}

function asGraphError(error: unknown): unknown {
  return error instanceof InputError && !(error instanceof ParameterError)
    ? new ParameterError('knnGraph', error.message)
    : error;
}
