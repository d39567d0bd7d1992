/**
 * What the prototype and criticism galleries show, in which order. Pure: the
 * lists arrive best first and every prefix is itself an answer, so the order
 * is kept everywhere, globally and within each class.
 */
import type { ResultColumn } from '../../src/protocol/engine';
import type { ResultRow } from '../../src/protocol/resultsPanel';

export type GalleryGrouping = 'global' | 'class';

export interface GalleryItem {
  /** The sample's index (ResultRow.index). */
  index: number;
  /** 1-based place in the whole list: the first m items are the m-sample answer. */
  place: number;
  /** Undefined when the results have no row for the index (nothing to show but the index). */
  row?: ResultRow;
}

export interface GalleryGroup {
  /** The class, or undefined for the global list and for samples without a label. */
  label?: string;
  items: GalleryItem[];
}

/** The first `limit` entries of a list with their rows; `hidden` says how many were left out. */
export function galleryItems(
  indices: readonly number[],
  rowsByIndex: ReadonlyMap<number, ResultRow>,
  limit: number,
): { items: GalleryItem[]; hidden: number } {
  const shown = indices.slice(0, Math.max(0, limit));
  return {
    items: shown.map((index, i) => ({ index, place: i + 1, row: rowsByIndex.get(index) })),
    hidden: indices.length - shown.length,
  };
}

/**
 * The column whose value is the sample's class: the one keyed `label` (the
 * dataset's label), else the first column of kind `label`.
 */
export function classColumn(columns: readonly ResultColumn[]): string | undefined {
  const labels = columns.filter((column) => column.kind === 'label');
  return (labels.find((column) => column.key === 'label') ?? labels[0])?.key;
}

/**
 * Items by class: classes in `classOrder` (the dataset's label names) first,
 * then other values in order of first appearance, then the unlabelled; each
 * group keeps the list's order. `global` is one group with every item.
 */
export function groupItems(
  items: readonly GalleryItem[],
  grouping: GalleryGrouping,
  classKey: string | undefined,
  classOrder: readonly string[],
): GalleryGroup[] {
  if (grouping === 'global' || classKey === undefined) return items.length ? [{ items: [...items] }] : [];
  const byClass = new Map<string, GalleryItem[]>();
  const unlabelled: GalleryItem[] = [];
  for (const item of items) {
    const value = item.row?.values[classKey];
    if (value === undefined || value === '') {
      unlabelled.push(item);
      continue;
    }
    const label = String(value);
    const group = byClass.get(label);
    if (group) group.push(item);
    else byClass.set(label, [item]);
  }
  const rank = new Map(classOrder.map((label, i) => [label, i]));
  const labels = [...byClass.keys()];
  // Array.prototype.sort is stable: unknown classes keep their order of first appearance.
  labels.sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity));
  const groups: GalleryGroup[] = labels.map((label) => ({ label, items: byClass.get(label)! }));
  if (unlabelled.length) groups.push({ items: unlabelled });
  return groups;
}

/** Where an arrow, Home or End key moves the focus in a gallery of `count` tiles read in order. */
export function galleryNavigate(key: string, position: number, count: number): number | undefined {
  if (count === 0) return undefined;
  const target = (() => {
    switch (key) {
      case 'ArrowRight':
      case 'ArrowDown':
        return position + 1;
      case 'ArrowLeft':
      case 'ArrowUp':
        return position - 1;
      case 'Home':
        return 0;
      case 'End':
        return count - 1;
      default:
        return undefined;
    }
  })();
  return target === undefined ? undefined : Math.min(count - 1, Math.max(0, target));
}
