import assert from 'node:assert/strict';
import { packColumn, packResultsPayload } from '../../../../src/extension/results/packRows';
import {
  isResultsHostMessage,
  type ResultRow,
  type ResultsPayload,
} from '../../../../src/protocol/resultsPanel';
import { unpackResultsPayload, unpackRows } from '../../../../webview/results/unpackRows';
import { reviewPayload } from '../../../webview-preview/reviewPayload';

/** Rows with every shape a field can take: absent values, NaN, booleans, no neighbours, empty neighbours, top classes. */
function oddRows(): ResultRow[] {
  return [
    {
      index: 7,
      rank: 1,
      id: 'a.png',
      score: 0.75,
      values: { label: 'cat', margin: -0.5, odd: true },
      thumbnail: 'https://webview.test/a.png',
      openable: true,
      neighbours: [3, 0],
      probabilities: [
        { label: 'dog', p: 0.6 },
        { label: 'cat', p: 0.3 },
      ],
    },
    { index: 3, rank: 2, id: '#3', score: 0.5, values: { margin: Number.NaN, odd: 'x' }, openable: false },
    {
      index: 0,
      rank: 3,
      id: 'b.png',
      score: 0,
      values: { label: 'dog' },
      openable: true,
      neighbours: [],
      probabilities: [{ label: 'cat', p: 1 }],
    },
  ];
}

function payloadOf(rows: ResultRow[]): ResultsPayload {
  return {
    task: 'labels',
    title: 'Label issues',
    scorer: 'margin',
    columns: [
      { key: 'label', title: 'Label', kind: 'label' },
      { key: 'margin', title: 'Margin', kind: 'number' },
      { key: 'odd', title: 'Odd', kind: 'text' },
    ],
    dataset: { kind: 'image-folder', source: '/w', count: rows.length, labelNames: ['cat', 'dog'] },
    rows,
    skipped: [],
    notices: [],
    map: { method: 'pca', x: [0, 1, 2, 3, 4, 5, 6, 7], y: [7, 6, 5, 4, 3, 2, 1, 0] },
  };
}

describe('webview/results/unpackRows (and the host packRows)', () => {
  it('round-trips every field, leaving absent ones absent (NaN and booleans included)', () => {
    const payload = payloadOf(oddRows());
    const back = unpackResultsPayload(packResultsPayload(payload));
    assert.deepEqual(back.rows, oddRows());
    assert.equal('thumbnail' in back.rows[1], false);
    assert.equal('neighbours' in back.rows[1], false, 'no neighbours sent stays different from none found');
    assert.deepEqual(back.rows[2].neighbours, []);
    assert.deepEqual(Array.from(back.map!.x), payload.map!.x);
    assert.deepEqual(Array.from(back.map!.y), payload.map!.y);
    assert.equal(back.title, payload.title);
  });

  it('round-trips the 60,000-row review payload exactly', () => {
    const payload = reviewPayload({ rowCount: 60000 });
    const packed = packResultsPayload(payload);
    assert.deepEqual(unpackRows(packed.rows), payload.rows);
    // The labels cross as codes into a dictionary of the ten class names, not 60,000 strings.
    const label = packed.rows.values.label;
    assert.equal(label.encoding, 'codes');
    assert.equal(label.encoding === 'codes' && label.dictionary.length, 10);
  });

  it('packs numbers as a Float64Array with NaN for absent, anything else as dictionary codes', () => {
    const numbers = packColumn([1.5, undefined, -2]);
    assert.equal(numbers.encoding, 'numbers');
    assert.deepEqual(numbers.encoding === 'numbers' && Array.from(numbers.values), [1.5, Number.NaN, -2]);
    const mixed = packColumn(['a', undefined, 'b', 'a', Number.NaN]);
    assert.deepEqual(mixed, {
      encoding: 'codes',
      codes: Int32Array.from([0, -1, 1, 0, 2]),
      dictionary: ['a', 'b', Number.NaN],
    });
  });

  it('the guard takes a packed results message and rejects arrays of the wrong type or length', () => {
    const packed = packResultsPayload(payloadOf(oddRows()));
    assert.equal(isResultsHostMessage({ type: 'results', payload: packed }), true);
    // Row objects (the unpacked form) are not what the message carries.
    assert.equal(isResultsHostMessage({ type: 'results', payload: payloadOf(oddRows()) }), false);
    const broken = (change: (rows: typeof packed.rows) => void) => {
      const copy = packResultsPayload(payloadOf(oddRows()));
      change(copy.rows);
      return isResultsHostMessage({ type: 'results', payload: copy });
    };
    assert.equal(broken((rows) => (rows.score = new Float64Array(2))), false, 'a score short');
    assert.equal(broken((rows) => (rows.index = Float64Array.from(rows.index) as never)), false, 'wrong type');
    assert.equal(broken((rows) => (rows.neighbours = new Int32Array(1))), false, 'neighbours ≠ Σ counts');
    assert.equal(
      broken((rows) => {
        const label = rows.values.label;
        if (label.encoding === 'codes') label.codes[0] = 5;
      }),
      false,
      'a code past the dictionary',
    );
    assert.equal(
      broken((rows) => (rows.probabilities!.codes = Int32Array.from([0, 1, 9]))),
      false,
      'a class past the labels',
    );
    assert.equal(
      isResultsHostMessage({ type: 'results', payload: { ...packed, map: { method: 'pca', x: [0], y: [0] } } }),
      false,
      'map coordinates as lists',
    );
    assert.equal(isResultsHostMessage({ type: 'review', reviewed: {} }), true);
  });
});
