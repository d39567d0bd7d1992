/** Per-class work: rows by class, class subsets of a matrix, and lists that interleave classes. */
import type { CsrGraph } from '../csr';
import type { DenseMatrix } from '../types';

/** Rows of each distinct code ≥ 0 (ascending codes); rows with code −1 belong to none. */
export function rowsByCode(codes: Int32Array): { codes: number[]; rows: Int32Array[] } {
  const byCode = new Map<number, number[]>();
  codes.forEach((code, row) => {
    if (code < 0) return;
    let list = byCode.get(code);
    if (!list) byCode.set(code, (list = []));
    list.push(row);
  });
  const sorted = [...byCode.keys()].sort((a, b) => a - b);
  return { codes: sorted, rows: sorted.map((code) => Int32Array.from(byCode.get(code)!)) };
}

/** The given rows of a matrix, in that order. */
export function subsetRows(points: DenseMatrix, rows: ArrayLike<number>): DenseMatrix {
  const { dim, data } = points;
  const out = new Float32Array(rows.length * dim);
  for (let r = 0; r < rows.length; r++) out.set(data.subarray(rows[r] * dim, (rows[r] + 1) * dim), r * dim);
  return { rows: rows.length, dim, data: out };
}

/**
 * Round robin over several best-first lists: the first of each, then the
 * second of each, …; lists that run out drop out. Every prefix then holds
 * about as many entries of each list.
 */
export function interleave(lists: ArrayLike<number>[]): Int32Array {
  const total = lists.reduce((sum, list) => sum + list.length, 0);
  const out = new Int32Array(total);
  let filled = 0;
  for (let depth = 0; filled < total; depth++) {
    for (const list of lists) if (depth < list.length) out[filled++] = list[depth];
  }
  return out;
}

/**
 * One graph over n rows from graphs over subsets of them (`rows[g]` maps
 * graph g's nodes to global rows): the block-diagonal union, rows sorted.
 */
export function blockGraph(n: number, parts: { rows: Int32Array; graph: CsrGraph }[]): CsrGraph {
  const degree = new Int32Array(n + 1);
  for (const { rows, graph } of parts) {
    for (let local = 0; local < graph.n; local++)
      degree[rows[local] + 1] = graph.indptr[local + 1] - graph.indptr[local];
  }
  for (let i = 0; i < n; i++) degree[i + 1] += degree[i];
  const indptr = degree;
  const indices = new Int32Array(indptr[n]);
  const weights = new Float32Array(indptr[n]);
  for (const { rows, graph } of parts) {
    for (let local = 0; local < graph.n; local++) {
      const row = rows[local];
      const entries: [number, number][] = [];
      for (let e = graph.indptr[local]; e < graph.indptr[local + 1]; e++)
        entries.push([rows[graph.indices[e]], graph.weights[e]]);
      entries.sort((a, b) => a[0] - b[0]);
      entries.forEach(([column, weight], t) => {
        indices[indptr[row] + t] = column;
        weights[indptr[row] + t] = weight;
      });
    }
  }
  return { n, indptr, indices, weights };
}
