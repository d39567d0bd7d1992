/**
 * The selected sample in detail: its image enlarged (pixelated: a 28×28
 * sample stays sharp), its values, the model's view of it, the nearest
 * neighbours that drove its score (the answer to "why was this flagged?"),
 * the model's top classes as bars when the engine sent them,
 * and the actions Open, Explain, Relabel… and Mark OK.
 */
import type { ColumnValue, ResultColumn } from '../../src/protocol/engine';
import type { ClassProbability, ResultRow, ReviewMark } from '../../src/protocol/resultsPanel';
import { element, thumbnailImage } from '../shared/dom';
import { formatScore, formatValue } from './format';
import { describeNeighbours } from './neighbours';
import type { RowAction } from './resultsTable';
import { reviewText } from './rowView';

/** Columns about what the model thinks, shown apart as "the model's view". */
const MODEL_KEYS = new Set(['predicted', 'runnerUp', 'confidence', 'closest']);
/** What the model's top classes (ResultRow.probabilities) say better when the row has them. */
const TOP_CLASS_KEYS = new Set(['predicted', 'runnerUp', 'confidence']);

export interface DetailPaneOptions {
  columns: readonly ResultColumn[];
  classKey: string | undefined;
  rowsByIndex: ReadonlyMap<number, ResultRow>;
  canExplain(row: ResultRow): boolean;
  onAction(action: RowAction, row: ResultRow): void;
  /** A neighbour's tile: select that sample. */
  onSelectIndex(index: number): void;
}

export class DetailPane {
  readonly element: HTMLElement;
  private row: ResultRow | undefined;
  private mark: ReviewMark | undefined;

  constructor(private readonly options: DetailPaneOptions) {
    this.element = element('aside', 'detail-pane');
    this.element.setAttribute('aria-label', 'Selected sample');
    this.element.setAttribute('aria-live', 'polite');
    this.show(undefined, undefined);
  }

  show(row: ResultRow | undefined, mark: ReviewMark | undefined): void {
    this.row = row;
    this.mark = mark;
    if (!row) {
      this.element.dataset.index = '';
      this.element.replaceChildren(element('p', 'detail-empty', 'No sample selected.'));
      return;
    }
    this.element.dataset.index = String(row.index);
    const top = element('div', 'detail-top');
    top.append(this.image(row), this.facts(row));
    const parts: HTMLElement[] = [this.heading(row), top, this.actions(row)];
    if (row.neighbours) parts.push(this.neighbours(row, row.neighbours));
    this.element.replaceChildren(...parts);
  }

  /** The review decision changed: only the heading's badge and the buttons depend on it. */
  setMark(mark: ReviewMark | undefined): void {
    if (this.row && reviewText(mark) !== reviewText(this.mark)) this.show(this.row, mark);
  }

  private heading(row: ResultRow): HTMLElement {
    const heading = element('h2', 'detail-title');
    heading.append(element('span', 'detail-id', row.id));
    const badge = element('span', 'detail-rank', `rank ${row.rank} · score ${formatScore(row.score)}`);
    heading.append(document.createTextNode(' '), badge);
    heading.title = row.id;
    if (this.mark) {
      const review = element(
        'span',
        `detail-review is-${this.mark.state}`,
        `Reviewed: ${reviewText(this.mark)}`,
      );
      heading.append(document.createTextNode(' '), review);
    }
    return heading;
  }

  private image(row: ResultRow): HTMLElement {
    const frame = element('div', 'detail-image-frame');
    if (row.thumbnail) {
      const image = thumbnailImage(row.thumbnail, 'detail-image');
      image.removeAttribute('width');
      image.removeAttribute('height');
      image.alt = `Sample ${row.id}`;
      frame.append(image);
    } else {
      frame.append(element('p', 'detail-no-image', 'No picture: this sample is a row of a table file.'));
    }
    return frame;
  }

  private facts(row: ResultRow): HTMLElement {
    const list = element('dl', 'detail-facts');
    const model: [string, string][] = [];
    const topClasses = row.probabilities?.length ? row.probabilities : undefined;
    for (const column of this.options.columns) {
      const text = formatValue(row.values[column.key], column.kind);
      if (!text) continue;
      if (topClasses && TOP_CLASS_KEYS.has(column.key)) continue;
      if (MODEL_KEYS.has(column.key)) model.push([column.title, text]);
      else list.append(element('dt', undefined, column.title), element('dd', undefined, text));
    }
    if (topClasses) {
      list.append(element('dt', 'detail-model-title detail-top-classes-title', "Model's top classes"));
      const value = element('dd', 'detail-top-classes');
      value.append(topClassBars(topClasses, row.values[this.options.classKey ?? '']));
      list.append(value);
    }
    if (model.length) {
      list.append(element('dt', 'detail-model-title', "Model's view"));
      const value = element('dd', 'detail-model');
      value.textContent = model.map(([title, text]) => `${title}: ${text}`).join(' · ');
      list.append(value);
    }
    return list;
  }

