/** What the webview keeps across reloads (VS Code drops hidden webviews' documents). */
import type { ResultsPayload } from '../../src/protocol/resultsPanel';
import type { GalleryGrouping } from './galleryGroups';

export interface PersistedState {
  /** Which results the position belongs to. */
  resultsKey: string;
  scrollTop: number;
  /** Position (in rank order) of the focused row. */
  focused: number;
  /** How the prototype and criticism galleries are grouped; a preference, kept across results. */
  grouping: GalleryGrouping;
}

/** Same task, same dataset, same number of rows: the saved scroll position still means something. */
export function resultsKey(payload: ResultsPayload): string {
  return JSON.stringify([payload.task, payload.dataset.source, payload.dataset.count, payload.rows.length]);
}

export function restoredState(saved: unknown, key: string): PersistedState {
  const state = saved as Partial<PersistedState> | undefined;
  const grouping: GalleryGrouping = state?.grouping === 'class' ? 'class' : 'global';
  if (
    state &&
    state.resultsKey === key &&
    typeof state.scrollTop === 'number' &&
    typeof state.focused === 'number'
  ) {
    return {
      resultsKey: key,
      scrollTop: Math.max(0, state.scrollTop),
      focused: Math.max(0, Math.floor(state.focused)),
      grouping,
    };
  }
  return { resultsKey: key, scrollTop: 0, focused: 0, grouping };
}
