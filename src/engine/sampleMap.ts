/**
 * `ScanResult.map`: every sample placed in 2-D by the first two principal
 * components of the points the task's graph was built on, so a scatter plot
 * shows the space the neighbours were found in. Exact PCA (core/pca.ts): the
 * Gram product XᵀX is O(N·D²), the eigenproblem only D × D. At 60,000 × 64
 * points it took 0.15–1.0 s with onnxruntime's Gram product (what the scan
 * uses) and 0.2–0.8 s with core's, on the 2-core machine shared with other
 * jobs (test/unit/engine/sampleMap.test.ts prints it; 0.65 s inside a 60k
 * Fashion-MNIST scan), so no sampling or randomised solver is needed.
 */
import { pca } from '../core/pca';
import type { ComputeOptions, GramProduct } from '../core/types';
import type { SampleMap } from '../protocol/engine';
import type { Representation } from './representation';

/** Significant digits kept per coordinate: a plot needs no more, and 60,000 × 2 numbers stay about 1 MB of JSON. */
const DIGITS = 5;

export interface SampleMapOptions extends ComputeOptions {
  /** XᵀX backend (default: core's reference). */
  gram?: GramProduct;
}

/**
 * Coordinates by dataset index (`count` long); NaN (null in JSON) where the
 * representation holds no point (a sample that could not be read). Undefined
 * when fewer than two points, or none with a feature, leave nothing to project.
 * A representation with one feature gets y = 0.
 */
export async function sampleMap(
  representation: Pick<Representation, 'points' | 'keptIndices'>,
  count: number,
  options: SampleMapOptions = {},
): Promise<SampleMap | undefined> {
  const { points, keptIndices } = representation;
  if (points.rows < 2 || points.dim < 1) return undefined;
  const { projected } = await pca(points, 2, options);
  const x = new Array<number>(count).fill(NaN);
  const y = new Array<number>(count).fill(NaN);
  const kept = projected.dim;
  for (let row = 0; row < projected.rows; row++) {
    const index = keptIndices[row];
    x[index] = rounded(projected.data[row * kept]);
    y[index] = kept > 1 ? rounded(projected.data[row * kept + 1]) : 0;
  }
  return { method: 'pca', x, y };
}

function rounded(value: number): number {
  return Number(value.toPrecision(DIGITS));
}
