/**
 * The prototype and criticism galleries: thumbnails (or ids, for samples that
 * are rows of an array file) with their labels, best first, globally or
 * grouped by class. A tile opens its sample like a row of the table does.
 *
 * Each gallery is one tab stop (a roving tabindex): Tab reaches it, the arrow
 * keys, Home and End move within it, Enter or Space opens the tile.
 */
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import type { ResultRow, ResultsPayload } from '../../src/protocol/resultsPanel';
import { element, thumbnailImage } from '../shared/dom';
import {
  classColumn,
  galleryItems,
  galleryNavigate,
  groupItems,
  type GalleryGrouping,
  type GalleryItem,
} from './galleryGroups';

/** Tiles shown per gallery; the lists are best first, so the rest is the table's. */
export const GALLERY_LIMIT = 500;

interface GalleryList {
  key: 'prototypes' | 'criticisms';
  title: string;
  /** What the order means, in one line. */
  hint: string;
  indices: readonly number[];
}

export interface GalleriesOptions {
  payload: ResultsPayload;
  grouping: GalleryGrouping;
  /** A tile of a sample that is a file: open it (the host's `openSample`). */
  onOpen(row: ResultRow): void;
  /** A tile of a sample that is not a file: show its row in the table instead. */
  onReveal(index: number): void;
  onGroupingChange(grouping: GalleryGrouping): void;
}

export class Galleries {
  readonly element: HTMLElement;
  private readonly lists: GalleryList[];
  private readonly rowsByIndex: Map<number, ResultRow>;
  private readonly classKey: string | undefined;
  private readonly body: HTMLElement;
  private grouping: GalleryGrouping;

  constructor(private readonly options: GalleriesOptions) {
    const { payload } = options;
    this.lists = [];
    if (payload.prototypes)
      this.lists.push({
        key: 'prototypes',
        title: 'Prototypes',
        hint: 'Best first: the first m are the m-prototype summary.',
        indices: payload.prototypes,
      });
    if (payload.criticisms)
      this.lists.push({
        key: 'criticisms',
        title: 'Criticisms',
        hint: 'What the prototypes cover worst, most telling first.',
        indices: payload.criticisms,
      });
    this.rowsByIndex = new Map(payload.rows.map((row) => [row.index, row]));
    this.classKey = classColumn(payload.columns);
    this.grouping = this.classKey === undefined ? 'global' : options.grouping;

    this.element = element('section', 'galleries');
    this.element.setAttribute('aria-label', this.lists.map((list) => list.title).join(' and '));
    if (this.classKey !== undefined) this.element.append(this.groupingToggle());
    this.body = element('div', 'galleries-body');
    this.element.append(this.body);
    this.render();
  }

  private groupingToggle(): HTMLElement {
    const bar = element('div', 'galleries-toolbar');
    const label = element('span', 'galleries-toolbar-label', 'Show');
    label.id = 'galleries-grouping-label';
    const group = element('vscode-radio-group');
    group.setAttribute('aria-labelledby', label.id);
    const choices: [GalleryGrouping, string][] = [
      ['global', 'All samples'],
      ['class', 'By class'],
    ];
    for (const [value, text] of choices) {
      const radio = element('vscode-radio');
      radio.name = 'gallery-grouping';
      radio.value = value;
      radio.label = text;
      radio.checked = value === this.grouping;
      radio.addEventListener('change', () => {
        if (!radio.checked || this.grouping === value) return;
        this.grouping = value;
        this.options.onGroupingChange(value);
        this.render();
      });
      group.append(radio);
    }
    bar.append(label, group);
    return bar;
  }

  private render(): void {
    const classOrder = this.options.payload.dataset.labelNames;
    // By class, the group heading names the class: the tiles drop their label line.
    this.element.classList.toggle('is-by-class', this.grouping === 'class');
    this.body.replaceChildren(...this.lists.map((list) => this.renderList(list, classOrder)));
  }

