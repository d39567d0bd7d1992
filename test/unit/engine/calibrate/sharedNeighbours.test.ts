import assert from 'node:assert/strict';
import { exactKnn } from '../../../../src/core/knn';
import type { DenseMatrix, KnnSearch } from '../../../../src/core/types';
import { shareNeighbours } from '../../../../src/engine/calibrate/sharedNeighbours';

function points(rows: number, dim: number, offset = 0): DenseMatrix {
  return { rows, dim, data: Float32Array.from({ length: rows * dim }, (_, i) => Math.sin(i + offset)) };
}

describe('engine/calibrate/sharedNeighbours', () => {
  it('builds each (points, k) once and returns that same graph to every later call', async () => {
    const calls: number[] = [];
    const counting: KnnSearch = async (x, k) => {
      calls.push(k);
      return exactKnn(x, k);
    };
    const shared = shareNeighbours(counting);
    const a = points(30, 4);
    const first = await shared.search(a, 5);
    for (let seed = 0; seed < 6; seed++) assert.equal(await shared.search(a, 5), first);
    assert.deepEqual(first, await exactKnn(a, 5), 'the graph is the search’s own');
    await shared.search(a, 7);
    await shared.search(points(30, 4, 1), 5);
    assert.deepEqual(calls, [5, 7, 5], 'one build per point set and k');
    assert.equal(shared.builds, 3);
  });

  it('does not keep a failed build: the next call searches again', async () => {
    let attempts = 0;
    const flaky: KnnSearch = async (x, k) => {
      attempts++;
      if (attempts === 1) throw new Error('cancelled');
      return exactKnn(x, k);
    };
    const shared = shareNeighbours(flaky);
    const a = points(10, 2);
    await assert.rejects(shared.search(a, 3), /cancelled/);
    await shared.search(a, 3);
    await shared.search(a, 3);
    assert.equal(attempts, 2);
  });
});
