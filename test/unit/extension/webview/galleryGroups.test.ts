import assert from 'node:assert/strict';
import type { ResultColumn } from '../../../../src/protocol/engine';
import type { ResultRow } from '../../../../src/protocol/resultsPanel';
import {
  classColumn,
  galleryItems,
  galleryNavigate,
  groupItems,
} from '../../../../webview/results/galleryGroups';

const row = (index: number, label?: string): ResultRow => ({
  index,
  rank: index + 1,
  id: `#${index}`,
  score: 0,
  values: label === undefined ? {} : { label },
  openable: false,
});

// Samples 0…6 with their classes; sample 9 is in a list but has no row.
const rows = new Map<number, ResultRow>(
  [row(0, 'cat'), row(1, 'dog'), row(2, 'cat'), row(3, 'bird'), row(4, 'dog'), row(5), row(6, 'eel')].map(
    (entry) => [entry.index, entry],
  ),
);
const list = [4, 2, 9, 5, 0, 6, 1, 3];

describe('webview/results/galleryGroups', () => {
  it('keeps the list order with 1-based places, up to the limit', () => {
    const { items, hidden } = galleryItems(list, rows, 5);
    assert.deepEqual(
      items.map((item) => [item.index, item.place, item.row?.index]),
      [
        [4, 1, 4],
        [2, 2, 2],
        [9, 3, undefined],
        [5, 4, 5],
        [0, 5, 0],
      ],
    );
    assert.equal(hidden, 3);
    assert.equal(galleryItems(list, rows, 100).hidden, 0);
    assert.deepEqual(galleryItems([], rows, 10), { items: [], hidden: 0 });
  });

  it('groups by class in the dataset’s class order, keeping each list’s order, unlabelled last', () => {
    const { items } = galleryItems(list, rows, 100);
    // Dataset classes: dog, cat, bird. "eel" is not one of them: after them, in order of appearance.
    const groups = groupItems(items, 'class', 'label', ['dog', 'cat', 'bird']);
    assert.deepEqual(
      groups.map((group) => [group.label, group.items.map((item) => item.index)]),
      [
        ['dog', [4, 1]],
        ['cat', [2, 0]],
        ['bird', [3]],
        ['eel', [6]],
        // Sample 9 has no row and sample 5 no label.
        [undefined, [9, 5]],
      ],
    );
  });

  it('is one group in list order when global, or when there is no class column', () => {
    const { items } = galleryItems(list, rows, 100);
    for (const groups of [
      groupItems(items, 'global', 'label', []),
      groupItems(items, 'class', undefined, []),
    ]) {
      assert.equal(groups.length, 1);
      assert.deepEqual(
        groups[0].items.map((item) => item.index),
        list,
      );
    }
    assert.deepEqual(groupItems([], 'global', 'label', []), []);
    assert.deepEqual(groupItems([], 'class', 'label', []), []);
  });

  it('finds the class column: `label` first, else the first label column', () => {
    const column = (key: string, kind: ResultColumn['kind']): ResultColumn => ({ key, title: key, kind });
    assert.equal(classColumn([column('predicted', 'label'), column('label', 'label')]), 'label');
    assert.equal(classColumn([column('score2', 'number'), column('predicted', 'label')]), 'predicted');
    assert.equal(classColumn([column('role', 'text')]), undefined);
  });

  it('moves along the gallery with arrows, Home and End, clamped', () => {
    assert.equal(galleryNavigate('ArrowRight', 2, 5), 3);
    assert.equal(galleryNavigate('ArrowDown', 4, 5), 4);
    assert.equal(galleryNavigate('ArrowLeft', 0, 5), 0);
    assert.equal(galleryNavigate('ArrowUp', 3, 5), 2);
    assert.equal(galleryNavigate('Home', 3, 5), 0);
    assert.equal(galleryNavigate('End', 0, 5), 4);
    assert.equal(galleryNavigate('Enter', 1, 5), undefined);
    assert.equal(galleryNavigate('ArrowRight', 0, 0), undefined);
  });
});
