/**
 * One method over a set of images: its maps' deletion and insertion AUC
 * (the project's faithfulness module, deleted pixels set to pixel-space
 * black) and Gini sparsity, and the milliseconds each map took.
 */
import { faithfulnessMetrics } from '../../../src/model/attribution/faithfulness';
import type { GradientModel } from '../../../src/model/autodiff/types';
import type { HeldOutImage } from './data';
import type { BenchMethod } from './methods';

export interface MethodScores {
  deletion: number[];
  insertion: number[];
  sparsity: number[];
  milliseconds: number[];
}

export async function evaluateMethod(
  model: GradientModel,
  method: BenchMethod,
  images: readonly HeldOutImage[],
  black: Float32Array,
): Promise<MethodScores> {
  const scores: MethodScores = { deletion: [], insertion: [], sparsity: [], milliseconds: [] };
  for (const { index, input } of images.slice(0, method.maxImages ?? images.length)) {
    const started = performance.now();
    const map = await method.run(model, input, black, 1000 + index);
    scores.milliseconds.push(performance.now() - started);
    const metrics = await faithfulnessMetrics(model, input, map, { fill: black });
    scores.deletion.push(metrics.deletionAuc);
    scores.insertion.push(metrics.insertionAuc);
    scores.sparsity.push(metrics.sparsity);
  }
  return scores;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function sd(values: readonly number[]): number {
  const m = mean(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length - 1));
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** "0.123 ± 0.045" (mean ± standard deviation over images). */
export function spread(values: readonly number[], digits = 3): string {
  return `${mean(values).toFixed(digits)} ± ${sd(values).toFixed(digits)}`;
}
