/**
 * How the MARGIN paper reads prototypes and criticisms off the node function
 * f (mmdNodeFunction.ts) and its high-pass influence I (core/margin.ts):
 * samples with high I differ most from what their neighbourhood says, and are
 * the criticisms; among the samples with low I, those with the smallest f are
 * the best accounted for by the rest of the data, and are the prototypes.
 * "Low I" is our reading: at most the median of I.
 */

/** Every row, criticisms first: I descending (ties: larger f, then lower row). */
export function marginCriticismOrder(f: ArrayLike<number>, influence: ArrayLike<number>): Int32Array {
  return Int32Array.from(rows(f.length)).sort((a, b) => influence[b] - influence[a] || f[b] - f[a] || a - b);
}

/** Every row, prototypes first: rows with I ≤ median(I) by f ascending, then the others by f ascending. */
export function marginPrototypeOrder(f: ArrayLike<number>, influence: ArrayLike<number>): Int32Array {
  const n = f.length;
  if (n === 0) return new Int32Array(0);
  const sorted = Float64Array.from(influence).sort();
  const median = sorted[(n - 1) >> 1];
  const low = (row: number) => (influence[row] <= median ? 0 : 1);
  return Int32Array.from(rows(n)).sort((a, b) => low(a) - low(b) || f[a] - f[b] || a - b);
}

function rows(n: number): number[] {
  return Array.from({ length: n }, (_, row) => row);
}
