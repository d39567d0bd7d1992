/**
 * The kNN graph does not depend on the labels: every seed and every scorer of
 * a calibration asks for the same neighbours of the same points. This search
 * builds each (point set, k) once and hands the same result to every later
 * call, so the seeds cost filter work only. Results are read, never written,
 * by the tasks (graphFromKnn copies them into its CSR arrays).
 */
import type { KnnResult, KnnSearch } from '../../core/types';

export interface SharedNeighbours {
  search: KnnSearch;
  /** How many graphs were actually built (the rest were shared). */
  readonly builds: number;
}

export function shareNeighbours(search: KnnSearch): SharedNeighbours {
  const built = new WeakMap<Float32Array, Map<number, Promise<KnnResult>>>();
  let builds = 0;
  return {
    get builds() {
      return builds;
    },
    search: (points, k, options) => {
      let byK = built.get(points.data);
      if (!byK) built.set(points.data, (byK = new Map()));
      const known = byK.get(k);
      if (known) return known;
      builds++;
      const result = search(points, k, options);
      byK.set(k, result);
      // A failed or cancelled build is not shared: the next call tries again.
      result.catch(() => byK.delete(k));
      return result;
    },
  };
}
