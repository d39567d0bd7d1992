/** What the webview keeps across reloads (VS Code drops hidden webviews' documents). */
import type { ResultsPayload } from '../../src/protocol/resultsPanel';
import type { GalleryGrouping } from './galleryGroups';
import { DEFAULT_SORT, REVIEW_FILTERS, type RowFilter, type RowSort } from './rowView';

export interface PersistedState {
  /** Which results the position belongs to. */
  resultsKey: string;
  scrollTop: number;
  /** The selected sample (ResultRow.index). */
  selectedIndex?: number;
  /** How the prototype and criticism galleries are grouped; a preference, kept across results. */
  grouping: GalleryGrouping;
  sort: RowSort;
  /** The filters but the map's brush (a brush is a gesture, not a setting). */
  filter: Omit<RowFilter, 'brushed'>;
}

/** Same task, same dataset, same number of rows: the saved scroll position still means something. */
export function resultsKey(payload: ResultsPayload): string {
  return JSON.stringify([payload.task, payload.dataset.source, payload.dataset.count, payload.rows.length]);
}

export function restoredState(saved: unknown, key: string): PersistedState {
  const state = saved as Partial<PersistedState> | undefined;
  const grouping: GalleryGrouping = state?.grouping === 'class' ? 'class' : 'global';
  const fresh: PersistedState = {
    resultsKey: key,
    scrollTop: 0,
    grouping,
    sort: DEFAULT_SORT,
    filter: { review: 'all' },
  };
  if (!state || state.resultsKey !== key || typeof state.scrollTop !== 'number') return fresh;
  const sort =
    state.sort && typeof state.sort.key === 'string' && typeof state.sort.descending === 'boolean'
      ? state.sort
      : DEFAULT_SORT;
  const saved_ = state.filter;
  const filter: PersistedState['filter'] = {
    review: REVIEW_FILTERS.some(([value]) => value === saved_?.review) ? saved_!.review : 'all',
  };
  if (typeof saved_?.className === 'string') filter.className = saved_.className;
  if (typeof saved_?.minScore === 'number') filter.minScore = saved_.minScore;
  if (typeof saved_?.maxScore === 'number') filter.maxScore = saved_.maxScore;
  return {
    ...fresh,
    scrollTop: Math.max(0, state.scrollTop),
    ...(typeof state.selectedIndex === 'number' ? { selectedIndex: state.selectedIndex } : {}),
    sort,
    filter,
  };
}
