/**
 * Results webview entry. Says `ready` once it listens, then renders whatever
 * results the host sends: the header and its summary, the score histogram and
 * the embedding map, the prototype galleries when the results carry them, the
 * filters, the ranked rows and the detail pane of the selected sample. The
 * map's brush, the filters and the sort choose which rows the grid lists.
 * Review decisions arrive with the results and later on their own.
 * Remembers the scroll position, selection, sort, filters and the gallery
 * grouping across reloads.
 */
import {
  isResultsHostMessage,
  type ResultRow,
  type ResultsPayload,
  type ResultsWebviewToHost,
  type ReviewMarks,
  type SampleAction,
} from '../../src/protocol/resultsPanel';
import { element, showWaiting } from '../shared/dom';
import { connectToHost, getVsCodeApi } from '../shared/vscodeApi';
import { DetailPane } from './detailPane';
import { EmbeddingMapView, MAP_FLAGGED_LIMIT } from './embeddingMap';
import { differsFromContrast } from './format';
import { Galleries } from './gallery';
import { classColumn } from './galleryGroups';
import { renderHeader } from './header';
import { ScoreHistogram } from './histogram';
import { ResultsTable, type RowAction } from './resultsTable';
import {
  classesOf,
  cutoffPosition,
  filterRows,
  nextSort,
  sortRows,
  type RowFilter,
  type RowSort,
  type SortKey,
} from './rowView';
import { restoredState, resultsKey, type PersistedState } from './state';
import { Toolbar } from './toolbar';
import { unpackResultsPayload } from './unpackRows';

const vscode = getVsCodeApi<ResultsWebviewToHost, PersistedState>();
const app = document.getElementById('app')!;

const ACTION_MESSAGES: Record<RowAction, SampleAction> = {
  open: 'openSample',
  explain: 'explainSample',
  markReviewed: 'markReviewed',
  relabel: 'relabelSample',
};

/** One rendering of one payload; replaced when new results arrive. */
class ResultsView {
  private state: PersistedState;
  private reviewed: ReviewMarks;
  private filter: RowFilter;
  private sort: RowSort;
  private readonly classKey: string | undefined;
  private readonly rowsByIndex: Map<number, ResultRow>;
  private readonly disposables: { dispose(): void }[] = [];
  private table: ResultsTable | undefined;
  private toolbar: Toolbar | undefined;
  private detail: DetailPane | undefined;
  private map: EmbeddingMapView | undefined;

  constructor(private readonly payload: ResultsPayload) {
    this.state = restoredState(vscode.getState(), resultsKey(payload));
    this.reviewed = payload.reviewed ?? {};
    this.filter = { ...this.state.filter };
    this.sort = this.state.sort;
    this.classKey = classColumn(payload.columns);
    this.rowsByIndex = new Map(payload.rows.map((row) => [row.index, row]));
  }

  render(): void {
    const { payload } = this;
    app.replaceChildren(renderHeader(payload));
    app.setAttribute('aria-busy', 'false');
    app.dataset.task = payload.task;
    app.dataset.rowCount = String(payload.rows.length);
    if (payload.rows.length === 0) {
      app.append(element('p', 'results-empty', 'No samples to show.'));
      return;
    }
    const classes = classesOf(payload.rows, this.classKey, payload.dataset.labelNames);
    // The figures come a frame after the rows (60,000 dots and bins cost ~100 ms); their slot keeps its height.
    const figures = element('div', 'results-figures');
    figures.setAttribute('aria-busy', 'true');
    app.append(figures);
    const frame = requestAnimationFrame(() =>
      requestAnimationFrame(() => {
        if (figures.isConnected) this.renderFigures(figures, classes);
      }),
    );
    this.disposables.push({ dispose: () => cancelAnimationFrame(frame) });

    this.toolbar = new Toolbar({
      classes,
      classTitle: payload.columns.find((column) => column.key === this.classKey)?.title,
      filter: this.filter,
      onChange: (change) => {
        this.filter = { ...this.filter, ...change };
        const { brushed: _brushed, ...saved } = this.filter;
        this.save({ filter: saved });
        this.refresh();
      },
    });
    app.append(this.toolbar.element);

    // Galleries, grid and detail pane share the rest of the height: stacked, or side by side on wide panels.
    const body = element('div', 'results-body');
    app.append(body);
    if (payload.prototypes || payload.criticisms) {
      body.classList.add('has-galleries');
      const galleries = new Galleries({
        payload,
        grouping: this.state.grouping,
        onOpen: (row) => this.act('open', row),
        onReveal: (index) => this.table?.select(index),
        onGroupingChange: (grouping) => this.save({ grouping }),
      });
      body.append(galleries.element);
    }
    const workspace = element('div', 'results-workspace');
    body.append(workspace);
    const canExplain = (row: ResultRow) => row.openable && row.thumbnail !== undefined;
    this.detail = new DetailPane({
      columns: payload.columns,
      classKey: this.classKey,
      rowsByIndex: this.rowsByIndex,
      canExplain,
      onAction: (action, row) => this.act(action, row),
      onSelectIndex: (index) => this.selectIndex(index),
    });
    this.table = new ResultsTable({
      allRows: payload.rows,
      columns: payload.columns,
      sort: this.sort,
      canExplain,
      onSort: (key) => this.sortBy(key),
      onSelect: (row) => {
        this.detail?.show(row, row ? this.reviewed[row.id] : undefined);
        this.map?.highlight(row?.index);
      },
      onAction: (action, row) => this.act(action, row),
      onViewChange: (scrollTop, selectedIndex) => this.save({ scrollTop, selectedIndex }),
    });
    this.table.setReviewed(this.reviewed);
    workspace.append(this.table.element, this.detail.element);
    this.refresh({ scrollTop: this.state.scrollTop, selectedIndex: this.state.selectedIndex });
  }

