/**
 * Results webview entry. Says `ready` once it listens, then renders whatever
 * results the host sends; remembers the scroll position across reloads.
 */
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import type { HostToWebview, ResultRow, ResultsPayload } from '../../src/protocol/webview';
import { element } from './dom';
import { renderHeader } from './header';
import { ResultsTable } from './resultsTable';
import { restoredState, resultsKey, type PersistedState } from './state';
import { getVsCodeApi } from './vscodeApi';

const vscode = getVsCodeApi<PersistedState>();
const app = document.getElementById('app')!;
let table: ResultsTable | undefined;

function showWaiting(): void {
  const waiting = element('div', 'results-waiting');
  waiting.append(element('vscode-progress-ring'), element('span', undefined, 'Waiting for results…'));
  app.replaceChildren(waiting);
}

function showResults(payload: ResultsPayload): void {
  table?.dispose();
  table = undefined;
  const key = resultsKey(payload);
  const state = restoredState(vscode.getState(), key);
  app.replaceChildren(renderHeader(payload));
  app.setAttribute('aria-busy', 'false');
  app.dataset.task = payload.task;
  app.dataset.rowCount = String(payload.rows.length);

  if (payload.rows.length === 0) {
    app.append(element('p', 'results-empty', 'No samples to show.'));
    return;
  }
  table = new ResultsTable({
    rows: payload.rows,
    columns: payload.columns,
    scrollTop: state.scrollTop,
    focused: state.focused,
    onOpen: (row: ResultRow) => vscode.postMessage({ type: 'openSample', index: row.index }),
    onViewChange: (scrollTop, focused) => vscode.setState({ resultsKey: key, scrollTop, focused }),
  });
  app.append(table.element);
  table.mount();
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = event.data as Partial<HostToWebview> | null;
  if (message?.type === 'results' && message.payload && Array.isArray(message.payload.rows))
    showResults(message.payload);
});

showWaiting();
vscode.postMessage({ type: 'ready' });
