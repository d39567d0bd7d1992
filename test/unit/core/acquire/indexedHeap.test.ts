import assert from 'node:assert/strict';
import { IndexedMaxHeap } from '../../../../src/core/acquire/indexedHeap';
import { seededUniform } from '../../../../src/core/random';

describe('core/acquire IndexedMaxHeap', () => {
  it('always tops the largest key (smaller node on ties) through random sets and removals, against a scan', () => {
    const uniform = seededUniform(5);
    const n = 40;
    const heap = new IndexedMaxHeap(n);
    const keys = new Map<number, number>();
    const expectedTop = () => {
      let best = -1;
      for (const [node, key] of keys) {
        const bestKey = best < 0 ? -Infinity : (keys.get(best) as number);
        if (best < 0 || key > bestKey || (key === bestKey && node < best)) best = node;
      }
      return best;
    };
    for (let step = 0; step < 2000; step++) {
      const node = Math.floor(uniform() * n);
      if (uniform() < 0.3) {
        heap.remove(node);
        keys.delete(node);
      } else {
        // Few distinct keys, so ties happen.
        const key = Math.floor(uniform() * 6);
        heap.set(node, key);
        keys.set(node, key);
      }
      assert.equal(heap.size, keys.size);
      assert.equal(heap.top(), expectedTop(), `step ${step}`);
      assert.equal(heap.has(node), keys.has(node));
    }
  });

  it('is empty at first (top −1) and refuses a NaN key', () => {
    const heap = new IndexedMaxHeap(3);
    assert.equal(heap.top(), -1);
    assert.throws(() => heap.set(1, Number.NaN), /NaN/);
  });
});
