/**
 * MARGIN's node function for prototypes and criticisms (case I of the paper):
 * f(i) = MMD(X̄ᵢ, X̄ᵢ ∪ {xᵢ}), X̄ᵢ = every sample but i and its k nearest
 * neighbours, RBF kernel. How much adding xᵢ back changes the distribution of
 * the data that lies outside its neighbourhood: small for a sample the rest
 * of the data already accounts for, large for one it does not.
 *
 * With S = X̄ᵢ (|S| = s) the MMD between S and S ∪ {x} simplifies to
 *   MMD² = ‖φ(x) − μ_S‖² / (s + 1)²,   μ_S = mean embedding of S,
 *   ‖φ(x) − μ_S‖² = k(x, x) − 2 K_Sx / s + K_SS / s²,
 * and the kernel sums over S follow from global sums minus the k + 1 removed
 * samples R = {i} ∪ N(i):
 *   K_Sx = r(i) − Σ_{a∈R} k(a, i),   K_SS = K_TT − 2 Σ_{a∈R} r(a) + Σ_{a,b∈R} k(a, b),
 * with r the kernel row sums and K_TT = Σ_a r(a). So each node costs
 * O(k²·d) on top of the row sums (kernelSums.ts), never O(n).
 */
import { createCheckpoint } from '../cooperative';
import type { ComputeOptions, DenseMatrix, KnnResult } from '../types';
import { rbf } from './kernel';

/**
 * f(i) for every row of `points`, given its kNN lists (`knn.indices`, rows of
 * `points`) and the kernel row sums r (self included). A row whose removal set
 * R covers every sample (n ≤ k + 1) has no X̄ᵢ to compare with: f(i) = 0.
 */
export async function mmdNodeFunction(
  points: DenseMatrix,
  knn: KnnResult,
  gamma: number,
  rowSums: Float64Array,
  options: ComputeOptions = {},
): Promise<Float64Array> {
  const n = points.rows;
  if (knn.n !== n || rowSums.length !== n) {
    throw new RangeError(
      `mmdNodeFunction: ${n} points, ${knn.n} kNN rows and ${rowSums.length} row sums must agree`,
    );
  }
  let total = 0;
  for (let a = 0; a < n; a++) total += rowSums[a];
  const f = new Float64Array(n);
  const removed = new Int32Array(knn.k + 1);
  const checkpoint = createCheckpoint(options);
  for (let i = 0; i < n; i++) {
    const size = removedSet(i, knn, removed);
    const s = n - size;
    if (s > 0) {
      let kSx = rowSums[i];
      let removedRowSums = 0;
      let kRR = 0;
      for (let p = 0; p < size; p++) {
        const a = removed[p];
        removedRowSums += rowSums[a];
        kSx -= a === i ? 1 : rbf(points, a, i, gamma);
        kRR += 1;
        for (let q = p + 1; q < size; q++) kRR += 2 * rbf(points, a, removed[q], gamma);
      }
      const kSS = total - 2 * removedRowSums + kRR;
      const squared = 1 - (2 * kSx) / s + kSS / (s * s);
      f[i] = Math.sqrt(Math.max(squared, 0)) / (s + 1);
    }
    if (i % 256 === 255) {
      options.onProgress?.(i + 1, n);
      await checkpoint();
    }
  }
  options.onProgress?.(n, n);
  return f;
}

/** R = {i} ∪ N(i) into `out` (distinct rows, i first); returns |R|. */
function removedSet(i: number, knn: KnnResult, out: Int32Array): number {
  let size = 0;
  out[size++] = i;
  for (let s = 0; s < knn.k; s++) {
    const j = knn.indices[i * knn.k + s];
    let seen = j === i;
    for (let p = 1; p < size && !seen; p++) seen = out[p] === j;
    if (!seen) out[size++] = j;
  }
  return size;
}
