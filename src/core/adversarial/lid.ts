import { createCheckpoint } from '../cooperative';
import type { ComputeOptions, DenseMatrix } from '../types';
import { sampleWithoutReplacement, seededUniform } from '../random';

/**
 * Local intrinsic dimensionality (Ma et al., ICLR 2018), the maximum-likelihood
 * estimate of Amsaleg et al.:
 *
 *   LID(x) = −( (1/k) Σ_{i=1..k} log(r_i / r_k) )⁻¹
 *
 * with r_1 ≤ … ≤ r_k the distances from x to its k nearest neighbours in a
 * mini-batch of clean reference samples (Ma et al. draw the neighbours from the
 * mini-batch, not the whole set: k = 20 of 100 for MNIST). Adversarial regions
 * have a higher LID than the clean data manifold.
 *
 * Zero distances (a duplicate of x in the batch) say nothing about the local
 * dimension and would make log(r_i/r_k) = −∞: they are skipped and the next
 * neighbours taken instead. When every distance is zero the estimate is 0; when
 * the k distances are all equal (mean log-ratio 0) it is capped at LID_CAP.
 */
export interface LidOptions extends ComputeOptions {
  /** Neighbours (default 20). */
  k?: number;
  /** Queries per mini-batch, and reference samples drawn for each (default 100). */
  batchSize?: number;
  /** Seed of the mini-batch draws (default 0). */
  seed?: number;
}

export const LID_CAP = 1000;

export async function lidScores(
  query: DenseMatrix,
  reference: DenseMatrix,
  options: LidOptions = {},
): Promise<Float64Array> {
  if (query.dim !== reference.dim)
    throw new RangeError(`lidScores: ${query.dim} query columns, ${reference.dim} reference columns`);
  const batchSize = Math.min(options.batchSize ?? 100, reference.rows);
  const k = Math.min(options.k ?? 20, batchSize);
  const random = seededUniform(options.seed ?? 0);
  const checkpoint = createCheckpoint(options);
  const out = new Float64Array(query.rows);
  const distances = new Float64Array(batchSize);
  for (let start = 0; start < query.rows; start += batchSize) {
    await checkpoint();
    const batch = sampleWithoutReplacement(reference.rows, batchSize, random);
    const end = Math.min(query.rows, start + batchSize);
    for (let i = start; i < end; i++) {
      for (let b = 0; b < batch.length; b++) distances[b] = distance(query, i, reference, batch[b]);
      out[i] = lidFromDistances(distances, k);
    }
    options.onProgress?.(end, query.rows);
  }
  return out;
}

/** The MLE from a sample's distances to a batch (any order; the array is sorted in place). */
export function lidFromDistances(distances: Float64Array, k: number): number {
  distances.sort();
  let first = 0;
  while (first < distances.length && distances[first] === 0) first++;
  const available = distances.length - first;
  if (available === 0) return 0;
  const used = Math.min(k, available);
  const rk = distances[first + used - 1];
  let sum = 0;
  for (let i = first; i < first + used; i++) sum += Math.log(distances[i] / rk);
  const meanLog = -sum / used;
  return meanLog > 1 / LID_CAP ? 1 / meanLog : LID_CAP;
}

function distance(a: DenseMatrix, i: number, b: DenseMatrix, j: number): number {
  const dim = a.dim;
  let sum = 0;
  for (let d = 0; d < dim; d++) {
    const diff = a.data[i * dim + d] - b.data[j * dim + d];
    sum += diff * diff;
  }
  return Math.sqrt(sum);
}
