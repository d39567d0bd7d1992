import assert from 'node:assert/strict';
import { CancelledError, InputError } from '../../../src/core/errors';
import { exactKnn, neighbourRecall } from '../../../src/core/knn';
import type { DenseMatrix } from '../../../src/core/types';
import { seededNormal, seededUniform } from '../../../src/core/random';

/**
 * The naive reference: for every row, Σ_c (x_c − y_c)² against every other row
 * (the direct formula, not the ‖x‖² + ‖y‖² − 2x·y the code uses), sorted by
 * (distance, index), first k kept.
 */
function naiveKnn({ rows, dim, data }: DenseMatrix, k: number): { indices: number[][]; squared: number[][] } {
  const indices: number[][] = [];
  const squared: number[][] = [];
  for (let i = 0; i < rows; i++) {
    const candidates: Array<[number, number]> = [];
    for (let j = 0; j < rows; j++) {
      if (j === i) continue;
      let d2 = 0;
      for (let c = 0; c < dim; c++) {
        const diff = data[i * dim + c] - data[j * dim + c];
        d2 += diff * diff;
      }
      candidates.push([d2, j]);
    }
    candidates.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    indices.push(candidates.slice(0, k).map((c) => c[1]));
    squared.push(candidates.slice(0, k).map((c) => c[0]));
  }
  return { indices, squared };
}

function matrix(rows: number, dim: number, value: () => number): DenseMatrix {
  const data = new Float32Array(rows * dim);
  for (let t = 0; t < data.length; t++) data[t] = value();
  return { rows, dim, data };
}

describe('core/knn exactKnn', () => {
  // Continuous data: sizes chosen to cross the 64-row tiles and the 4-wide kernel's remainder.
  const continuousCases: Array<[number, number, number]> = [
    [2, 1, 1],
    [7, 3, 6],
    [37, 5, 5],
    [150, 17, 10],
    [130, 2, 129],
    [200, 33, 20],
  ];
  for (const [rows, dim, k] of continuousCases) {
    it(`matches the naive double loop on Gaussian data (n=${rows}, dim=${dim}, k=${k})`, async () => {
      const points = matrix(rows, dim, seededNormal(rows * 1000 + dim));
      const knn = await exactKnn(points, k);
      const naive = naiveKnn(points, k);
      assert.equal(knn.n, rows);
      assert.equal(knn.k, k);
      for (let i = 0; i < rows; i++) {
        assert.deepEqual(Array.from(knn.indices.subarray(i * k, (i + 1) * k)), naive.indices[i], `row ${i}`);
        for (let s = 0; s < k; s++) {
          const expected = Math.sqrt(naive.squared[i][s]);
          const got = knn.distances[i * k + s];
          assert.ok(
            Math.abs(got - expected) <= 1e-6 * (1 + expected),
            `row ${i} slot ${s}: ${got} vs ${expected}`,
          );
        }
      }
    });
  }

  // Integer coordinates on a small grid: many exact ties and duplicate points. Both
  // formulas are exact in float64 on small integers, so the order must match exactly:
  // by distance, then by index, with duplicates of a point at distance 0.
  const tieCases: Array<[number, number, number, number]> = [
    [40, 2, 3, 5],
    [90, 3, 2, 12],
    [70, 1, 4, 30],
  ];
  for (const [rows, dim, levels, k] of tieCases) {
    it(`breaks ties by index on duplicate-heavy integer data (n=${rows}, dim=${dim}, k=${k})`, async () => {
      const uniform = seededUniform(rows + dim);
      const points = matrix(rows, dim, () => Math.floor(uniform() * levels));
      const knn = await exactKnn(points, k);
      const naive = naiveKnn(points, k);
      let zeroDistances = 0;
      for (let i = 0; i < rows; i++) {
        assert.deepEqual(Array.from(knn.indices.subarray(i * k, (i + 1) * k)), naive.indices[i], `row ${i}`);
        assert.deepEqual(
          Array.from(knn.distances.subarray(i * k, (i + 1) * k)),
          naive.squared[i].map((d2) => Math.fround(Math.sqrt(d2))),
        );
        for (let s = 0; s < k; s++) if (knn.distances[i * k + s] === 0) zeroDistances++;
      }
      assert.ok(zeroDistances > 0, 'the data has duplicate points');
    });
  }

  it('finds a duplicate of a point at distance 0 but never the point itself', async () => {
    // Rows 0 and 2 are the same point; row 1 is far away and equally far from both,
    // so its tie goes to the smaller index, 0.
    const knn = await exactKnn({ rows: 3, dim: 2, data: Float32Array.from([0.1, 0.7, 5, 5, 0.1, 0.7]) }, 1);
    assert.deepEqual(Array.from(knn.indices), [2, 0, 0]);
    assert.equal(knn.distances[0], 0);
    assert.equal(knn.distances[2], 0);
  });

  it('rejects k outside 1..rows−1 and non-finite values with an InputError', async () => {
    const points = matrix(5, 2, seededUniform(1));
    for (const k of [0, -1, 5, 6, 1.5]) {
      await assert.rejects(
        exactKnn(points, k),
        (error: unknown) => error instanceof InputError && error.file === 'k',
      );
    }
    const withNaN = matrix(5, 2, seededUniform(1));
    withNaN.data[7] = NaN;
    await assert.rejects(exactKnn(withNaN, 2), (error: unknown) => {
      return error instanceof InputError && /row 3/.test(error.problem);
    });
  });

  it('stops with CancelledError when the signal is aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      exactKnn(matrix(100, 4, seededUniform(2)), 3, { signal: controller.signal }),
      CancelledError,
    );
  });

  it('reports progress up to rows / rows', async () => {
    const calls: Array<[number, number]> = [];
    await exactKnn(matrix(300, 3, seededUniform(3)), 5, {
      onProgress: (done, total) => calls.push([done, total]),
    });
    assert.ok(calls.length >= 2);
    assert.ok(calls.every(([, total]) => total === 300));
    for (let c = 1; c < calls.length; c++) assert.ok(calls[c][0] >= calls[c - 1][0], 'monotone');
    assert.deepEqual(calls[calls.length - 1], [300, 300]);
  });
});

describe('core/knn neighbourRecall', () => {
  it('counts the exact neighbours of the sampled rows that the approximate lists contain, by hand', () => {
    // Three rows, k = 2; rows 0 and 2 sampled. Row 0 finds 1 of {1, 2}; row 2 finds both of {0, 1} (order aside).
    const approximate = {
      n: 3,
      k: 2,
      indices: Int32Array.from([1, 3, 2, 0, 1, 0]),
      distances: new Float32Array(6),
    };
    const exact = { n: 2, k: 2, indices: Int32Array.from([1, 2, 0, 1]), distances: new Float32Array(4) };
    assert.equal(neighbourRecall(approximate, exact, [0, 2]), 3 / 4);
    assert.equal(neighbourRecall(approximate, { ...exact, n: 0, indices: new Int32Array(0) }, []), 1);
    assert.throws(() => neighbourRecall(approximate, exact, [0]), RangeError);
  });
});
