/**
 * rankSamples: a task's scored samples become the result's ranked list. The
 * expected lists are written out by hand.
 */
import assert from 'node:assert/strict';
import type { Dataset } from '../../../src/data/types';
import { rankSamples } from '../../../src/engine/scan';

const dataset = {
  samples: [{ id: 'a', path: 'a.png' }, { id: 'b', path: 'b.png' }, { id: 'c', line: 4 }, { id: 'd' }],
} as unknown as Dataset;

describe('rankSamples', () => {
  it('orders by score, highest first, ties by index, NaN last; copies the defined columns in order', () => {
    const ranked = rankSamples(
      {
        samples: [
          { index: 0, score: 0.5, label: 'x', suggested: undefined, predicted: 'y' },
          { index: 1, score: Number.NaN, label: 'x' },
          { index: 2, score: 0.9, label: 'z', suggested: 'x' },
          { index: 3, score: 0.5, label: 'y' },
        ],
        labelNames: ['x', 'y', 'z'],
      },
      dataset,
      [[1, 2], undefined, [0], undefined],
      [undefined, undefined, [{ label: 'x', p: 0.75 }], undefined],
    );
    assert.deepEqual(ranked, [
      {
        index: 2,
        id: 'c',
        score: 0.9,
        rank: 1,
        line: 4,
        label: 'z',
        suggested: 'x',
        neighbours: [0],
        probabilities: [{ label: 'x', p: 0.75 }],
      },
      {
        index: 0,
        id: 'a',
        score: 0.5,
        rank: 2,
        path: 'a.png',
        label: 'x',
        predicted: 'y',
        neighbours: [1, 2],
      },
      { index: 3, id: 'd', score: 0.5, rank: 3, label: 'y' },
      { index: 1, id: 'b', score: Number.NaN, rank: 4, path: 'b.png', label: 'x' },
    ]);
    // The keys come in a fixed order (the result file and the panel read them as written).
    assert.deepEqual(Object.keys(ranked[0]), [
      'index',
      'id',
      'score',
      'rank',
      'line',
      'label',
      'suggested',
      'neighbours',
      'probabilities',
    ]);
  });
});
