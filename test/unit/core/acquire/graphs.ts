/** Small graphs for the acquire tests: a hand-made one and seeded random kNN graphs with a dense copy. */
import { graphFromKnn, type CsrGraph } from '../../../../src/core/csr';
import { exactKnn } from '../../../../src/core/knn';
import type { KnnResult } from '../../../../src/core/types';
import { seededNormal } from '../../../../src/core/random';

/**
 * Two triangles joined by one edge, and an isolated node:
 *
 *   0 — 1        3 — 4
 *    \ /          \ /
 *     2 ———————— 5        6
 *
 * Unit weights; degrees [2, 2, 3, 2, 2, 3, 0].
 */
export function twoTriangles(): CsrGraph {
  const edges: [number, number][] = [
    [0, 1],
    [0, 2],
    [1, 2],
    [2, 5],
    [3, 4],
    [3, 5],
    [4, 5],
  ];
  return fromEdges(
    7,
    edges.map(([a, b]) => [a, b, 1]),
  );
}

/** A CSR graph from undirected weighted edges. */
export function fromEdges(n: number, edges: [number, number, number][]): CsrGraph {
  const rows: [number, number][][] = Array.from({ length: n }, () => []);
  for (const [a, b, w] of edges) {
    rows[a].push([b, w]);
    rows[b].push([a, w]);
  }
  const indptr = new Int32Array(n + 1);
  const indices: number[] = [];
  const weights: number[] = [];
  rows.forEach((row, i) => {
    row.sort((x, y) => x[0] - y[0]);
    for (const [j, w] of row) {
      indices.push(j);
      weights.push(w);
    }
    indptr[i + 1] = indices.length;
  });
  return { n, indptr, indices: Int32Array.from(indices), weights: Float32Array.from(weights) };
}

/** The symmetric weight matrix of a CSR graph, dense (row-major arrays). */
export function denseWeights(graph: CsrGraph): number[][] {
  const W = Array.from({ length: graph.n }, () => new Array<number>(graph.n).fill(0));
  for (let i = 0; i < graph.n; i++) {
    for (let e = graph.indptr[i]; e < graph.indptr[i + 1]; e++) W[i][graph.indices[e]] = graph.weights[e];
  }
  return W;
}

/** n seeded Gaussian points in `dim` dimensions, in two blobs (the second shifted by 3 on every axis). */
export function twoBlobs(
  n: number,
  dim: number,
  seed: number,
): { rows: number; dim: number; data: Float32Array } {
  const normal = seededNormal(seed);
  const data = new Float32Array(n * dim);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < dim; c++) data[i * dim + c] = normal() + (i % 2 === 0 ? 0 : 3);
  return { rows: n, dim, data };
}

/** The kNN graph (binary or Gaussian) of seeded points, and its kNN result. */
export async function randomKnnGraph(
  n: number,
  k: number,
  seed: number,
  weighting: 'binary' | 'gaussian' = 'binary',
): Promise<{ graph: CsrGraph; knn: KnnResult }> {
  const knn = await exactKnn(twoBlobs(n, 3, seed), k);
  return { graph: graphFromKnn(knn, { weighting }), knn };
}
