/**
 * The ranked rows as a virtual grid: the scroll area is as tall as all rows,
 * but only the rows in view (plus a margin) exist in the DOM, so 60,000 rows
 * cost what 30 do. Rows have a fixed height, which keeps the arithmetic exact.
 *
 * The grid shows a view of the rows (filtered and sorted by main.ts through
 * rowView.ts): `setView` swaps it. Headers sort (a button each, `aria-sort`
 * on the header cell). One row is selected (the detail pane shows it) and
 * selection follows the keyboard focus: arrows, Page Up/Down, Home, End move;
 * Enter opens the sample; O marks it OK; R relabels it; E explains it.
 */
import type { ResultColumn } from '../../src/protocol/engine';
import type { ResultRow, ReviewMarks } from '../../src/protocol/resultsPanel';
import { element, thumbnailImage } from '../shared/dom';
import { differsFromContrast, formatScore, formatValue } from './format';
import { reviewText, type RowSort, type SortKey } from './rowView';
import { navigate, scrollTopToReveal, visibleWindow, type RowWindow } from './virtualWindow';

/** Must match `--row-height` in media/results.css (56 px thumbnail + padding). */
export const ROW_HEIGHT = 64;

/** What the grid's hint says and the keys do (the hint is the grid's accessible description). */
export const KEYBOARD_HINT =
  'Keys: ↑ ↓ select · Enter open · O mark OK · R relabel… · E explain · click a header to sort';

/** A column of the grid: the fixed ones (rank, thumbnail, sample, review, score) around the task's own. */
interface GridColumn {
  className: string;
  title: string;
  /** CSS grid track. */
  width: string;
  /** The track's least width (a CSS length): their sum is how narrow the grid gets before it scrolls sideways. */
  minWidth: string;
  description?: string;
  /** Undefined: not sortable (the thumbnail). */
  sortKey?: SortKey;
  render(row: ResultRow, reviewed: ReviewMarks): HTMLElement;
}

function gridColumns(columns: readonly ResultColumn[], thumbnails: boolean): GridColumn[] {
  const grid: GridColumn[] = [
    {
      className: 'cell-rank',
      title: 'Rank',
      width: 'var(--rank-track)',
      minWidth: 'var(--rank-track)',
      sortKey: 'rank',
      render: (row) => textCell('cell-rank', String(row.rank)),
    },
  ];
  if (thumbnails)
    grid.push({
      className: 'cell-thumb',
      title: '',
      width: 'var(--thumb-track)',
      minWidth: 'var(--thumb-track)',
      render: thumbnailCell,
    });
  grid.push({
    className: 'cell-id',
    title: 'Sample',
    // Wide enough for its header and the start of a file name; the rest of the width goes here first.
    width: 'minmax(9ch, 3fr)',
    minWidth: '9ch',
    sortKey: 'id',
    render: (row) => {
      const cell = textCell('cell-id', row.id);
      cell.title = row.openable ? `${row.id} (double-click or Enter to open)` : row.id;
      return cell;
    },
  });
  for (const column of columns) {
    const className = `cell-col cell-kind-${column.kind} cell-col-${column.key}`;
    // Every row is its own grid, so tracks cannot size to content: a column is at least as wide as its title.
    const least =
      column.kind === 'number' ? `max(4.5rem, ${column.title.length + 3}ch)` : `${column.title.length + 1}ch`;
    grid.push({
      className,
      title: column.title,
      width: column.kind === 'number' ? least : `minmax(${least}, 1.4fr)`,
      minWidth: least,
      description: column.description,
      sortKey: `column:${column.key}`,
      render: (row) => {
        const cell = textCell(className, formatValue(row.values[column.key], column.kind));
        if (differsFromContrast(row, column)) {
          cell.classList.add('is-contrast');
          cell.title = `${column.title}: ${cell.textContent ?? ''} (differs from ${column.contrastWith})`;
        }
        return cell;
      },
    });
  }
  grid.push({
    className: 'cell-review',
    title: 'Review',
    width: 'var(--review-track)',
    minWidth: 'var(--review-track)',
    description: 'your decision: OK, or the new label',
    sortKey: 'review',
    render: (row, reviewed) => {
      const mark = reviewed[row.id];
      const cell = textCell('cell-review', reviewText(mark));
      if (mark) cell.classList.add(`is-${mark.state}`);
      return cell;
    },
  });
  grid.push({
    className: 'cell-score',
    title: 'Score',
    width: 'var(--score-track)',
    minWidth: 'var(--score-track)',
    sortKey: 'score',
    render: (row) => textCell('cell-score', formatScore(row.score)),
  });
  return grid;
}