  dispose(): void {
    for (const disposable of this.disposables) disposable.dispose();
    this.table?.dispose();
  }

  /** New review decisions: the grid, the detail pane and (when filtering by review) the view follow. */
  setReviewed(reviewed: ReviewMarks): void {
    this.reviewed = reviewed;
    this.table?.setReviewed(reviewed);
    const selected = this.table?.selected;
    this.detail?.setMark(selected ? reviewed[selected.id] : undefined);
    if (this.filter.review !== 'all' || this.sort.key === 'review') this.refresh();
  }

  private renderFigures(figures: HTMLElement, classes: readonly string[]): void {
    const { payload } = this;
    // Tasks without a distribution of their own get one of their scores: where the flagged ones sit.
    const distribution = payload.distribution ?? {
      title: 'Score',
      series: [{ name: 'all samples', values: payload.rows.map((row) => row.score) }],
    };
    const histogram = new ScoreHistogram(distribution);
    figures.append(histogram.element);
    this.disposables.push(histogram);
    if (payload.map) {
      this.map = new EmbeddingMapView({
        map: payload.map,
        rows: payload.rows,
        classKey: this.classKey,
        classes,
        flagged: this.flagged(),
        onBrush: (indices) => {
          this.filter = { ...this.filter, brushed: indices };
          this.refresh();
        },
        onSelect: (index) => this.selectIndex(index),
      });
      figures.append(this.map.element);
      this.disposables.push(this.map);
    }
    figures.setAttribute('aria-busy', 'false');
    histogram.mount();
    this.map?.mount();
    this.map?.highlight(this.table?.selected?.index);
  }

  /**
   * Flagged: ranked within the estimated issues; without an estimate, a
   * suggestion that differs from the label. The best-ranked MAP_FLAGGED_LIMIT
   * only: thousands of outlined dots would hide the map they are on.
   */
  private flagged(): Set<number> {
    const cutoff = this.payload.metrics?.estimatedIssues;
    const contrasted = this.payload.columns.filter((column) => column.contrastWith);
    const flagged = new Set<number>();
    for (const row of this.payload.rows) {
      if (flagged.size >= MAP_FLAGGED_LIMIT) break;
      const isFlagged =
        cutoff !== undefined
          ? row.rank <= cutoff
          : contrasted.some((column) => differsFromContrast(row, column));
      if (isFlagged) flagged.add(row.index);
    }
    return flagged;
  }

  private refresh(position: { scrollTop?: number; selectedIndex?: number } = {}): void {
    if (!this.table) return;
    const selectedIndex = position.selectedIndex ?? this.table.selected?.index;
    const filtered = filterRows(this.payload.rows, this.filter, this.reviewed, this.classKey);
    const view = sortRows(filtered, this.sort, this.reviewed);
    this.table.setView(view, {
      sort: this.sort,
      cutoff: cutoffPosition(view, this.sort, this.payload.metrics?.estimatedIssues),
      selectedIndex,
      scrollTop: position.scrollTop,
    });
    this.toolbar?.setCount(view.length, this.payload.rows.length);
  }

  private sortBy(key: SortKey): void {
    this.sort = nextSort(this.sort, key, this.payload.columns);
    this.save({ sort: this.sort });
    this.refresh();
  }

  /** A neighbour or a dot of the map: select its row; one the filters hide is shown in the detail pane only. */
  private selectIndex(index: number): void {
    if (this.table?.select(index)) return;
    const row = this.rowsByIndex.get(index);
    if (!row) return;
    this.detail?.show(row, this.reviewed[row.id]);
    this.map?.highlight(index);
  }

  private act(action: RowAction, row: ResultRow): void {
    vscode.postMessage({ type: ACTION_MESSAGES[action], index: row.index });
  }

  private save(change: Partial<PersistedState>): void {
    this.state = { ...this.state, ...change };
    vscode.setState(this.state);
  }
}

let view: ResultsView | undefined;

showWaiting(app, 'Waiting for results…');
connectToHost(vscode, isResultsHostMessage, (message) => {
  if (message.type === 'review') {
    view?.setReviewed(message.reviewed);
    return;
  }
  view?.dispose();
  view = new ResultsView(unpackResultsPayload(message.payload));
  view.render();
});
