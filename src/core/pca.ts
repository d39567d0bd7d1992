import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { createCheckpoint } from './cooperative';
import { InputError } from './errors';
import type { ComputeOptions, DenseMatrix, GramProduct } from './types';

/** Rows per chunk of the Gram product: a dim × 128 float64 transposed chunk stays in L2 for dim ≤ ~1000. */
const GRAM_CHUNK = 128;
/** Rows between cancellation checkpoints while projecting. */
const PROJECT_CHUNK = 512;

/**
 * XᵀX (dim × dim, row-major, float64) of an already centred matrix, the pure
 * TypeScript reference for faster backends. Rows are taken 128 at a time and
 * transposed into a float64 chunk, so each entry G[a][b] grows by one dot
 * product of two contiguous 128-long column pieces (four b at a time); only a ≤ b is computed and
 * mirrored at the end. Progress counts rows (total = rows).
 */
export const gramReference: GramProduct = async (centred: DenseMatrix, options?: ComputeOptions) => {
  const { rows, dim, data } = centred;
  checkShape(centred);
  const checkpoint = createCheckpoint(options);
  const gram = new Float64Array(dim * dim);
  const chunk = new Float64Array(dim * GRAM_CHUNK);
  for (let start = 0; start < rows; start += GRAM_CHUNK) {
    const len = Math.min(GRAM_CHUNK, rows - start);
    for (let r = 0; r < len; r++) {
      const rowOffset = (start + r) * dim;
      for (let a = 0; a < dim; a++) chunk[a * len + r] = data[rowOffset + a];
    }
    for (let a = 0; a < dim; a++) {
      const aOffset = a * len;
      const gramRow = a * dim;
      let b = a;
      // Four columns at a time share each load of column a.
      for (; b + 3 < dim; b += 4) {
        const b0 = b * len;
        const b1 = b0 + len;
        const b2 = b1 + len;
        const b3 = b2 + len;
        let dot0 = 0;
        let dot1 = 0;
        let dot2 = 0;
        let dot3 = 0;
        for (let r = 0; r < len; r++) {
          const v = chunk[aOffset + r];
          dot0 += v * chunk[b0 + r];
          dot1 += v * chunk[b1 + r];
          dot2 += v * chunk[b2 + r];
          dot3 += v * chunk[b3 + r];
        }
        gram[gramRow + b] += dot0;
        gram[gramRow + b + 1] += dot1;
        gram[gramRow + b + 2] += dot2;
        gram[gramRow + b + 3] += dot3;
      }
      for (; b < dim; b++) {
        const bOffset = b * len;
        let dot = 0;
        for (let r = 0; r < len; r++) dot += chunk[aOffset + r] * chunk[bOffset + r];
        gram[gramRow + b] += dot;
      }
    }
    options?.onProgress?.(start + len, rows);
    await checkpoint();
  }
  for (let a = 0; a < dim; a++) for (let b = 0; b < a; b++) gram[a * dim + b] = gram[b * dim + a];
  return gram;
};

export interface PcaOptions extends ComputeOptions {
  /** XᵀX of the centred data; default `gramReference`. */
  gram?: GramProduct;
}

export interface PcaResult {
  /** rows × components: (x − mean) projected on each component. */
  projected: DenseMatrix;
  /** components × dim, row-major; orthonormal rows, by decreasing variance. */
  components: Float64Array;
  mean: Float64Array;
  /** Variance (denominator n − 1) of the data along each component = its eigenvalue of C. */
  explainedVariance: Float64Array;
}

/**
 * Principal component analysis by eigendecomposition of the covariance:
 *   μ = mean of the rows,  C = (X − μ)ᵀ(X − μ) / (n − 1),  C = V Λ Vᵀ,
 * eigenpairs sorted by decreasing eigenvalue (ties: original order),
 * projected = (X − μ) V[:, :components].
 * Each component's sign is fixed so that its entry of largest magnitude (the
 * first one, on exact ties) is positive, making results reproducible.
 * `components` larger than min(rows, dim) is clamped to it (the result's
 * `explainedVariance.length` says how many were kept); components beyond the
 * data's rank (at most rows − 1) have variance 0. Eigenvalues that rounding
 * made slightly negative are reported as 0.
 * Progress (total = rows) covers the Gram product and the projection in
 * proportion to their arithmetic (dim/2 vs components multiply-adds per row).
 */