/** The least width of a row: its tracks' least widths, the gaps between them and its padding. */
function gridMinWidth(grid: readonly GridColumn[]): string {
  const tracks = grid.map((column) => column.minWidth).join(' + ');
  return `calc(${tracks} + ${grid.length - 1} * var(--row-gap) + var(--row-pad-start) + var(--row-pad-end))`;
}

function textCell(className: string, text: string): HTMLElement {
  return element('div', `cell ${className}`, text);
}

/** The row's "explain" action: shown on hover and focus, reachable by mouse; the E key does the same. */
function explainButton(row: ResultRow): HTMLElement {
  const button = element('button', 'row-explain');
  button.type = 'button';
  button.tabIndex = -1;
  button.title = `Explain the prediction for ${row.id} (E)`;
  button.setAttribute('aria-label', `Explain the prediction for ${row.id}`);
  button.append(element('span', 'codicon codicon-flame'));
  return button;
}

function thumbnailCell(row: ResultRow): HTMLElement {
  const thumb = element('div', 'cell cell-thumb');
  if (row.thumbnail) thumb.append(thumbnailImage(row.thumbnail));
  return thumb;
}

/** What the grid asks its owner to do with a row. */
export type RowAction = 'open' | 'explain' | 'markReviewed' | 'relabel';

export interface ResultsTableOptions {
  /** Every row of the results (for the columns that have thumbnails and explanations). */
  allRows: readonly ResultRow[];
  columns: readonly ResultColumn[];
  sort: RowSort;
  onSort(key: SortKey): void;
  /** The selected row changed (click, keys); undefined when the view is empty. */
  onSelect(row: ResultRow | undefined): void;
  onAction(action: RowAction, row: ResultRow): void;
  onViewChange(scrollTop: number, selectedIndex: number | undefined): void;
  /** Whether a row's image can be explained (an image file the panel shows). */
  canExplain(row: ResultRow): boolean;
}

export class ResultsTable {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly head: HTMLElement;
  private readonly gridArea: HTMLElement;
  private readonly rendered = new Map<number, HTMLElement>();
  private window: RowWindow = { start: 0, end: 0 };
  private rows: readonly ResultRow[] = [];
  private reviewed: ReviewMarks = {};
  private cutoff: number | undefined;
  private focused = 0;
  private frame = 0;
  private scrollLeft = 0;
  private readonly resizeObserver: ResizeObserver;
  private readonly grid: GridColumn[];

  constructor(private readonly options: ResultsTableOptions) {
    this.grid = gridColumns(
      options.columns,
      options.allRows.some((row) => row.thumbnail !== undefined),
    );
    // The section is a size container (media/results.css): the tracks' variables live on the grid inside it.
    this.element = element('section', 'results-table');
    const gridArea = element('div', 'results-grid');
    gridArea.setAttribute('role', 'grid');
    gridArea.setAttribute('aria-label', 'Ranked samples');
    gridArea.style.setProperty('--columns', this.grid.map((column) => column.width).join(' '));
    // Narrower than this (half a window, many columns), the rows scroll sideways under a sticky rank and picture.
    gridArea.style.setProperty('--grid-min-width', gridMinWidth(this.grid));
    this.gridArea = gridArea;
    // Room at the rows' end for the explain button, in the header too so the columns stay aligned.
    if (options.allRows.some((row) => options.canExplain(row))) this.element.classList.add('has-explain');

    const hint = element('p', 'results-keys-hint', KEYBOARD_HINT);
    hint.id = 'results-keys-hint';
    gridArea.setAttribute('aria-describedby', hint.id);

    this.head = element('div', 'results-head-row');
    this.head.setAttribute('role', 'row');
    this.head.setAttribute('aria-rowindex', '1');
    this.renderHead(options.sort);

    this.viewport = element('div', 'results-viewport');
    this.canvas = element('div', 'results-canvas');
    this.viewport.append(this.canvas);
    gridArea.append(this.head, this.viewport);
    this.element.append(hint, gridArea);

    this.viewport.addEventListener('scroll', () => {
      this.followSideways();
      this.schedule();
    });
    this.canvas.addEventListener('click', (event) => this.onClick(event));
    this.canvas.addEventListener('dblclick', (event) => {
      const position = this.positionOf(event.target);
      if (position !== undefined && !(event.target as HTMLElement).closest?.('.row-explain'))
        this.act('open', position);
    });
    this.canvas.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.resizeObserver = new ResizeObserver(() => this.schedule());
    this.resizeObserver.observe(this.viewport);
  }

