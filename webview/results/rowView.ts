/**
 * Which rows the grid shows, in which order: the filters (class, review
 * state, score range, the map's brushed samples) and the sort. Pure, so the
 * unit tests check it on plain arrays; 60,000 rows filter and sort in a few
 * milliseconds.
 */
import type { ResultColumn } from '../../src/protocol/engine';
import type { ResultRow, ReviewMark, ReviewMarks } from '../../src/protocol/resultsPanel';

export type ReviewFilter = 'all' | 'unreviewed' | 'reviewed' | 'ok' | 'relabelled';

export const REVIEW_FILTERS: readonly [ReviewFilter, string][] = [
  ['all', 'Any review state'],
  ['unreviewed', 'Not reviewed'],
  ['reviewed', 'Reviewed'],
  ['ok', 'Marked OK'],
  ['relabelled', 'Relabelled'],
];

export interface RowFilter {
  /** Only rows whose class (the class column's value) is this; undefined: every class. */
  className?: string;
  review: ReviewFilter;
  /** Inclusive score bounds; undefined: open. */
  minScore?: number;
  maxScore?: number;
  /** Only these sample indices (the map's brush); undefined: no brush. */
  brushed?: ReadonlySet<number>;
}

/** What a header sorts by: the fixed columns, a task column by key, or the review state. */
export type SortKey = 'rank' | 'id' | 'score' | 'review' | `column:${string}`;

export interface RowSort {
  key: SortKey;
  descending: boolean;
}

export const DEFAULT_SORT: RowSort = { key: 'rank', descending: false };
export const NO_FILTER: RowFilter = { review: 'all' };

export function matchesReview(mark: ReviewMark | undefined, filter: ReviewFilter): boolean {
  switch (filter) {
    case 'all':
      return true;
    case 'unreviewed':
      return mark === undefined;
    case 'reviewed':
      return mark !== undefined;
    case 'ok':
      return mark?.state === 'ok';
    case 'relabelled':
      return mark?.state === 'relabelled';
  }
}

export function isFiltered(filter: RowFilter): boolean {
  return (
    filter.className !== undefined ||
    filter.review !== 'all' ||
    filter.minScore !== undefined ||
    filter.maxScore !== undefined ||
    filter.brushed !== undefined
  );
}

/** The rows that pass every filter, in the payload's (rank) order. */
export function filterRows(
  rows: readonly ResultRow[],
  filter: RowFilter,
  reviewed: ReviewMarks,
  classKey: string | undefined,
): ResultRow[] {
  const { className, minScore, maxScore, brushed, review } = filter;
  return rows.filter(
    (row) =>
      (className === undefined ||
        (classKey !== undefined && String(row.values[classKey] ?? '') === className)) &&
      (minScore === undefined || row.score >= minScore) &&
      (maxScore === undefined || row.score <= maxScore) &&
      (brushed === undefined || brushed.has(row.index)) &&
      // Skipped when any state will do: looking 60,000 cloned id strings up costs ~0.3 s at first paint.
      (review === 'all' || matchesReview(reviewed[row.id], review)),
  );
}

/** How a review decision sorts and reads in its cell: "OK", "→ cat", or nothing. */
export function reviewText(mark: ReviewMark | undefined): string {
  if (!mark) return '';
  return mark.state === 'ok' ? 'OK' : `→ ${mark.to}`;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * `rows` sorted by `sort` (a new array). Absent values go last in both
 * directions; ties keep rank order, so a sort by class lists each class best first.
 */
export function sortRows(rows: readonly ResultRow[], sort: RowSort, reviewed: ReviewMarks): ResultRow[] {
  const sorted = [...rows];
  if (sort.key === 'rank' && !sort.descending) return sorted.sort((a, b) => a.rank - b.rank);
  const valueOf = sortValue(sort.key, reviewed);
  const direction = sort.descending ? -1 : 1;
  return sorted.sort((a, b) => {
    const left = valueOf(a);
    const right = valueOf(b);
    const leftAbsent = left === undefined || left === '';
    const rightAbsent = right === undefined || right === '';
    if (leftAbsent || rightAbsent) return leftAbsent === rightAbsent ? a.rank - b.rank : leftAbsent ? 1 : -1;
    const order =
      typeof left === 'number' && typeof right === 'number'
        ? left - right
        : collator.compare(String(left), String(right));
    return order !== 0 && !Number.isNaN(order) ? order * direction : a.rank - b.rank;
  });
}

function sortValue(key: SortKey, reviewed: ReviewMarks): (row: ResultRow) => string | number | undefined {
  if (key === 'rank') return (row) => row.rank;
  if (key === 'score') return (row) => row.score;
  if (key === 'id') return (row) => row.id;
  if (key === 'review') return (row) => reviewText(reviewed[row.id]);
  const column = key.slice('column:'.length);
  return (row) => {
    const value = row.values[column];
    return typeof value === 'boolean' ? (value ? 1 : 0) : value;
  };
}

/**
 * The position after which the grid draws the cut-off line: the last row
 * ranked within the estimated issues, when the rows are in rank order (in
 * any other order a line "where the issues end" means nothing).
 */
export function cutoffPosition(
  rows: readonly ResultRow[],
  sort: RowSort,
  cutoffRank: number | undefined,
): number | undefined {
  if (cutoffRank === undefined || cutoffRank <= 0 || sort.key !== 'rank' || sort.descending) return undefined;
  // Rank order: binary search for the last rank ≤ cutoff.
  let low = 0;
  let high = rows.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (rows[middle].rank <= cutoffRank) low = middle + 1;
    else high = middle;
  }
  return low > 0 && low < rows.length ? low - 1 : undefined;
}

/** The classes to filter by: the dataset's label names first, then others the rows hold, in order of appearance. */
export function classesOf(
  rows: readonly ResultRow[],
  classKey: string | undefined,
  labelNames: readonly string[],
): string[] {
  if (classKey === undefined) return [];
  const seen = new Set<string>();
  for (const row of rows) {
    const value = row.values[classKey];
    if (value !== undefined && value !== '') seen.add(String(value));
  }
  const named = labelNames.filter((name) => seen.has(name));
  const others = [...seen].filter((name) => !labelNames.includes(name));
  return [...named, ...others];
}

/** The sort a click on a header asks for: the same key flips the direction; a new one starts at its natural direction. */
export function nextSort(current: RowSort, key: SortKey, columns: readonly ResultColumn[]): RowSort {
  if (current.key === key) return { key, descending: !current.descending };
  const column = key.startsWith('column:')
    ? columns.find((entry) => `column:${entry.key}` === key)
    : undefined;
  // Scores and number columns read best high first; names and ranks ascending.
  const descending = key === 'score' || column?.kind === 'number';
  return { key, descending };
}
