import { spreadLabels } from '../../../core/acquire';
import type { CsrGraph } from '../../../core/csr';
import {
  argMax,
  findLabelIssues,
  labelDisagreement,
  neighbourMajority,
  type ChannelResult,
} from '../../../core/labels';
import { highPassInfluence } from '../../../core/margin';
import type { ComputeOptions } from '../../../core/types';
import type { ResolvedScanParams } from '../types';

/** How far label spreading carries labels (chosen on the design split, docs/results.md). */
export const SPREAD_ALPHA = 0.9;

/** What every scorer reads: over the graph's rows, and over the labelled rows only (`rows`). */
export interface LabelEvidence {
  graph: CsrGraph;
  /** Class code per graph row, −1 unlabelled. */
  codes: Int32Array;
  C: number;
  /** Graph rows that carry a label, ascending; the arrays below follow them. */
  rows: Int32Array;
  labels: Int32Array;
  /** rows.length × C. */
  probabilities: Float64Array;
  channel: ChannelResult;
}

export interface LabelScores {
  /** One per labelled row (`evidence.rows`): higher = more likely mislabeled. */
  score: Float64Array;
  /** The most likely true class of each labelled row by the scorer's own evidence (−1: none). */
  suggested: Int32Array;
  metrics?: Record<string, number>;
}

/**
 * Scores of one scorer. The suggested label is the scorer's own best guess:
 * the neighbours' majority for the graph scorers (the paper's), the spread
 * labels for `spread`, the arg-max class probability for `confidence` and
 * `confident-learning` (as cleanlab), the pooled class for `fused`.
 */
export async function scoreLabels(
  scorer: string,
  evidence: LabelEvidence,
  params: ResolvedScanParams,
  options: ComputeOptions,
): Promise<LabelScores> {
  const { graph, codes, C, rows, labels, probabilities } = evidence;
  const n = rows.length;
  const scoresOf = (values: Float64Array) => Float64Array.from(rows, (row) => values[row]);
  const classesOf = (values: Int32Array) => Int32Array.from(rows, (row) => values[row]);
  const mostProbable = () => Int32Array.from({ length: n }, (_, r) => argMax(probabilities, r, C));
  const selfDoubt = () => Float64Array.from({ length: n }, (_, r) => 1 - probabilities[r * C + labels[r]]);

  switch (scorer) {
    case 'margin':
    case 'disagreement': {
      const f = labelDisagreement(graph, codes);
      const score =
        scorer === 'margin'
          ? highPassInfluence(graph, f, { operator: params.operator, variant: params.variant })
          : f;
      return { score: scoresOf(score), suggested: classesOf(neighbourMajority(graph, codes, C)) };
    }
    case 'confidence':
      return { score: selfDoubt(), suggested: mostProbable() };
    case 'spread': {
      const spread = await spreadLabels(graph, codes, C, { alpha: SPREAD_ALPHA, ...options });
      const score = Float64Array.from(rows, (row) => 1 - spread.probabilities[row * C + codes[row]]);
      return { score, suggested: classesOf(spread.predicted) };
    }
    case 'confident-learning': {
      const flagged = findLabelIssues(probabilities, labels, C);
      const doubt = selfDoubt();
      let count = 0;
      for (let r = 0; r < n; r++) {
        doubt[r] += flagged[r];
        count += flagged[r];
      }
      return { score: doubt, suggested: mostProbable(), metrics: { confidentLearningFlagged: count } };
    }
    case 'fused': {
      const { pooled, flipProbability } = evidence.channel;
      return {
        score: Float64Array.from(flipProbability),
        suggested: Int32Array.from({ length: n }, (_, r) => argMax(pooled, r, C)),
      };
    }
    default:
      throw new RangeError(`the labels task has no scorer "${scorer}"`);
  }
}
