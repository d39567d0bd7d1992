/**
 * The ranked rows as a virtual grid: the scroll area is as tall as all rows,
 * but only the rows in view (plus a margin) exist in the DOM, so 60,000 rows
 * cost what 30 do. Rows have a fixed height, which keeps the arithmetic exact.
 */
import type { ResultRow } from '../../src/protocol/webview';
import { element } from './dom';
import { formatScore, isDisagreement } from './format';
import { navigate, scrollTopToReveal, visibleWindow, type RowWindow } from './virtualWindow';

/** Must match `--row-height` in media/results.css (56 px thumbnail + padding). */
export const ROW_HEIGHT = 64;

const COLUMNS: { className: string; title: string }[] = [
  { className: 'cell-rank', title: 'Rank' },
  { className: 'cell-thumb', title: '' },
  { className: 'cell-id', title: 'Sample' },
  { className: 'cell-label', title: 'Given label' },
  { className: 'cell-suggested', title: 'Suggested' },
  { className: 'cell-score', title: 'Score' },
];

export interface ResultsTableOptions {
  rows: readonly ResultRow[];
  scrollTop: number;
  focused: number;
  onOpen(row: ResultRow): void;
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

  constructor(private readonly options: ResultsTableOptions) {
    const rows = options.rows;
    this.focused = Math.min(options.focused, Math.max(0, rows.length - 1));

    this.element = element('section', 'results-table');
    this.element.setAttribute('role', 'grid');
    this.element.setAttribute('aria-label', 'Ranked samples');
    this.element.setAttribute('aria-rowcount', String(rows.length + 1));

    const head = element('div', 'results-head-row');
    head.setAttribute('role', 'row');
    head.setAttribute('aria-rowindex', '1');
    for (const column of COLUMNS) {
      const cell = element('div', `cell ${column.className}`, column.title);
      cell.setAttribute('role', 'columnheader');
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
    if (isDisagreement(data)) row.classList.add('is-disagreement');

    const thumb = element('div', 'cell cell-thumb');
    if (data.thumbnail) {
      const image = element('img');
      image.decoding = 'async';
      image.width = 56;
      image.height = 56;
      image.alt = '';
      image.addEventListener('error', () => image.classList.add('is-broken'), { once: true });
      image.src = data.thumbnail;
      thumb.append(image);
    }
    const id = this.cell('cell-id', data.id);
    id.title = data.openable ? `${data.id} (click or Enter to open)` : data.id;
    const suggested = this.cell('cell-suggested', data.suggested ?? '');
    if (data.predicted !== undefined && data.predicted !== data.suggested)
      suggested.title = `model predicts ${data.predicted}`;
    row.append(
      this.cell('cell-rank', String(data.rank)),
      thumb,
      id,
      this.cell('cell-label', data.label ?? ''),
      suggested,
      this.cell('cell-score', formatScore(data.score)),
    );
    for (const child of Array.from(row.children)) child.setAttribute('role', 'gridcell');
    return row;
  }

  private cell(className: string, text: string): HTMLElement {
    return element('div', `cell ${className}`, text);
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
    this.open(position);
  }

  private onKeyDown(event: KeyboardEvent): void {
    const position = this.positionOf(event.target);
    if (position === undefined) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.open(position);
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

  /** The rows currently in the DOM (for debugging and tests). */
  get renderedWindow(): RowWindow {
    return this.window;
  }
}
