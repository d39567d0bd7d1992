/**
 * Centring for the onnxruntime kNN searches (`ortKnn`, `ortCrossKnn`): their
 * Gemm computes ‖p‖² − 2 q·p in float32, which cancels less on points minus
 * their column means; distances are unchanged by the shift.
 */
import type { DenseMatrix } from '../core/types';

/** Column means in float64, rows summed in order. */
export function columnMeans({ rows, dim, data }: DenseMatrix): Float64Array {
  const mean = new Float64Array(dim);
  for (let i = 0; i < rows; i++) for (let c = 0; c < dim; c++) mean[c] += data[i * dim + c];
  for (let c = 0; c < dim; c++) mean[c] /= Math.max(rows, 1);
  return mean;
}

/**
 * Rows minus `mean`, in float32. With `norms`, each centred row's squared norm
 * (of its float32 values, summed in float64) is written there in the same pass.
 */
export function centredRows(
  { rows, dim, data }: DenseMatrix,
  mean: Float64Array,
  norms?: Float32Array,
): Float32Array {
  const out = new Float32Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let c = 0; c < dim; c++) {
      const value = Math.fround(data[i * dim + c] - mean[c]);
      out[i * dim + c] = value;
      sum += value * value;
    }
    if (norms) norms[i] = sum;
  }
  return out;
}