export async function pca(x: DenseMatrix, components: number, options: PcaOptions = {}): Promise<PcaResult> {
  const { rows: n, dim, data } = x;
  checkShape(x);
  if (!Number.isInteger(components) || components < 1) {
    throw new InputError('components', `must be a whole number ≥ 1, got ${components}`);
  }
  if (n < 2) throw new InputError('points', `PCA needs at least 2 samples, got ${n}`);
  if (dim < 1) throw new InputError('points', 'PCA needs at least one feature per sample');
  for (let t = 0; t < data.length; t++) {
    if (!Number.isFinite(data[t])) {
      throw new InputError('points', `row ${Math.floor(t / dim)} has a non-finite value (${data[t]})`);
    }
  }
  const kept = Math.min(components, n, dim);
  const checkpoint = createCheckpoint(options);
  const gramShare = dim / 2 / (dim / 2 + kept);
  const report = (share: number, offset: number) => (done: number, total: number) =>
    options.onProgress?.(Math.round(n * (offset + (share * done) / Math.max(total, 1))), n);

  const mean = columnMeans(x);
  const centred = new Float32Array(n * dim);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < dim; c++) centred[r * dim + c] = data[r * dim + c] - mean[c];
  }
  const gramProduct = options.gram ?? gramReference;
  const gram = await gramProduct(
    { rows: n, dim, data: centred },
    { signal: options.signal, onProgress: report(gramShare, 0) },
  );
  await checkpoint();

  const covariance = new Float64Array(dim * dim);
  for (let a = 0; a < dim; a++) {
    for (let b = 0; b < dim; b++) {
      // Average the two triangles so the matrix handed to the symmetric solver is exactly symmetric.
      covariance[a * dim + b] = (gram[a * dim + b] + gram[b * dim + a]) / 2 / (n - 1);
    }
  }
  const { axes, variances } = sortedEigenpairs(covariance, dim, kept);
  fixSigns(axes, kept, dim);

  const projected = new Float32Array(n * kept);
  const centredRow = new Float64Array(dim);
  const projectProgress = report(1 - gramShare, gramShare);
  for (let start = 0; start < n; start += PROJECT_CHUNK) {
    const end = Math.min(n, start + PROJECT_CHUNK);
    for (let r = start; r < end; r++) {
      for (let c = 0; c < dim; c++) centredRow[c] = data[r * dim + c] - mean[c];
      for (let p = 0; p < kept; p++) {
        const axis = p * dim;
        let sum = 0;
        for (let c = 0; c < dim; c++) sum += centredRow[c] * axes[axis + c];
        projected[r * kept + p] = sum;
      }
    }
    projectProgress(end, n);
    await checkpoint();
  }
  return {
    projected: { rows: n, dim: kept, data: projected },
    components: axes,
    mean,
    explainedVariance: variances,
  };
}

/** The `kept` largest eigenpairs of a symmetric matrix, largest first, as rows of `axes`. */
function sortedEigenpairs(
  symmetric: Float64Array,
  dim: number,
  kept: number,
): { axes: Float64Array; variances: Float64Array } {
  const evd = new EigenvalueDecomposition(Matrix.from1DArray(dim, dim, symmetric), { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const order = Array.from({ length: dim }, (_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
  const axes = new Float64Array(kept * dim);
  const variances = new Float64Array(kept);
  for (let p = 0; p < kept; p++) {
    const column = order[p];
    variances[p] = Math.max(values[column], 0);
    for (let c = 0; c < dim; c++) axes[p * dim + c] = vectors.get(c, column);
  }
  return { axes, variances };
}

/** Flips each row of `axes` so that its largest-magnitude entry (first on ties) is positive. */
function fixSigns(axes: Float64Array, count: number, dim: number): void {
  for (let p = 0; p < count; p++) {
    let largest = p * dim;
    for (let c = p * dim + 1; c < (p + 1) * dim; c++)
      if (Math.abs(axes[c]) > Math.abs(axes[largest])) largest = c;
    if (axes[largest] < 0) for (let c = p * dim; c < (p + 1) * dim; c++) axes[c] = -axes[c];
  }
}

function columnMeans({ rows, dim, data }: DenseMatrix): Float64Array {
  const mean = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) mean[c] += data[r * dim + c];
  for (let c = 0; c < dim; c++) mean[c] /= rows;
  return mean;
}

function checkShape({ rows, dim, data }: DenseMatrix): void {
  if (data.length !== rows * dim)
    throw new RangeError(`matrix data holds ${data.length} values, expected ${rows}×${dim}`);
}
