import assert from 'node:assert/strict';
import type { ResultColumn } from '../../../../src/protocol/engine';
import type { ResultRow, ReviewMarks } from '../../../../src/protocol/resultsPanel';
import {
  classesOf,
  cutoffPosition,
  filterRows,
  nextSort,
  reviewText,
  sortRows,
  DEFAULT_SORT,
} from '../../../../webview/results/rowView';

/** Rows in rank order: (index, label, score, id). */
function rows(): ResultRow[] {
  const data: [number, string | undefined, number, string][] = [
    [7, 'dog', 0.9, 'b.png'],
    [3, 'cat', 0.8, 'a10.png'],
    [5, 'cat', 0.8, 'a2.png'],
    [1, undefined, 0.4, 'c.png'],
    [0, 'bird', 0.1, 'd.png'],
  ];
  return data.map(([index, label, score, id], i) => ({
    index,
    rank: i + 1,
    id,
    score,
    values: label === undefined ? {} : { label },
    openable: true,
  }));
}

const reviewed: ReviewMarks = { 'a2.png': { state: 'ok' }, 'd.png': { state: 'relabelled', to: 'cat' } };
const ids = (list: ResultRow[]) => list.map((row) => row.id);

describe('webview/results/rowView', () => {
  it('filters by class, review state, score range and brushed samples, all at once', () => {
    assert.deepEqual(ids(filterRows(rows(), { review: 'all', className: 'cat' }, reviewed, 'label')), [
      'a10.png',
      'a2.png',
    ]);
    assert.deepEqual(ids(filterRows(rows(), { review: 'reviewed' }, reviewed, 'label')), ['a2.png', 'd.png']);
    assert.deepEqual(ids(filterRows(rows(), { review: 'unreviewed' }, reviewed, 'label')), [
      'b.png',
      'a10.png',
      'c.png',
    ]);
    assert.deepEqual(ids(filterRows(rows(), { review: 'ok' }, reviewed, 'label')), ['a2.png']);
    assert.deepEqual(ids(filterRows(rows(), { review: 'relabelled' }, reviewed, 'label')), ['d.png']);
    // Bounds are inclusive.
    assert.deepEqual(
      ids(filterRows(rows(), { review: 'all', minScore: 0.4, maxScore: 0.8 }, reviewed, 'label')),
      ['a10.png', 'a2.png', 'c.png'],
    );
    assert.deepEqual(
      ids(
        filterRows(
          rows(),
          { review: 'unreviewed', className: 'cat', brushed: new Set([3, 5, 7]) },
          reviewed,
          'label',
        ),
      ),
      ['a10.png'],
    );
    // No class column: a class filter matches nothing rather than everything.
    assert.deepEqual(filterRows(rows(), { review: 'all', className: 'cat' }, reviewed, undefined), []);
  });

  it('sorts by any column, absent values last both ways, ties in rank order', () => {
    const byLabel = sortRows(rows(), { key: 'column:label', descending: false }, reviewed);
    assert.deepEqual(ids(byLabel), ['d.png', 'a10.png', 'a2.png', 'b.png', 'c.png']);
    const byLabelDown = sortRows(rows(), { key: 'column:label', descending: true }, reviewed);
    assert.deepEqual(ids(byLabelDown), ['b.png', 'a10.png', 'a2.png', 'd.png', 'c.png']);
    // Numeric collation: a2 before a10.
    assert.deepEqual(ids(sortRows(rows(), { key: 'id', descending: false }, reviewed)), [
      'a2.png',
      'a10.png',
      'b.png',
      'c.png',
      'd.png',
    ]);
    // Equal scores 0.8 keep rank order (a10 rank 2 before a2 rank 3) in both directions.
    assert.deepEqual(ids(sortRows(rows(), { key: 'score', descending: false }, reviewed)), [
      'd.png',
      'c.png',
      'a10.png',
      'a2.png',
      'b.png',
    ]);
    // By the cell's text, the arrow ignored: "→ cat" before "OK"; unreviewed rows last.
    assert.deepEqual(ids(sortRows(rows(), { key: 'review', descending: false }, reviewed)), [
      'd.png',
      'a2.png',
      'b.png',
      'a10.png',
      'c.png',
    ]);
    assert.deepEqual(
      sortRows(rows(), { key: 'rank', descending: true }, reviewed).map((row) => row.rank),
      [5, 4, 3, 2, 1],
    );
  });

  it('draws the cut-off after the last row within the estimate, only in rank order', () => {
    assert.equal(cutoffPosition(rows(), DEFAULT_SORT, 2), 1);
    // Filtered: rank 3 and 5 remain; the estimate (3 issues) ends after the first of them.
    const filtered = rows().filter((row) => row.rank === 3 || row.rank === 5);
    assert.equal(cutoffPosition(filtered, DEFAULT_SORT, 3), 0);
    assert.equal(cutoffPosition(rows(), DEFAULT_SORT, 5), undefined, 'every row is an issue: no line');
    assert.equal(cutoffPosition(rows(), DEFAULT_SORT, 0), undefined);
    assert.equal(cutoffPosition(rows(), { key: 'score', descending: true }, 2), undefined);
  });

  it('lists classes in the dataset order, then the others', () => {
    assert.deepEqual(classesOf(rows(), 'label', ['cat', 'dog', 'fish']), ['cat', 'dog', 'bird']);
    assert.deepEqual(classesOf(rows(), undefined, ['cat']), []);
  });

  it('flips the direction on the same header, starts numbers high first', () => {
    const columns: ResultColumn[] = [
      { key: 'label', title: 'Label', kind: 'label' },
      { key: 'confidence', title: 'Confidence', kind: 'number' },
    ];
    assert.deepEqual(nextSort(DEFAULT_SORT, 'rank', columns), { key: 'rank', descending: true });
    assert.deepEqual(nextSort(DEFAULT_SORT, 'score', columns), { key: 'score', descending: true });
    assert.deepEqual(nextSort(DEFAULT_SORT, 'column:confidence', columns), {
      key: 'column:confidence',
      descending: true,
    });
    assert.deepEqual(nextSort(DEFAULT_SORT, 'column:label', columns), {
      key: 'column:label',
      descending: false,
    });
  });

  it('reads a review decision as text', () => {
    assert.equal(reviewText(undefined), '');
    assert.equal(reviewText({ state: 'ok' }), 'OK');
    assert.equal(reviewText({ state: 'relabelled', to: 'cat' }), '→ cat');
  });
});
