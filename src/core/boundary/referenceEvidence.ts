import type { KnnResult } from '../types';

/**
 * Share of a sample's k nearest reference neighbours whose (trusted) label is
 * the class the model predicted: the reference's kNN classifier's probability
 * of the model's prediction. `neighbours` lists reference rows, nearest first
 * (at least k per row); `labels` are the reference labels.
 */
export function referenceAgreement(
  neighbours: KnnResult,
  labels: Int32Array,
  predicted: Int32Array,
  k: number,
): Float64Array {
  if (!Number.isInteger(k) || k < 1 || k > neighbours.k) {
    throw new RangeError(`k = ${k} must lie in 1..${neighbours.k} (the neighbours searched)`);
  }
  if (predicted.length !== neighbours.n)
    throw new RangeError(`${predicted.length} predictions for ${neighbours.n} rows`);
  const out = new Float64Array(neighbours.n);
  for (let i = 0; i < neighbours.n; i++) {
    let agreeing = 0;
    for (let s = 0; s < k; s++)
      if (labels[neighbours.indices[i * neighbours.k + s]] === predicted[i]) agreeing++;
    out[i] = agreeing / k;
  }
  return out;
}
