import type { DenseMatrix, KnnSearch } from '../../src/core/types';
import { NeighbourSearch } from '../../src/engine/neighbours';

/**
 * The scan's kNN search with a graph "given" for `points` in which each point's
 * neighbours are its `count` successors on a ring (i + 1, …, i + count mod n):
 * a graph file as `--knn-graph` would read it, for tests of a task asking for
 * more neighbours than the file lists.
 */
export function ringGraphSearch(points: DenseMatrix, count: number, file = '/graphs/ring.npy'): KnnSearch {
  const lists = {
    file,
    n: points.rows,
    indptr: Float64Array.from({ length: points.rows + 1 }, (_, i) => i * count),
    indices: Int32Array.from(
      { length: points.rows * count },
      (_, e) => (Math.floor(e / count) + (e % count) + 1) % points.rows,
    ),
  };
  const keptIndices = Int32Array.from({ length: points.rows }, (_, i) => i);
  return new NeighbourSearch('auto', { points, keptIndices, lists }).search;
}
