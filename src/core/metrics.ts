import { InputError } from './errors';

/**
 * Retrieval metrics of a ranking against known positives (e.g. the samples
 * whose labels were flipped on purpose). `ranked` lists sample indices, best
 * first; `positives` is a set of sample indices or a boolean mask indexed by
 * sample. Samples missing from `ranked` count as never retrieved. With no
 * positives at all, recall and average precision are 0 (there is nothing to find).
 */
export type Positives = Set<number> | ArrayLike<boolean>;

/** Share of all positives found in the first k entries (k is clamped to the ranking's length). */
export function recallAtK(ranked: ArrayLike<number>, positives: Positives, k: number): number {
  const total = positiveCount(positives);
  return total > 0 ? hitsInTop(ranked, positives, checkK(k)) / total : 0;
}

/** Share of the first k entries that are positive; the denominator is k even past the ranking's end. */
export function precisionAtK(ranked: ArrayLike<number>, positives: Positives, k: number): number {
  const kk = checkK(k);
  return kk > 0 ? hitsInTop(ranked, positives, kk) / kk : 0;
}

/**
 * AP = (1 / |positives|) Σ over ranks r holding a positive of precision@r.
 * Positives absent from the ranking contribute 0.
 */
export function averagePrecision(ranked: ArrayLike<number>, positives: Positives): number {
  const total = positiveCount(positives);
  if (total === 0) return 0;
  const isPositive = membership(positives);
  let hits = 0;
  let sum = 0;
  for (let r = 0; r < ranked.length; r++) {
    if (isPositive(ranked[r])) {
      hits++;
      sum += hits / (r + 1);
    }
  }
  return sum / total;
}

/**
 * Recall in the first ⌈fraction · n⌉ entries, n = ranking length. The product
 * is nudged down by 1e-9 before rounding up so that e.g. 0.1 · 30 =
 * 3.0000000000000004 in floating point reads as 3, not 4.
 */
export function recallAtFraction(ranked: ArrayLike<number>, positives: Positives, fraction: number): number {
  if (!(fraction >= 0 && fraction <= 1))
    throw new InputError('fraction', `must lie in [0, 1], got ${fraction}`);
  const k = Math.max(0, Math.ceil(fraction * ranked.length - 1e-9));
  return recallAtK(ranked, positives, k);
}

function hitsInTop(ranked: ArrayLike<number>, positives: Positives, k: number): number {
  const isPositive = membership(positives);
  const end = Math.min(k, ranked.length);
  let hits = 0;
  for (let r = 0; r < end; r++) if (isPositive(ranked[r])) hits++;
  return hits;
}

function membership(positives: Positives): (index: number) => boolean {
  if (positives instanceof Set) return (index) => positives.has(index);
  return (index) => Boolean(positives[index]);
}

function positiveCount(positives: Positives): number {
  if (positives instanceof Set) return positives.size;
  let count = 0;
  for (let i = 0; i < positives.length; i++) if (positives[i]) count++;
  return count;
}

function checkK(k: number): number {
  if (!Number.isInteger(k) || k < 0) throw new InputError('k', `must be a whole number ≥ 0, got ${k}`);
  return k;
}

/**
 * Area under the ROC curve of `scores` for telling positives from negatives
 * (higher score = more positive): the probability that a random positive
 * outscores a random negative, ties counting one half (the Mann–Whitney U
 * statistic over n₊·n₋). NaN when either class is empty.
 */
export function auroc(scores: ArrayLike<number>, positive: ArrayLike<boolean>): number {
  if (scores.length !== positive.length) {
    throw new RangeError(`auroc: ${scores.length} scores but ${positive.length} labels`);
  }
  const order = Array.from({ length: scores.length }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  let rankSum = 0;
  // Average ranks (1-based) over runs of tied scores.
  for (let start = 0; start < order.length;) {
    let end = start + 1;
    while (end < order.length && scores[order[end]] === scores[order[start]]) end++;
    const averageRank = (start + 1 + end) / 2;
    for (let t = start; t < end; t++) {
      if (positive[order[t]]) {
        positives++;
        rankSum += averageRank;
      }
    }
    start = end;
  }
  const negatives = scores.length - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
