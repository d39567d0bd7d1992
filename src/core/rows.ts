/** Rows `rows` (in that order) of a row-major array with `width` values per row. */
export function pickRows(values: Float64Array, rows: ArrayLike<number>, width: number): Float64Array {
  const out = new Float64Array(rows.length * width);
  for (let r = 0; r < rows.length; r++) {
    out.set(values.subarray(rows[r] * width, (rows[r] + 1) * width), r * width);
  }
  return out;
}
