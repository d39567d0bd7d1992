/**
 * A PCA computed without core/pca.ts, for tests of the results' 2-D map:
 * covariance summed in float64, eigenvectors by power iteration with deflation.
 */
import type { DenseMatrix } from '../../src/core/types';

/** Top-2 eigenvectors of the covariance by power iteration (the second after deflating the first). */
export function referenceAxes(points: DenseMatrix): { mean: number[]; axes: number[][] } {
  const { rows, dim, data } = points;
  const mean = new Array<number>(dim).fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) mean[c] += data[r * dim + c] / rows;
  const cov = Array.from({ length: dim }, () => new Array<number>(dim).fill(0));
  for (let r = 0; r < rows; r++)
    for (let a = 0; a < dim; a++)
      for (let b = 0; b < dim; b++)
        cov[a][b] += (data[r * dim + a] - mean[a]) * (data[r * dim + b] - mean[b]);
  const axes: number[][] = [];
  for (let p = 0; p < 2; p++) {
    let v = Array.from({ length: dim }, (_, i) => 1 + i * 0.37);
    for (let iteration = 0; iteration < 2000; iteration++) {
      let next = cov.map((row) => row.reduce((sum, value, i) => sum + value * v[i], 0));
      for (const axis of axes) {
        const dot = next.reduce((sum, value, i) => sum + value * axis[i], 0);
        next = next.map((value, i) => value - dot * axis[i]);
      }
      const norm = Math.hypot(...next);
      v = next.map((value) => value / norm);
    }
    axes.push(v);
  }
  return { mean, axes };
}

export function pcaProjection(points: DenseMatrix, row: number, mean: number[], axis: number[]): number {
  let sum = 0;
  for (let c = 0; c < points.dim; c++) sum += (points.data[row * points.dim + c] - mean[c]) * axis[c];
  return sum;
}
