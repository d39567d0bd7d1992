import assert from 'node:assert/strict';
import type { CsrGraph } from '../../../../src/core/csr';
import { blockGraph, interleave, MaxTree, rowsByCode, subsetRows } from '../../../../src/core/prototypes';

describe('core/prototypes groups', () => {
  it('lists the rows of each code, leaving −1 out', () => {
    const { codes, rows } = rowsByCode(Int32Array.from([2, 0, -1, 2, 0]));
    assert.deepEqual(codes, [0, 2]);
    assert.deepEqual(
      rows.map((list) => Array.from(list)),
      [
        [1, 4],
        [0, 3],
      ],
    );
  });

  it('takes rows of a matrix in the order given', () => {
    const points = { rows: 3, dim: 2, data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    assert.deepEqual(Array.from(subsetRows(points, [2, 0]).data), [5, 6, 1, 2]);
  });

  it('interleaves lists round robin; lists that run out drop out', () => {
    assert.deepEqual(Array.from(interleave([[1, 2, 3], [10], [20, 21]])), [1, 10, 20, 2, 21, 3]);
  });

  it('joins graphs over subsets into one block-diagonal graph', () => {
    // Graph A over rows [3, 0]: an edge of weight 0.5. Graph B over rows [1, 2, 4]: path 1–2–4.
    const a: CsrGraph = {
      n: 2,
      indptr: Int32Array.from([0, 1, 2]),
      indices: Int32Array.from([1, 0]),
      weights: Float32Array.from([0.5, 0.5]),
    };
    const b: CsrGraph = {
      n: 3,
      indptr: Int32Array.from([0, 1, 3, 4]),
      indices: Int32Array.from([1, 0, 2, 1]),
      weights: Float32Array.from([0.1, 0.1, 0.2, 0.2]),
    };
    const joined = blockGraph(5, [
      { rows: Int32Array.from([3, 0]), graph: a },
      { rows: Int32Array.from([1, 2, 4]), graph: b },
    ]);
    assert.deepEqual(Array.from(joined.indptr), [0, 1, 2, 4, 5, 6]);
    assert.deepEqual(Array.from(joined.indices), [3, 2, 1, 4, 0, 2]);
    assert.deepEqual(Array.from(joined.weights), [0.5, 0.1, 0.1, 0.2, 0.5, 0.2].map(Math.fround));
  });
});

describe('core/prototypes MaxTree', () => {
  it('keeps the maximum and its lowest position through updates', () => {
    const tree = new MaxTree([3, 7, 7, 1, 5]);
    assert.equal(tree.argmax(), 1);
    tree.set(1, -Infinity);
    assert.equal(tree.argmax(), 2);
    tree.set(4, 9);
    assert.equal(tree.max(), 9);
    assert.equal(tree.argmax(), 4);
    for (let p = 0; p < 5; p++) tree.set(p, -Infinity);
    assert.equal(tree.argmax(), -1);
  });

  it('agrees with a linear scan through random updates', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const values = Array.from({ length: 37 }, next);
    const tree = new MaxTree(values);
    for (let step = 0; step < 500; step++) {
      const p = Math.floor(next() * 37);
      values[p] = next() < 0.1 ? -Infinity : next();
      tree.set(p, values[p]);
      const best = values.indexOf(Math.max(...values));
      assert.equal(tree.argmax(), Math.max(...values) === -Infinity ? -1 : best);
    }
  });
});