  /**
   * Shows `rows` (a filtered, sorted view): `cutoff` is the position after
   * which the estimated issues end; `selectedIndex` the sample to keep selected.
   */
  setView(
    rows: readonly ResultRow[],
    options: { sort: RowSort; cutoff?: number; selectedIndex?: number; scrollTop?: number },
  ): void {
    this.rows = rows;
    this.cutoff = options.cutoff;
    this.renderHead(options.sort);
    this.gridArea.setAttribute('aria-rowcount', String(rows.length + 1));
    this.canvas.style.height = `${rows.length * ROW_HEIGHT}px`;
    for (const row of this.rendered.values()) row.remove();
    this.rendered.clear();
    const kept =
      options.selectedIndex === undefined ? -1 : rows.findIndex((row) => row.index === options.selectedIndex);
    this.focused = Math.max(0, kept);
    if (!this.element.isConnected) return;
    if (options.scrollTop !== undefined) this.viewport.scrollTop = options.scrollTop;
    if (kept >= 0) this.reveal(kept);
    else if (options.scrollTop === undefined) this.viewport.scrollTop = 0;
    this.render();
    this.options.onSelect(rows[this.focused]);
  }

  /** New review decisions: the rows in view show them; the rest will when they render. */
  setReviewed(reviewed: ReviewMarks): void {
    this.reviewed = reviewed;
    for (const [position, row] of this.rendered) row.replaceWith(this.replaceRow(position, row));
  }

  /** Call once the element is in the document (heights are known only then). */
  mount(scrollTop: number): void {
    this.viewport.scrollTop = scrollTop;
    this.render();
    this.options.onSelect(this.rows[this.focused]);
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    cancelAnimationFrame(this.frame);
    this.element.remove();
  }

  get selected(): ResultRow | undefined {
    return this.rows[this.focused];
  }

  private renderHead(sort: RowSort): void {
    const cells = this.grid.map((column) => {
      const cell = element('div', `cell ${column.className}`);
      cell.setAttribute('role', 'columnheader');
      if (column.description) cell.title = column.description;
      if (column.sortKey === undefined) return cell;
      const key = column.sortKey;
      const button = element('button', 'sort-button', column.title);
      button.type = 'button';
      const active = sort.key === key;
      cell.setAttribute('aria-sort', active ? (sort.descending ? 'descending' : 'ascending') : 'none');
      if (active) {
        button.classList.add('is-sorted');
        button.append(element('span', `codicon codicon-arrow-${sort.descending ? 'down' : 'up'}`));
      }
      button.setAttribute('aria-label', `Sort by ${column.title}`);
      button.addEventListener('click', () => this.options.onSort(key));
      cell.append(button);
      return cell;
    });
    this.head.replaceChildren(...cells);
  }

