import assert from 'node:assert/strict';
import { exactCrossKnn } from '../../../../src/core/boundary';
import { InputError } from '../../../../src/core/errors';
import { seededNormal } from '../../../../src/core/random';

function randomMatrix(rows: number, dim: number, seed: number) {
  const normal = seededNormal(seed);
  return { rows, dim, data: Float32Array.from({ length: rows * dim }, normal) };
}

/** Every pair, sorted by (distance, index): the plainest possible answer. */
function bruteForce(
  queries: ReturnType<typeof randomMatrix>,
  points: ReturnType<typeof randomMatrix>,
  k: number,
  exclude?: Int32Array,
) {
  const out: { index: number; distance: number }[][] = [];
  for (let i = 0; i < queries.rows; i++) {
    const all = [];
    for (let j = 0; j < points.rows; j++) {
      if (exclude && exclude[i] === j) continue;
      let d2 = 0;
      for (let c = 0; c < queries.dim; c++)
        d2 += (queries.data[i * queries.dim + c] - points.data[j * points.dim + c]) ** 2;
      all.push({ index: j, distance: Math.sqrt(d2) });
    }
    all.sort((a, b) => a.distance - b.distance || a.index - b.index);
    out.push(all.slice(0, k));
  }
  return out;
}

describe('core/boundary exactCrossKnn', () => {
  it('finds the k nearest points of every query, as brute force does', async () => {
    const queries = randomMatrix(23, 5, 1);
    const points = randomMatrix(41, 5, 2);
    const found = await exactCrossKnn(queries, points, 7);
    const expected = bruteForce(queries, points, 7);
    assert.equal(found.n, 23);
    for (let i = 0; i < 23; i++) {
      assert.deepEqual(
        Array.from(found.indices.subarray(i * 7, i * 7 + 7)),
        expected[i].map((e) => e.index),
      );
      expected[i].forEach((e, s) => assert.ok(Math.abs(found.distances[i * 7 + s] - e.distance) < 1e-6));
    }
  });

  it('leaves out the excluded point of each query (leave-one-out), but not its duplicates', async () => {
    const points = randomMatrix(12, 3, 3);
    // Query i is point 2i; point 11 duplicates point 0.
    points.data.set(points.data.subarray(0, 3), 11 * 3);
    const queryRows = Int32Array.from([0, 2, 4, 6, 8, 10]);
    const queries = {
      rows: 6,
      dim: 3,
      data: Float32Array.from(
        Array.from(queryRows).flatMap((r) => Array.from(points.data.subarray(r * 3, r * 3 + 3))),
      ),
    };
    const found = await exactCrossKnn(queries, points, 3, { exclude: queryRows });
    const expected = bruteForce(queries, points, 3, queryRows);
    for (let i = 0; i < 6; i++) {
      assert.deepEqual(
        Array.from(found.indices.subarray(i * 3, i * 3 + 3)),
        expected[i].map((e) => e.index),
      );
      assert.ok(!Array.from(found.indices.subarray(i * 3, i * 3 + 3)).includes(queryRows[i]));
    }
    // Query 0's duplicate (point 11) is its nearest, at distance 0.
    assert.equal(found.indices[0], 11);
    assert.equal(found.distances[0], 0);
  });

  it('lists duplicate points in index order', async () => {
    const points = { rows: 4, dim: 1, data: Float32Array.from([5, 1, 1, 1]) };
    const found = await exactCrossKnn({ rows: 1, dim: 1, data: Float32Array.from([1]) }, points, 3);
    assert.deepEqual(Array.from(found.indices), [1, 2, 3]);
    assert.deepEqual(Array.from(found.distances), [0, 0, 0]);
  });

  it('refuses k larger than the points to search, different widths and non-finite values', async () => {
    const points = randomMatrix(5, 2, 4);
    await assert.rejects(
      exactCrossKnn(randomMatrix(2, 2, 5), points, 6),
      (error: unknown) =>
        error instanceof InputError &&
        /at most the number of reference samples to search \(5\)/.test(error.message),
    );
    await assert.rejects(
      exactCrossKnn(randomMatrix(2, 2, 5), points, 5, { exclude: Int32Array.from([0, 1]) }),
      /\(4\), got 5/,
    );
    await assert.rejects(
      exactCrossKnn(randomMatrix(2, 3, 5), points, 1),
      /queries have 3 values per row but the points have 2/,
    );
    const bad = randomMatrix(2, 2, 6);
    bad.data[3] = Number.POSITIVE_INFINITY;
    await assert.rejects(exactCrossKnn(bad, points, 1), /queries: row 1 has a non-finite value/);
  });
});
