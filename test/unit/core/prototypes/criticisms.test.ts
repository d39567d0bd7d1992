import assert from 'node:assert/strict';
import type { CsrGraph } from '../../../../src/core/csr';
import { nearestPrototypes, selectCriticisms } from '../../../../src/core/prototypes';
import { seededNormal } from '../../../../src/core/random';

describe('core/prototypes nearestPrototypes', () => {
  it('finds the nearest own-class and other-class prototype by brute force', async () => {
    const normal = seededNormal(2);
    const points = { rows: 40, dim: 3, data: Float32Array.from({ length: 120 }, normal) };
    const classes = Int32Array.from({ length: 40 }, (_, i) => i % 3);
    const prototypes = [0, 1, 2, 5, 7, 9];
    const result = await nearestPrototypes(points, prototypes, classes);
    const d2 = (a: number, b: number) =>
      [0, 1, 2].reduce((sum, c) => sum + (points.data[a * 3 + c] - points.data[b * 3 + c]) ** 2, 0);
    for (let i = 0; i < 40; i++) {
      const own = prototypes.filter((p) => classes[p] === classes[i]);
      const other = prototypes.filter((p) => classes[p] !== classes[i]);
      const nearestOf = (list: number[]) => list.reduce((best, p) => (d2(i, p) < d2(i, best) ? p : best));
      assert.equal(result.own[i], nearestOf(own));
      assert.equal(result.other[i], nearestOf(other));
      assert.ok(Math.abs(result.ownDistance2[i] - d2(i, nearestOf(own))) < 1e-9);
    }
    assert.equal(result.ownDistance2[5], 0); // a prototype represents itself
  });

  it('says so when a class has no prototype, and treats every row as one class without classes', async () => {
    const points = { rows: 3, dim: 1, data: Float32Array.from([0, 1, 5]) };
    const perClass = await nearestPrototypes(points, [0], Int32Array.from([0, 0, 1]));
    assert.deepEqual(Array.from(perClass.own), [0, 0, -1]);
    assert.equal(perClass.ownDistance2[2], Infinity);
    assert.deepEqual(Array.from(perClass.other), [-1, -1, 0]);
    const global = await nearestPrototypes(points, [0], undefined);
    assert.deepEqual(Array.from(global.own), [0, 0, 0]);
    assert.deepEqual(Array.from(global.ownDistance2), [0, 1, 25]);
  });
});

describe('core/prototypes selectCriticisms', () => {
  // Path 0 – 1 – 2 – 3 with similarities 0.9, 0.2, 0.8.
  const path: CsrGraph = {
    n: 4,
    indptr: Int32Array.from([0, 1, 3, 5, 6]),
    indices: Int32Array.from([1, 0, 2, 1, 3, 2]),
    weights: Float32Array.from([0.9, 0.9, 0.2, 0.2, 0.8, 0.8]),
  };
  const score = Float64Array.from([1, 0.95, 0.3, 0.5]);

  it('without diversity: the top scores, prototypes left out', async () => {
    assert.deepEqual(
      Array.from(await selectCriticisms(score, { count: 3, exclude: [0], diversity: 0 })),
      [1, 3, 2],
    );
  });

  it('lowers a candidate by its similarity to the criticisms chosen (by hand)', async () => {
    // Step 1: 0 (score 1). Then 1 → 0.95 − 0.9 = 0.05, 2 → 0.3, 3 → 0.5: 3.
    // Then 2 → 0.3 − max(0.8 from 3) = −0.5, 1 → 0.05: 1, then 2.
    assert.deepEqual(
      Array.from(await selectCriticisms(score, { count: 4, exclude: [], graph: path })),
      [0, 3, 1, 2],
    );
  });

  it('stops when the candidates run out, and ignores NaN scores', async () => {
    const withNaN = Float64Array.from([NaN, 0.2, 0.1, 0.4]);
    assert.deepEqual(
      Array.from(await selectCriticisms(withNaN, { count: 5, exclude: [3], graph: path })),
      [1, 2],
    );
  });
});
