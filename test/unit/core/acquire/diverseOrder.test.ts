import assert from 'node:assert/strict';
import { diverseOrder } from '../../../../src/core/acquire/diverseOrder';
import { twoTriangles } from './graphs';

describe('core/acquire diverseOrder', () => {
  it('takes no two neighbours in a pass, and none next to a labelled node in the first (by hand)', () => {
    // Node 0 labelled: 1 and 2 wait. Scores: 4 (6) taken, blocks 3 and 5; 6 (1) taken → pass 1 = [4, 6].
    // Pass 2 over [1, 2, 3, 5]: 1 taken (blocks 2), 3 taken (blocks 5) → [1, 3]. Pass 3: [2] (blocks 5). Pass 4: [5].
    const score = [9, 5, 4, 3, 6, 2, 1];
    const result = diverseOrder(twoTriangles(), score, Int32Array.from([0, -1, -1, -1, -1, -1, -1]));
    assert.deepEqual(Array.from(result.order), [4, 6, 1, 3, 2, 5]);
    assert.deepEqual(Array.from(result.value), [6, 1, 5, 3, 4, 2]);
  });

  it('is the plain score order on a graph without edges, ties to the smaller index and NaN last', () => {
    const empty = {
      n: 4,
      indptr: new Int32Array(5),
      indices: new Int32Array(0),
      weights: new Float32Array(0),
    };
    const result = diverseOrder(empty, [1, NaN, 1, 2], Int32Array.from([-1, -1, -1, -1]));
    assert.deepEqual(Array.from(result.order), [3, 0, 2, 1]);
  });

  it('rejects a score of the wrong length', () => {
    assert.throws(() => diverseOrder(twoTriangles(), [1, 2], new Int32Array(7)), RangeError);
  });
});