  private renderList(list: GalleryList, classOrder: readonly string[]): HTMLElement {
    const section = element('section', `gallery gallery-${list.key}`);
    const heading = element('h2', 'gallery-title', list.title);
    heading.id = `gallery-${list.key}-title`;
    const count = element('span', 'gallery-count', list.indices.length.toLocaleString('en-US'));
    heading.append(document.createTextNode(' '), count);
    section.setAttribute('aria-labelledby', heading.id);
    section.append(heading, element('p', 'gallery-hint', list.hint));

    const { items, hidden } = galleryItems(list.indices, this.rowsByIndex, GALLERY_LIMIT);
    if (items.length === 0) {
      section.append(element('p', 'gallery-empty', `No ${list.title.toLowerCase()} in these results.`));
      return section;
    }
    const tiles: HTMLElement[] = [];
    for (const group of groupItems(items, this.grouping, this.classKey, classOrder)) {
      const groupElement = element('div', 'gallery-group');
      if (this.grouping === 'class') {
        const name = group.label ?? 'No label';
        groupElement.append(element('h3', 'gallery-group-title', `${name} · ${group.items.length}`));
      }
      const strip = element('div', 'gallery-tiles');
      strip.setAttribute('role', 'list');
      for (const item of group.items) {
        const tile = this.tile(item, list);
        tiles.push(tile);
        const entry = element('div', 'gallery-item');
        entry.setAttribute('role', 'listitem');
        entry.append(tile);
        strip.append(entry);
      }
      groupElement.append(strip);
      section.append(groupElement);
    }
    if (hidden > 0)
      section.append(
        element(
          'p',
          'gallery-more',
          `The first ${items.length.toLocaleString('en-US')} are shown; ${hidden.toLocaleString('en-US')} more are in the table.`,
        ),
      );
    this.wireKeyboard(tiles);
    return section;
  }

  private tile(item: GalleryItem, list: GalleryList): HTMLElement {
    const row = item.row;
    const label = this.classKey !== undefined ? row?.values[this.classKey] : undefined;
    const labelText = label === undefined || label === '' ? undefined : String(label);
    const id = row?.id ?? `#${item.index}`;

    const tile = element('button', 'gallery-tile');
    tile.type = 'button';
    tile.tabIndex = -1;
    tile.dataset.index = String(item.index);
    tile.dataset.place = String(item.place);
    if (row?.thumbnail) {
      const image = thumbnailImage(row.thumbnail, 'gallery-thumb');
      image.loading = 'lazy';
      tile.append(image);
    } else {
      // No picture (a row of an array file): the id stands in its place.
      tile.append(element('span', 'gallery-id', id));
    }
    tile.append(element('span', 'gallery-place', String(item.place)));
    tile.append(element('span', 'gallery-label', labelText ?? '—'));

    const action = row?.openable ? 'open' : row ? 'show in the table' : 'not in the results';
    const singular = list.key === 'prototypes' ? 'Prototype' : 'Criticism';
    tile.title = `${singular} ${item.place}: ${id}${labelText ? ` (${labelText})` : ''}, ${action}`;
    tile.setAttribute('aria-label', tile.title);
    if (!row) tile.setAttribute('aria-disabled', 'true');
    tile.addEventListener('click', () => {
      if (!row) return;
      if (row.openable) this.options.onOpen(row);
      else this.options.onReveal(row.index);
    });
    return tile;
  }

  private wireKeyboard(tiles: HTMLElement[]): void {
    if (tiles.length === 0) return;
    tiles[0].tabIndex = 0;
    tiles.forEach((tile, position) => {
      tile.addEventListener('focus', () => {
        for (const other of tiles) other.tabIndex = other === tile ? 0 : -1;
      });
      tile.addEventListener('keydown', (event) => {
        const target = galleryNavigate(event.key, position, tiles.length);
        if (target === undefined) return;
        event.preventDefault();
        tiles[target].focus();
      });
    });
  }
}
