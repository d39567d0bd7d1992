/**
 * Shared bins for a score on several sets (the histogram above the adversarial
 * results). Pure, so the counts can be checked by hand.
 *
 * Every series is cut by the same equal-width edges, round numbers (d3's
 * ticks) spanning all finite values of all series, so bins line up with the
 * axis; each bin also holds its share of its own set: sets of different
 * sizes (1,000 clean references, 300 inputs under test) then compare at a glance.
 */
import { bisectRight, nice, ticks } from 'd3-array';

export interface BinnedSeries {
  name: string;
  /** Samples per bin; bin i holds edges[i] <= v < edges[i + 1], the last bin also its right edge. */
  counts: number[];
  /** counts / finite, 0 for an empty set. */
  shares: number[];
  /** Finite values (the ones binned). */
  finite: number;
  /** NaN and ±Infinity values, counted but not drawn. */
  nonFinite: number;
  /** Median of the finite values; undefined for an empty set. */
  median?: number;
}

export interface SharedHistogram {
  /** Increasing, equally spaced round edges (one more than bins); empty when no series has a finite value. */
  edges: number[];
  series: BinnedSeries[];
}

/**
 * About √n bins for the largest set, between 10 and 40: fine enough to show
 * two modes, coarse enough for 60,000. A target: round edges may give a few fewer or more.
 */
export function binCount(largestSet: number): number {
  return Math.min(40, Math.max(10, Math.round(Math.sqrt(largestSet))));
}

export function sharedBins(
  series: readonly { name: string; values: readonly number[] }[],
  bins = binCount(Math.max(0, ...series.map((entry) => entry.values.length))),
): SharedHistogram {
  let low = Infinity;
  let high = -Infinity;
  for (const entry of series)
    for (const value of entry.values) {
      if (!Number.isFinite(value)) continue;
      if (value < low) low = value;
      if (value > high) high = value;
    }

  if (low > high) {
    return {
      edges: [],
      series: series.map((entry) => ({
        name: entry.name,
        counts: [],
        shares: [],
        finite: 0,
        nonFinite: entry.values.length,
      })),
    };
  }
  // One value everywhere: a unit-wide range centred on it, so the bar has a place.
  if (low === high) {
    low -= 0.5;
    high += 0.5;
  }
  const count = Math.max(1, Math.floor(bins));
  const [start, stop] = nice(low, high, count);
  let edges = ticks(start, stop, count);
  // Magnitudes where round steps do not exist in floating point (±1e308, 1e20 ± 0.5): one plain bin.
  if (edges.length < 2 || !edges.every(Number.isFinite)) edges = [low, high];
  return {
    edges,
    series: series.map((entry) => {
      const counts = new Array<number>(edges.length - 1).fill(0);
      const finite: number[] = [];
      for (const value of entry.values) {
        if (!Number.isFinite(value)) continue;
        finite.push(value);
        counts[binOf(value, edges)] += 1;
      }
      const binned: BinnedSeries = {
        name: entry.name,
        counts,
        shares: counts.map((n) => (finite.length ? n / finite.length : 0)),
        finite: finite.length,
        nonFinite: entry.values.length - finite.length,
      };
      if (finite.length) binned.median = median(finite);
      return binned;
    }),
  };
}

/** Bin i holds edges[i] <= value < edges[i + 1]; the last bin also its right edge. */
function binOf(value: number, edges: readonly number[]): number {
  return Math.min(edges.length - 2, Math.max(0, bisectRight(edges, value) - 1));
}

/** The middle value, or the mean of the two middle values. */
export function median(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
