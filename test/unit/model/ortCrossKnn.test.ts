import assert from 'node:assert/strict';
import { exactCrossKnn } from '../../../src/core/boundary';
import { ortCrossKnn } from '../../../src/model/ortCrossKnn';
import { seededNormal } from '../../../src/core/random';

function randomMatrix(rows: number, dim: number, seed: number) {
  const normal = seededNormal(seed);
  return { rows, dim, data: Float32Array.from({ length: rows * dim }, () => normal() + 3) };
}

describe('engine/tasks/boundary ortCrossKnn (onnxruntime) against the core reference', () => {
  it('finds the same neighbours and distances as exactCrossKnn', async () => {
    const queries = randomMatrix(150, 16, 11);
    const points = randomMatrix(900, 16, 12);
    const [fast, exact] = await Promise.all([
      ortCrossKnn(queries, points, 12),
      exactCrossKnn(queries, points, 12),
    ]);
    assert.deepEqual(Array.from(fast.indices), Array.from(exact.indices));
    assert.deepEqual(Array.from(fast.distances), Array.from(exact.distances));
  });

  it('leaves out the excluded row of each query, as the reference does', async () => {
    const points = randomMatrix(400, 8, 13);
    const rows = Int32Array.from({ length: 40 }, (_, i) => i * 10);
    const queries = {
      rows: 40,
      dim: 8,
      data: Float32Array.from(
        Array.from(rows).flatMap((r) => Array.from(points.data.subarray(r * 8, r * 8 + 8))),
      ),
    };
    const [fast, exact] = await Promise.all([
      ortCrossKnn(queries, points, 5, { exclude: rows }),
      exactCrossKnn(queries, points, 5, { exclude: rows }),
    ]);
    assert.deepEqual(Array.from(fast.indices), Array.from(exact.indices));
    assert.deepEqual(Array.from(fast.distances), Array.from(exact.distances));
  });

  it('reports progress and stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      ortCrossKnn(randomMatrix(10, 4, 1), randomMatrix(30, 4, 2), 3, { signal: controller.signal }),
      /cancelled/,
    );
    const seen: number[] = [];
    await ortCrossKnn(randomMatrix(10, 4, 1), randomMatrix(30, 4, 2), 3, {
      onProgress: (done) => seen.push(done),
    });
    assert.equal(seen[seen.length - 1], 10);
  });
});
