import assert from 'node:assert/strict';
import { marginCriticismOrder, marginPrototypeOrder } from '../../../../src/core/prototypes';

describe('core/prototypes MARGIN selection', () => {
  // Five samples: f (node function) and I (influence).
  const f = [0.3, 0.1, 0.5, 0.2, 0.4];
  const influence = [0.2, 0.9, 0.1, 0.0, 1.0];

  it('criticisms: I descending', () => {
    assert.deepEqual(Array.from(marginCriticismOrder(f, influence)), [4, 1, 0, 2, 3]);
  });

  it('prototypes: the samples with I ≤ median(I) = 0.2 by f ascending, then the others by f', () => {
    // Low I: 0 (f 0.3), 2 (0.5), 3 (0.2) → 3, 0, 2; high I: 1 (0.1), 4 (0.4) → 1, 4.
    assert.deepEqual(Array.from(marginPrototypeOrder(f, influence)), [3, 0, 2, 1, 4]);
  });

  it('breaks ties by row, and handles an empty group', () => {
    assert.deepEqual(Array.from(marginCriticismOrder([0, 0, 0], [0, 0, 0])), [0, 1, 2]);
    assert.deepEqual(Array.from(marginPrototypeOrder([], [])), []);
  });
});
