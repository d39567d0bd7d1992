/**
 * Which samples of a labels result are flagged for review: the top of the
 * ranking down to the engine's estimate of how many labels are wrong
 * (`metrics.estimatedIssues`, the cut the results panel draws), less the ones
 * a person has settled. Pure, so the diagnostics, the Explorer badges and the
 * side panel agree, and it is unit tested without VS Code.
 */
import type { ScanResult, SampleResult } from '../../protocol/engine';

/** When a result has no estimate: the share of the ranking looked at, keeping only samples whose suggestion differs. */
const FALLBACK_SHARE = 0.05;

/** How many of the top-ranked samples are candidates for a flag. */
export function flagCut(result: ScanResult): number {
  const estimate = result.metrics?.estimatedIssues;
  if (typeof estimate === 'number' && Number.isFinite(estimate) && estimate >= 0)
    return Math.min(Math.round(estimate), result.samples.length);
  return Math.ceil(result.samples.length * FALLBACK_SHARE);
}

/** True when the suggestion names another label than the given one. */
export function suggestsOtherLabel(sample: SampleResult): boolean {
  return typeof sample.suggested === 'string' && sample.suggested !== '' && sample.suggested !== sample.label;
}

/**
 * The flagged samples, best first. `isSettled` says whether a person has
 * decided about a sample (marked OK, or relabelled and the change is in place).
 */
export function flaggedSamples(
  result: ScanResult,
  isSettled: (sample: SampleResult) => boolean,
): SampleResult[] {
  if (result.task !== 'labels') return [];
  const hasEstimate = typeof result.metrics?.estimatedIssues === 'number';
  const top = [...result.samples].sort((a, b) => a.rank - b.rank).slice(0, flagCut(result));
  return top.filter((sample) => (hasEstimate || suggestsOtherLabel(sample)) && !isSettled(sample));
}

/**
 * The score at and above which a flag is a warning rather than information:
 * 0.5 for scores that are probabilities (all in [0, 1], as the fused scorer's),
 * else the median of the flagged scores (half warnings, half information).
 */
export function warningThreshold(result: ScanResult, flagged: readonly SampleResult[]): number {
  const probabilities = result.samples.every((sample) => sample.score >= 0 && sample.score <= 1);
  if (probabilities || flagged.length === 0) return 0.5;
  const scores = flagged.map((sample) => sample.score).sort((a, b) => a - b);
  return scores[Math.floor(scores.length / 2)];
}

/** The one-line message of a flag (Problems panel, Explorer tooltip). */
export function flagMessage(sample: SampleResult): string {
  const given = sample.label === undefined ? 'no label' : `label "${String(sample.label)}"`;
  const suggestion = suggestsOtherLabel(sample)
    ? `suggested: "${String(sample.suggested)}"`
    : 'no other label suggested';
  return `MARGIN: ${given} may be wrong (score ${sample.score.toFixed(3)}, rank ${sample.rank}); ${suggestion}`;
}
