/**
 * The neighbours each result sample lists (`SampleResult.neighbours`): the
 * answer to "why was this flagged?" is the samples its score was read from.
 * Tasks build their graphs through the scan's kNN search, so the scan wraps
 * that search and keeps what it returned for the data's own points; no task
 * needs to know. Searches on other point sets (one class at a time, the
 * reference, reference and data together) are not the data's graph and are
 * not kept.
 */
import type { DenseMatrix, KnnResult, KnnSearch } from '../core/types';

/** Neighbours listed per sample: enough for a detail pane, 10 ints a sample in the JSON. */
export const LISTED_NEIGHBOURS = 10;

export class DataGraphRecorder {
  private recorded?: KnnResult;

  constructor(
    /** The data's points (the representation the task ranks). */
    private readonly points: DenseMatrix,
    private readonly inner: KnnSearch,
  ) {}

  readonly search: KnnSearch = async (points, k, options) => {
    const result = await this.inner(points, k, options);
    // The same buffer, not equal values: a per-class copy of every row would be another graph.
    const ownPoints = points.data === this.points.data && points.rows === this.points.rows;
    // The widest search is kept: its first neighbours are the same, and an approximate one checked more candidates.
    if (ownPoints && (!this.recorded || result.k > this.recorded.k)) this.recorded = result;
    return result;
  };

  /**
   * Each sample's nearest neighbours as dataset indices, by dataset index
   * (`count` long; undefined for samples the points do not hold), or
   * undefined when the task searched no graph on the data's points.
   * `keptIndices[row]` is the dataset index of point row `row`.
   */
  neighboursByIndex(keptIndices: Int32Array, count: number): (number[] | undefined)[] | undefined {
    const knn = this.recorded;
    if (!knn) return undefined;
    const listed = Math.min(LISTED_NEIGHBOURS, knn.k);
    const lists: (number[] | undefined)[] = new Array<number[] | undefined>(count).fill(undefined);
    for (let row = 0; row < knn.n; row++) {
      const list: number[] = [];
      for (let j = 0; j < listed; j++) list.push(keptIndices[knn.indices[row * knn.k + j]]);
      lists[keptIndices[row]] = list;
    }
    return lists;
  }
}