  /** The header is outside the scrolled viewport: it moves sideways with the rows, its sticky cells back. */
  private followSideways(): void {
    const left = this.viewport.scrollLeft;
    if (left === this.scrollLeft) return;
    this.scrollLeft = left;
    this.gridArea.style.setProperty('--scroll-left', `${left}px`);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
      this.options.onViewChange(this.viewport.scrollTop, this.rows[this.focused]?.index);
    });
  }

  private render(): void {
    const next = visibleWindow(
      this.viewport.scrollTop,
      this.viewport.clientHeight,
      ROW_HEIGHT,
      this.rows.length,
    );
    for (const [position, row] of this.rendered) {
      if (position < next.start || position >= next.end) {
        row.remove();
        this.rendered.delete(position);
      }
    }
    // The rows kept form one contiguous run; new rows go before or after it, so
    // DOM order stays view order (screen readers and tests read it that way).
    let firstKept = Infinity;
    for (const position of this.rendered.keys()) firstKept = Math.min(firstKept, position);
    const above = document.createDocumentFragment();
    const below = document.createDocumentFragment();
    for (let position = next.start; position < next.end; position++) {
      if (this.rendered.has(position)) continue;
      const row = this.createRow(position);
      this.rendered.set(position, row);
      (position < firstKept ? above : below).append(row);
    }
    this.canvas.prepend(above);
    this.canvas.append(below);
    this.window = next;
    this.updateTabStop();
  }

  /** Exactly one rendered row is reachable with Tab: the selected one, or the first in view when it scrolled away. */
  private updateTabStop(): void {
    const firstInView = Math.floor(this.viewport.scrollTop / ROW_HEIGHT);
    const stop = this.rendered.has(this.focused)
      ? this.focused
      : Math.min(Math.max(firstInView, this.window.start), this.window.end - 1);
    for (const [position, row] of this.rendered) {
      row.tabIndex = position === stop ? 0 : -1;
      const selected = position === this.focused;
      row.classList.toggle('is-selected', selected);
      row.setAttribute('aria-selected', String(selected));
    }
  }

  private replaceRow(position: number, old: HTMLElement): HTMLElement {
    const row = this.createRow(position);
    row.tabIndex = old.tabIndex;
    this.rendered.set(position, row);
    return row;
  }

  private createRow(position: number): HTMLElement {
    const data = this.rows[position];
    const row = element('div', 'result-row');
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(position + 2));
    row.dataset.index = String(data.index);
    row.dataset.rank = String(data.rank);
    row.dataset.position = String(position);
    row.tabIndex = -1;
    row.style.transform = `translateY(${position * ROW_HEIGHT}px)`;
    // Parity by position, not DOM order: the DOM holds a sliding window of rows.
    if (position % 2 === 1) row.classList.add('is-even');
    if (data.openable) row.classList.add('is-openable');
    if (position === this.cutoff) {
      row.classList.add('is-cutoff');
      row.title = `The estimated issues end here (rank ${data.rank})`;
    }
    const mark = this.reviewed[data.id];
    if (mark) row.classList.add('is-reviewed');
    if (position === this.focused) {
      row.classList.add('is-selected');
      row.setAttribute('aria-selected', 'true');
    }
    for (const column of this.grid) row.append(column.render(data, this.reviewed));
    for (const child of Array.from(row.children)) child.setAttribute('role', 'gridcell');
    // Not a `.cell`: the button floats over the row's end and is no column of the grid.
    if (this.options.canExplain(data)) row.append(explainButton(data));
    return row;
  }

  private positionOf(target: EventTarget | null): number | undefined {
    const row = (target as HTMLElement | null)?.closest?.('.result-row') as HTMLElement | null;
    const position = Number(row?.dataset.position);
    return row && Number.isInteger(position) ? position : undefined;
  }

  /** A click selects (the detail pane shows the sample); the explain button explains; a double-click opens. */
  private onClick(event: MouseEvent): void {
    const position = this.positionOf(event.target);
    if (position === undefined) return;
    this.focus(position);
    if ((event.target as HTMLElement).closest?.('.row-explain')) this.act('explain', position);
  }

  private act(action: RowAction, position: number): void {
    const row = this.rows[position];
    if (!row) return;
    if (action === 'open' && !row.openable) return;
    if (action === 'explain' && !this.options.canExplain(row)) return;
    this.options.onAction(action, row);
  }

  private onKeyDown(event: KeyboardEvent): void {
    const position = this.positionOf(event.target);
    if (position === undefined || event.altKey || event.ctrlKey || event.metaKey) return;
    const action: RowAction | undefined =
      event.key === 'Enter'
        ? 'open'
        : ({ e: 'explain', o: 'markReviewed', r: 'relabel' } as const)[event.key.toLowerCase()];
    if (action) {
      event.preventDefault();
      this.act(action, position);
      return;
    }
    const rowsPerPage = Math.floor(this.viewport.clientHeight / ROW_HEIGHT);
    const target = navigate(event.key, position, this.rows.length, rowsPerPage);
    if (target === undefined) return;
    event.preventDefault();
    this.focus(target);
  }

  private reveal(position: number): void {
    const scrollTop = scrollTopToReveal(
      position,
      this.viewport.scrollTop,
      this.viewport.clientHeight,
      ROW_HEIGHT,
    );
    if (scrollTop !== this.viewport.scrollTop) this.viewport.scrollTop = scrollTop;
  }

  /** Selects `position` and moves the roving tabindex there, scrolling it into view and rendering it first. */
  private focus(position: number, takeFocus = true): void {
    const changed = position !== this.focused;
    this.focused = position;
    this.reveal(position);
    this.render();
    if (takeFocus) this.rendered.get(position)?.focus({ preventScroll: true });
    if (changed || takeFocus) this.options.onSelect(this.rows[position]);
    this.options.onViewChange(this.viewport.scrollTop, this.rows[position]?.index);
  }

  /** Selects the row of sample `index` (a gallery tile, a neighbour, a point of the map), if the view has it. */
  select(index: number, takeFocus = true): boolean {
    const position = this.rows.findIndex((row) => row.index === index);
    if (position < 0) return false;
    this.focus(position, takeFocus);
    return true;
  }

  /** The rows currently in the DOM (for debugging and tests). */
  get renderedWindow(): RowWindow {
    return this.window;
  }
}
