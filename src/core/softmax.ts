/** Softmax of each row of logits (rows × classes, row-major), in float64, shifted by the row maximum so large logits cannot overflow. */
export function softmaxRows(logits: ArrayLike<number>, classes: number): Float64Array {
  const rows = logits.length / classes;
  const out = new Float64Array(logits.length);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < classes; j++) max = Math.max(max, logits[r * classes + j]);
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += out[r * classes + j] = Math.exp(logits[r * classes + j] - max);
    for (let j = 0; j < classes; j++) out[r * classes + j] /= sum;
  }
  return out;
}
