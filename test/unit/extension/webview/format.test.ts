import assert from 'node:assert/strict';
import {
  describeDataset,
  formatCount,
  formatMetric,
  formatScore,
  isDisagreement,
} from '../../../../webview/results/format';
import { restoredState, resultsKey } from '../../../../webview/results/state';
import type { ResultsPayload } from '../../../../src/protocol/webview';

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

  it('flags rows whose suggested label differs from the given one', () => {
    assert.equal(
      isDisagreement({
        index: 0,
        rank: 1,
        id: 'a',
        score: 1,
        openable: true,
        label: 'cat',
        suggested: 'dog',
      }),
      true,
    );
    assert.equal(
      isDisagreement({
        index: 0,
        rank: 1,
        id: 'a',
        score: 1,
        openable: true,
        label: 'cat',
        suggested: 'cat',
      }),
      false,
    );
    assert.equal(
      isDisagreement({ index: 0, rank: 1, id: 'a', score: 1, openable: true, label: 'cat' }),
      false,
    );
  });
});

describe('webview/results/state', () => {
  const payload = (count: number): ResultsPayload => ({
    task: 'labels',
    title: 'Label issues',
    dataset: { kind: 'image-folder', source: '/w/images', count, labelNames: [] },
    rows: [],
    skipped: [],
  });

  it('restores the saved position only for the same results', () => {
    const key = resultsKey(payload(10));
    assert.deepEqual(restoredState({ resultsKey: key, scrollTop: 640, focused: 12 }, key), {
      resultsKey: key,
      scrollTop: 640,
      focused: 12,
    });
    assert.deepEqual(
      restoredState({ resultsKey: resultsKey(payload(11)), scrollTop: 640, focused: 12 }, key),
      { resultsKey: key, scrollTop: 0, focused: 0 },
    );
    assert.deepEqual(restoredState(undefined, key), { resultsKey: key, scrollTop: 0, focused: 0 });
    assert.deepEqual(restoredState({ resultsKey: key, scrollTop: 'x', focused: 1 }, key), {
      resultsKey: key,
      scrollTop: 0,
      focused: 0,
    });
  });
});