  private actions(row: ResultRow): HTMLElement {
    const bar = element('div', 'detail-actions');
    bar.setAttribute('role', 'toolbar');
    bar.setAttribute('aria-label', `Actions on ${row.id}`);
    const button = (action: RowAction, text: string, key: string, enabled: boolean, primary = false) => {
      const node = element('button', `detail-action${primary ? ' is-primary' : ''}`, text);
      node.type = 'button';
      node.dataset.action = action;
      node.title = `${text.replace('…', '')} ${row.id} (${key})`;
      node.setAttribute('aria-keyshortcuts', key);
      node.disabled = !enabled;
      node.addEventListener('click', () => this.options.onAction(action, row));
      return node;
    };
    bar.append(
      button('open', 'Open', 'Enter', row.openable),
      button('explain', 'Explain', 'E', this.options.canExplain(row)),
      button('relabel', 'Relabel…', 'R', true),
      button('markReviewed', this.mark?.state === 'ok' ? 'Marked OK' : 'Mark OK', 'O', true, true),
    );
    return bar;
  }

  private neighbours(row: ResultRow, indices: readonly number[]): HTMLElement {
    const section = element('section', 'detail-neighbours');
    const title = element('h3', 'detail-neighbours-title', `Nearest neighbours (${indices.length})`);
    title.id = 'detail-neighbours-title';
    section.setAttribute('aria-labelledby', title.id);
    const { rowsByIndex, classKey } = this.options;
    section.append(
      title,
      element('p', 'detail-why', describeNeighbours(row, indices, rowsByIndex, classKey)),
    );
    const list = element('ol', 'neighbour-list');
    const own = classKey === undefined ? undefined : row.values[classKey];
    indices.forEach((index, place) => {
      const neighbour = rowsByIndex.get(index);
      const label = classKey === undefined ? undefined : neighbour?.values[classKey];
      const labelText = label === undefined || label === '' ? '—' : String(label);
      const item = element('li', 'neighbour');
      const tile = element('button', 'neighbour-tile');
      tile.type = 'button';
      tile.dataset.index = String(index);
      if (own !== undefined && label !== undefined && label !== own) tile.classList.add('is-other-label');
      if (neighbour?.thumbnail) tile.append(thumbnailImage(neighbour.thumbnail, 'neighbour-thumb'));
      else tile.append(element('span', 'neighbour-id', neighbour?.id ?? `#${index}`));
      tile.append(element('span', 'neighbour-label', labelText));
      tile.title = `Neighbour ${place + 1}: ${neighbour?.id ?? `sample #${index}`} (${labelText})`;
      tile.setAttribute('aria-label', `${tile.title}; select it`);
      tile.disabled = neighbour === undefined;
      tile.addEventListener('click', () => this.options.onSelectIndex(index));
      item.append(tile);
      list.append(item);
    });
    section.append(list);
    return section;
  }
}

/**
 * The model's top classes as a list of bars, most probable first; the
 * sample's own label (its class column) is marked, so "the model prefers
 * another class" reads at a glance. Text carries the numbers: the bars only echo them.
 */
export function topClassBars(top: readonly ClassProbability[], ownLabel: ColumnValue): HTMLElement {
  const list = element('ol', 'top-classes');
  list.setAttribute('aria-label', "Model's top classes, most probable first");
  for (const { label, p } of top) {
    const item = element('li', 'top-class');
    const isOwn = ownLabel !== undefined && String(ownLabel) === label;
    if (isOwn) item.classList.add('is-own-label');
    const percent = `${(100 * p).toFixed(1)}%`;
    const name = element('span', 'top-class-label', isOwn ? `${label} (its label)` : label);
    name.title = label;
    const track = element('span', 'top-class-track');
    const bar = element('span', 'top-class-bar');
    bar.style.width = `${Math.max(0, Math.min(1, p)) * 100}%`;
    track.append(bar);
    item.append(name, track, element('span', 'top-class-p', percent));
    list.append(item);
  }
  return list;
}
