/**
 * From rankings to the calibration table: recall of the flipped rows in the
 * top fractions of each ranking, its mean and spread over seeds, and the
 * scorer to recommend. Pure.
 */
import { recallAtFraction } from '../../core/metrics';
import type { CalibrationRecall, CalibrationScorer } from '../../protocol/engine';

/** The fractions of the ranking recall is read at (the table). */
export const RECALL_FRACTIONS: readonly number[] = [0.05, 0.1, 0.2, 0.3];
/** The recommendation: best mean recall here… */
export const PRIMARY_FRACTION = 0.1;
/** …ties broken here. */
export const TIE_BREAK_FRACTION = 0.3;
/** Mean recalls closer than this are a tie (they are means of a few ratios of small integers). */
const TIE_TOLERANCE = 1e-9;

/** Recall of `flipped` in the first ⌈f·n⌉ of `ranked` (dataset indices, best first), for each f. */
export function recallAtFractions(
  ranked: ArrayLike<number>,
  flipped: ReadonlySet<number>,
  fractions: readonly number[] = RECALL_FRACTIONS,
): number[] {
  return fractions.map((fraction) => recallAtFraction(ranked, flipped as Set<number>, fraction));
}

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanAndSd(values: readonly number[]): { mean: number; sd: number } {
  const n = values.length;
  const mean = values.reduce((sum, value) => sum + value, 0) / n;
  const squares = values.reduce((sum, value) => sum + (value - mean) ** 2, 0);
  return { mean, sd: n > 1 ? Math.sqrt(squares / (n - 1)) : 0 };
}

/** `perSeed[s][f]`: recall on seed s at fractions[f] → one entry per fraction. */
export function summariseRecall(
  perSeed: readonly number[][],
  fractions: readonly number[],
): CalibrationRecall[] {
  return fractions.map((fraction, f) => {
    const values = perSeed.map((seed) => seed[f]);
    return { fraction, ...meanAndSd(values), perSeed: values };
  });
}

function meanAt(scorer: CalibrationScorer, fraction: number): number {
  return scorer.recall.find((entry) => entry.fraction === fraction)?.mean ?? Number.NEGATIVE_INFINITY;
}

/**
 * The scorer with the best mean recall@10%; a tie goes to the better mean
 * recall@30%, a tie there to the earlier scorer (the registry's order).
 * Unavailable scorers are never chosen; undefined when none ran.
 */
export function recommendScorer(scorers: readonly CalibrationScorer[]): string | undefined {
  let best: CalibrationScorer | undefined;
  for (const candidate of scorers) {
    if (candidate.unavailable) continue;
    if (!best) {
      best = candidate;
      continue;
    }
    const primary = meanAt(candidate, PRIMARY_FRACTION) - meanAt(best, PRIMARY_FRACTION);
    const tieBreak = meanAt(candidate, TIE_BREAK_FRACTION) - meanAt(best, TIE_BREAK_FRACTION);
    if (primary > TIE_TOLERANCE || (Math.abs(primary) <= TIE_TOLERANCE && tieBreak > TIE_TOLERANCE))
      best = candidate;
  }
  return best?.scorer;
}
