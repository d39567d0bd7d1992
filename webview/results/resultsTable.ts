/**
 * The ranked rows as a virtual grid: the scroll area is as tall as all rows,
 * but only the rows in view (plus a margin) exist in the DOM, so 60,000 rows
 * cost what 30 do. Rows have a fixed height, which keeps the arithmetic exact.
 */
import type { ResultColumn } from '../../src/protocol/engine';
import type { ResultRow } from '../../src/protocol/resultsPanel';
import { element, thumbnailImage } from '../shared/dom';
import { differsFromContrast, formatScore, formatValue } from './format';
import { navigate, scrollTopToReveal, visibleWindow, type RowWindow } from './virtualWindow';

/** Must match `--row-height` in media/results.css (56 px thumbnail + padding). */
export const ROW_HEIGHT = 64;

/** A column of the grid: the fixed ones (rank, thumbnail, sample, score) around the task's own. */
interface GridColumn {
  className: string;
  title: string;
  /** CSS grid track. */
  width: string;
  description?: string;
  render(row: ResultRow): HTMLElement;
}

function gridColumns(columns: readonly ResultColumn[], thumbnails: boolean): GridColumn[] {
  const grid: GridColumn[] = [
    {
      className: 'cell-rank',
      title: 'Rank',
      width: '3.5rem',
      render: (row) => textCell('cell-rank', String(row.rank)),
    },
  ];
  if (thumbnails)
    grid.push({
      className: 'cell-thumb',
      title: '',
      width: 'calc(var(--thumb-size) + 8px)',
      render: thumbnailCell,
    });
  grid.push({
    className: 'cell-id',
    title: 'Sample',
    width: 'minmax(3rem, 3fr)',
    render: (row) => {
      const cell = textCell('cell-id', row.id);
      cell.title = row.openable ? `${row.id} (click or Enter to open)` : row.id;
      return cell;
    },
  });
  for (const column of columns) {
    const className = `cell-col cell-kind-${column.kind} cell-col-${column.key}`;
    grid.push({
      className,
      title: column.title,
      // Every row is its own grid, so tracks cannot size to content: a number column is as wide as its title needs.
      width: column.kind === 'number' ? `max(4.5rem, ${column.title.length + 2}ch)` : 'minmax(3rem, 1.4fr)',
      description: column.description,
      render: (row) => {
        const cell = textCell(className, formatValue(row.values[column.key], column.kind));
        if (differsFromContrast(row, column)) cell.classList.add('is-contrast');
        return cell;
      },
    });
  }
  grid.push({
    className: 'cell-score',
    title: 'Score',
    width: '3.75rem',
    render: (row) => textCell('cell-score', formatScore(row.score)),
  });
  return grid;
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

export interface ResultsTableOptions {
  rows: readonly ResultRow[];
  columns: readonly ResultColumn[];
  scrollTop: number;
  focused: number;
  /** Rank of the last sample the task estimates to be an issue (metrics.estimatedIssues): a line is drawn under it. */
  cutoffRank?: number;
  onOpen(row: ResultRow): void;
  /** Explain the prediction for an image row (the row's button, or the E key). */
  onExplain?(row: ResultRow): void;
  onViewChange(scrollTop: number, focused: number): void;
}

export class ResultsTable {
  readonly element: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly canvas: HTMLElement;
  private readonly rendered = new Map<number, HTMLElement>();
  private window: RowWindow = { start: 0, end: 0 };
  private focused: number;
  private frame = 0;
  private readonly resizeObserver: ResizeObserver;
  private readonly grid: GridColumn[];

  constructor(private readonly options: ResultsTableOptions) {
    const rows = options.rows;
    this.grid = gridColumns(
      options.columns,
      rows.some((row) => row.thumbnail !== undefined),
    );
    this.focused = Math.min(options.focused, Math.max(0, rows.length - 1));

    this.element = element('section', 'results-table');
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-label', 'Ranked samples');
    this.element.setAttribute('aria-rowcount', String(rows.length + 1));
    this.element.style.setProperty('--columns', this.grid.map((column) => column.width).join(' '));
    // Room at the rows' end for the explain button, in the header too so the columns stay aligned.
    if (rows.some((row) => this.isExplainable(row))) this.element.classList.add('has-explain');

    const head = element('div', 'results-head-row');
    head.setAttribute('role', 'row');
    head.setAttribute('aria-rowindex', '1');
    for (const column of this.grid) {
      const cell = element('div', `cell ${column.className}`, column.title);
      cell.setAttribute('role', 'columnheader');
      if (column.description) cell.title = column.description;
      head.append(cell);
    }

    this.viewport = element('div', 'results-viewport');
    this.canvas = element('div', 'results-canvas');
    this.canvas.style.height = `${rows.length * ROW_HEIGHT}px`;
    this.viewport.append(this.canvas);
    this.element.append(head, this.viewport);

    this.viewport.addEventListener('scroll', () => this.schedule());
    this.canvas.addEventListener('click', (event) => this.onClick(event));
    this.canvas.addEventListener('keydown', (event) => this.onKeyDown(event));
    this.canvas.addEventListener('focusin', (event) => {
      const position = this.positionOf(event.target);
      if (position !== undefined && position !== this.focused) {
        this.focused = position;
        this.updateTabStop();
      }
    });
    this.resizeObserver = new ResizeObserver(() => this.schedule());
    this.resizeObserver.observe(this.viewport);
  }

  /** Call once the element is in the document (heights are known only then). */
  mount(): void {
    this.viewport.scrollTop = this.options.scrollTop;
    this.render();
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    cancelAnimationFrame(this.frame);
    this.element.remove();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
      this.options.onViewChange(this.viewport.scrollTop, this.focused);
    });
  }

  private render(): void {
    const next = visibleWindow(
      this.viewport.scrollTop,
      this.viewport.clientHeight,
      ROW_HEIGHT,
      this.options.rows.length,
    );
    for (const [position, row] of this.rendered) {
      if (position < next.start || position >= next.end) {
        row.remove();
        this.rendered.delete(position);
      }
    }
    // The rows kept form one contiguous run; new rows go before or after it, so
    // DOM order stays rank order (screen readers and tests read it that way).
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

  /**
   * Exactly one rendered row is reachable with Tab: the focused one, or the
   * first row in view when the focused one has scrolled out of the DOM.
   */
  private updateTabStop(): void {
    const firstInView = Math.floor(this.viewport.scrollTop / ROW_HEIGHT);
    const stop = this.rendered.has(this.focused)
      ? this.focused
      : Math.min(Math.max(firstInView, this.window.start), this.window.end - 1);
    for (const [position, row] of this.rendered) row.tabIndex = position === stop ? 0 : -1;
  }

  private createRow(position: number): HTMLElement {
    const data = this.options.rows[position];
    const row = element('div', 'result-row');
    row.setAttribute('role', 'row');
    row.setAttribute('aria-rowindex', String(position + 2));
    row.dataset.index = String(data.index);
    row.dataset.rank = String(data.rank);
    row.dataset.position = String(position);
    row.tabIndex = -1;
    row.style.transform = `translateY(${position * ROW_HEIGHT}px)`;
    // Parity by rank, not DOM order: the DOM holds a sliding window of rows.
    if (position % 2 === 1) row.classList.add('is-even');
    if (data.openable) row.classList.add('is-openable');
    if (data.rank === this.options.cutoffRank) {
      row.classList.add('is-cutoff');
      row.title = `The estimated ${data.rank} issues end here`;
    }
    for (const column of this.grid) row.append(column.render(data));
    for (const child of Array.from(row.children)) child.setAttribute('role', 'gridcell');
    // Not a `.cell`: the button floats over the row's end and is no column of the grid.
    if (this.isExplainable(data)) row.append(explainButton(data));
    return row;
  }

  private positionOf(target: EventTarget | null): number | undefined {
    const row = (target as HTMLElement | null)?.closest?.('.result-row') as HTMLElement | null;
    const position = Number(row?.dataset.position);
    return Number.isInteger(position) ? position : undefined;
  }

  private onClick(event: MouseEvent): void {
    const position = this.positionOf(event.target);
    if (position === undefined) return;
    this.focus(position);
    if ((event.target as HTMLElement).closest?.('.row-explain')) this.explain(position);
    else this.open(position);
  }

  /** Rows whose sample is an image file the panel shows (a thumbnail), when the table offers explanations. */
  private isExplainable(row: ResultRow): boolean {
    return this.options.onExplain !== undefined && row.openable && row.thumbnail !== undefined;
  }

  private explain(position: number): void {
    const row = this.options.rows[position];
    if (row && this.isExplainable(row)) this.options.onExplain?.(row);
  }

  private onKeyDown(event: KeyboardEvent): void {
    const position = this.positionOf(event.target);
    if (position === undefined) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.open(position);
      return;
    }
    if (event.key === 'e' || event.key === 'E') {
      event.preventDefault();
      this.explain(position);
      return;
    }
    const rowsPerPage = Math.floor(this.viewport.clientHeight / ROW_HEIGHT);
    const target = navigate(event.key, position, this.options.rows.length, rowsPerPage);
    if (target === undefined) return;
    event.preventDefault();
    this.focus(target);
  }

  private open(position: number): void {
    const row = this.options.rows[position];
    if (row?.openable) this.options.onOpen(row);
  }

  /** Moves the roving tabindex to `position`, scrolling it into view and rendering it first. */
  private focus(position: number): void {
    this.focused = position;
    const scrollTop = scrollTopToReveal(
      position,
      this.viewport.scrollTop,
      this.viewport.clientHeight,
      ROW_HEIGHT,
    );
    if (scrollTop !== this.viewport.scrollTop) this.viewport.scrollTop = scrollTop;
    this.render();
    this.rendered.get(position)?.focus({ preventScroll: true });
    this.options.onViewChange(this.viewport.scrollTop, this.focused);
  }

  /** Scrolls the row of sample `index` into view and focuses it (a gallery tile of a sample that is no file). */
  reveal(index: number): void {
    const position = this.options.rows.findIndex((row) => row.index === index);
    if (position >= 0) this.focus(position);
  }

  /** The rows currently in the DOM (for debugging and tests). */
  get renderedWindow(): RowWindow {
    return this.window;
  }
}
