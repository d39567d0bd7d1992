import type { CsrGraph } from '../csr';
import { highPassInfluence, type InfluenceOptions } from '../margin';
import type { ComputeOptions } from '../types';
import { diverseOrder } from './diverseOrder';
import type { AcquisitionOrder } from './lazyGreedy';
import { spreadLabels, type Spreading } from './labelSpreading';

export interface MarginAcquisitionOptions extends InfluenceOptions, ComputeOptions {
  /** α of the reach computation (personalized PageRank from the labelled nodes). Default 0.95. */
  alpha?: number;
}

/** The parts of the MARGIN acquisition score, per node. */
export interface MarginAcquisition extends AcquisitionOrder {
  /** Σ_c MARGIN influence of the spread class-probability signal P_c, scaled to max 1. */
  influence: Float64Array;
  /** How much labelled mass reaches the node: personalized PageRank from the labelled set, scaled to max 1. */
  reach: Float64Array;
}

/**
 * MARGIN for active learning (case VI): the partial label signal is the label
 * spreading's class probabilities P (one graph signal per class). Its high-pass
 * response, I(i) = Σ_c |P_c − A P_c|(i) (each normalised as in MARGIN), is large
 * where the spread labels change, i.e. at the frontiers between classes, where a
 * label settles the most. Coverage discounts nodes the labelled set already
 * reaches: score = I(i) · (1 − reach(i)). The batch is the diverse order of that
 * score (no two graph neighbours in a pass).
 */
export async function marginAcquisitionOrder(
  graph: CsrGraph,
  spreading: Spreading,
  labels: Int32Array,
  options: MarginAcquisitionOptions = {},
): Promise<MarginAcquisition> {
  const { n } = graph;
  const C = spreading.numClasses;
  const influence = new Float64Array(n);
  const column = new Float64Array(n);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < n; i++) column[i] = spreading.probabilities[i * C + c];
    const response = highPassInfluence(graph, column, {
      operator: options.operator,
      variant: options.variant,
    });
    for (let i = 0; i < n; i++) influence[i] += response[i];
  }
  scaleToMaxOne(influence);

  const labelledAsOne = labels.map((label) => (label >= 0 ? 0 : -1));
  const reachSpread = await spreadLabels(graph, labelledAsOne, 1, {
    alpha: options.alpha ?? 0.95,
    balanceClasses: false,
    signal: options.signal,
  });
  const reach = Float64Array.from(reachSpread.scores);
  scaleToMaxOne(reach);

  const score = influence.map((value, i) => value * (1 - reach[i]));
  return { ...diverseOrder(graph, score, labels), influence, reach };
}

function scaleToMaxOne(values: Float64Array): void {
  let max = 0;
  for (const value of values) max = Math.max(max, value);
  if (max > 0) for (let i = 0; i < values.length; i++) values[i] /= max;
}
