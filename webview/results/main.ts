/**
 * Results webview entry. Says `ready` once it listens, then renders whatever
 * results the host sends: the header, the score histogram and the prototype
 * galleries when the results carry them, and the ranked rows. Remembers the
 * scroll position and the gallery grouping across reloads.
 */
import {
  isResultsHostMessage,
  type ResultRow,
  type ResultsPayload,
  type ResultsWebviewToHost,
} from '../../src/protocol/resultsPanel';
import { element, showWaiting } from '../shared/dom';
import { connectToHost, getVsCodeApi } from '../shared/vscodeApi';
import { Galleries } from './gallery';
import { renderHeader } from './header';
import { ScoreHistogram } from './histogram';
import { ResultsTable } from './resultsTable';
import { restoredState, resultsKey, type PersistedState } from './state';

const vscode = getVsCodeApi<ResultsWebviewToHost, PersistedState>();
const app = document.getElementById('app')!;
let table: ResultsTable | undefined;
let histogram: ScoreHistogram | undefined;
let state: PersistedState | undefined;

function saveState(change: Partial<PersistedState>): void {
  if (!state) return;
  state = { ...state, ...change };
  vscode.setState(state);
}

const openRow = (row: ResultRow) => vscode.postMessage({ type: 'openSample', index: row.index });
const explainRow = (row: ResultRow) => vscode.postMessage({ type: 'explainSample', index: row.index });

function showResults(payload: ResultsPayload): void {
  table?.dispose();
  table = undefined;
  histogram?.dispose();
  histogram = undefined;
  state = restoredState(vscode.getState(), resultsKey(payload));
  app.replaceChildren(renderHeader(payload));
  app.setAttribute('aria-busy', 'false');
  app.dataset.task = payload.task;
  app.dataset.rowCount = String(payload.rows.length);

  if (payload.distribution) {
    histogram = new ScoreHistogram(payload.distribution);
    app.append(histogram.element);
    histogram.mount();
  }

  // Galleries and table share the rest of the height: stacked, or side by side on wide panels.
  const body = element('div', 'results-body');
  app.append(body);
  if (payload.prototypes || payload.criticisms) {
    body.classList.add('has-galleries');
    const galleries = new Galleries({
      payload,
      grouping: state.grouping,
      onOpen: openRow,
      onReveal: (index) => table?.reveal(index),
      onGroupingChange: (grouping) => saveState({ grouping }),
    });
    body.append(galleries.element);
  }

  if (payload.rows.length === 0) {
    body.append(element('p', 'results-empty', 'No samples to show.'));
    return;
  }
  table = new ResultsTable({
    rows: payload.rows,
    columns: payload.columns,
    scrollTop: state.scrollTop,
    focused: state.focused,
    cutoffRank: payload.metrics?.estimatedIssues,
    onOpen: openRow,
    onExplain: explainRow,
    onViewChange: (scrollTop, focused) => saveState({ scrollTop, focused }),
  });
  body.append(table.element);
  table.mount();
}

showWaiting(app, 'Waiting for results…');
connectToHost(vscode, isResultsHostMessage, (message) => showResults(message.payload));
