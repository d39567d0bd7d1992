import assert from 'node:assert/strict';
import { describeDataset, formatCount } from '../../../../webview/shared/format';
import {
  formatMetric,
  formatScore,
  differsFromContrast,
  formatValue,
  describeReference,
} from '../../../../webview/results/format';
import { restoredState, resultsKey } from '../../../../webview/results/state';
import type { ResultsPayload } from '../../../../src/protocol/resultsPanel';

describe('webview/results/format', () => {
  it('shows scores with three decimals', () => {
    assert.equal(formatScore(0.91234), '0.912');
    assert.equal(formatScore(1), '1.000');
    assert.equal(formatScore(0.0005), '0.001');
    assert.equal(formatScore(Number.NaN), 'NaN');
  });

  it('counts with the right noun', () => {
    assert.equal(formatCount(1, 'sample'), '1 sample');
    assert.equal(formatCount(60000, 'sample'), '60,000 samples');
    assert.equal(formatCount(10, 'class', 'classes'), '10 classes');
  });

  it('describes the dataset and formats metrics', () => {
    assert.equal(
      describeDataset({ kind: 'image-folder', source: '/w', count: 3, labelNames: ['a', 'b'] }),
      'image folder · 2 classes',
    );
    assert.equal(describeDataset({ kind: 'something', source: '/w', count: 3, labelNames: [] }), 'something');
    assert.equal(formatMetric(60000), '60,000');
    assert.equal(formatMetric(0.123456), '0.1235');
  });

  it('flags cells that differ from the column they are contrasted with', () => {
    const suggested = { key: 'suggested', title: 'Suggested', kind: 'label' as const, contrastWith: 'label' };
    const row = (values: Record<string, string>) => ({
      index: 0,
      rank: 1,
      id: 'a',
      score: 1,
      openable: true,
      values,
    });
    assert.equal(differsFromContrast(row({ label: 'cat', suggested: 'dog' }), suggested), true);
    assert.equal(differsFromContrast(row({ label: 'cat', suggested: 'cat' }), suggested), false);
    assert.equal(differsFromContrast(row({ label: 'cat' }), suggested), false);
    assert.equal(
      differsFromContrast(row({ label: 'cat', suggested: 'dog' }), { ...suggested, contrastWith: undefined }),
      false,
    );
  });

  it('shows number columns with three decimals and other values as they are', () => {
    assert.equal(formatValue(0.12345, 'number'), '0.123');
    assert.equal(formatValue('Sneaker', 'label'), 'Sneaker');
    assert.equal(formatValue(7, 'text'), '7');
    assert.equal(formatValue(undefined, 'label'), '');
    // A flag (the acquire task's batch marker): "yes", or nothing.
    assert.equal(formatValue(true, 'text'), 'yes');
    assert.equal(formatValue(false, 'text'), '');
  });

  it('describes the reference set with its size', () => {
    assert.equal(
      describeReference({ kind: 'idx', source: '/w/train.idx', count: 60000, labelNames: ['a', 'b'] }),
      '60,000 samples · IDX · 2 classes',
    );
  });
});

describe('webview/results/state', () => {
  const payload = (count: number): ResultsPayload => ({
    task: 'labels',
    title: 'Label issues',
    scorer: 'margin',
    columns: [],
    notices: [],
    dataset: { kind: 'image-folder', source: '/w/images', count, labelNames: [] },
    rows: [],
    skipped: [],
  });

  it('restores the saved position, selection, sort and filters only for the same results', () => {
    const key = resultsKey(payload(10));
    const fresh = {
      resultsKey: key,
      scrollTop: 0,
      grouping: 'global',
      sort: { key: 'rank', descending: false },
      filter: { review: 'all' },
    };
    const saved = {
      resultsKey: key,
      scrollTop: 640,
      selectedIndex: 12,
      sort: { key: 'score', descending: false },
      filter: { review: 'ok', className: 'cat', minScore: 0.5 },
    };
    assert.deepEqual(restoredState(saved, key), { ...saved, grouping: 'global' });
    assert.deepEqual(restoredState({ ...saved, resultsKey: resultsKey(payload(11)) }, key), fresh);
    assert.deepEqual(restoredState(undefined, key), fresh);
    assert.deepEqual(restoredState({ ...saved, scrollTop: 'x' }, key), fresh);
    // A filter value from an older or damaged state falls back to "all", field by field.
    assert.deepEqual(restoredState({ ...saved, filter: { review: 'maybe', maxScore: 'high' } }, key).filter, {
      review: 'all',
    });
  });

  it('keeps the gallery grouping across results: it is a preference, not a position', () => {
    const key = resultsKey(payload(10));
    const other = resultsKey(payload(11));
    assert.equal(
      restoredState({ resultsKey: other, scrollTop: 64, focused: 1, grouping: 'class' }, key).grouping,
      'class',
    );
    assert.equal(
      restoredState({ resultsKey: key, scrollTop: 64, focused: 1, grouping: 'bogus' }, key).grouping,
      'global',
    );
  });
});
