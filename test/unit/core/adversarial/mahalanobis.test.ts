import assert from 'node:assert/strict';
import { Matrix, solve } from 'ml-matrix';
import { fitTiedGaussians, mahalanobisScores, RIDGE } from '../../../../src/core/adversarial/mahalanobis';
import type { DenseMatrix } from '../../../../src/core/types';
import { seededNormal } from '../../../../src/core/random';

function randomMatrix(rows: number, dim: number, seed: number): DenseMatrix {
  const normal = seededNormal(seed);
  return { rows, dim, data: Float32Array.from({ length: rows * dim }, () => normal()) };
}

/** The tied covariance by its definition, the ridge as documented, and d² by a direct linear solve. */
function directDistances(
  train: DenseMatrix,
  labels: number[],
  query: DenseMatrix,
): { d2: number[]; nearest: number[] } {
  const { dim } = train;
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  const rowsOf = (c: number) => labels.flatMap((label, i) => (label === c ? [i] : []));
  const means = classes.map((c) => {
    const rows = rowsOf(c);
    return Array.from(
      { length: dim },
      (_, j) => rows.reduce((s, i) => s + train.data[i * dim + j], 0) / rows.length,
    );
  });
  const sigma = Matrix.zeros(dim, dim);
  labels.forEach((label, i) => {
    const mu = means[classes.indexOf(label)];
    for (let a = 0; a < dim; a++) {
      for (let b = 0; b < dim; b++) {
        sigma.set(
          a,
          b,
          sigma.get(a, b) +
            ((train.data[i * dim + a] - mu[a]) * (train.data[i * dim + b] - mu[b])) / labels.length,
        );
      }
    }
  });
  let trace = 0;
  for (let a = 0; a < dim; a++) trace += sigma.get(a, a);
  const regularised = sigma.add(Matrix.eye(dim, dim).mul(RIDGE * (trace / dim) + 1e-12));
  const d2: number[] = [];
  const nearest: number[] = [];
  for (let i = 0; i < query.rows; i++) {
    let best = Infinity;
    let bestClass = -1;
    classes.forEach((c, k) => {
      const diff = Matrix.columnVector(
        Array.from({ length: dim }, (_, j) => query.data[i * dim + j] - means[k][j]),
      );
      const v = solve(regularised, diff);
      const value = diff.transpose().mmul(v).get(0, 0);
      if (value < best) {
        best = value;
        bestClass = c;
      }
    });
    d2.push(best);
    nearest.push(bestClass);
  }
  return { d2, nearest };
}

describe('core/adversarial/mahalanobis', () => {
  it('equals a direct solve of (Σ + ridge I) v = h − μ_c, minimised over classes', () => {
    const train = randomMatrix(60, 5, 1);
    // Shift each class so the means differ.
    const labels = Array.from({ length: 60 }, (_, i) => [0, 3, 7][i % 3]);
    labels.forEach((label, i) => (train.data[i * 5] += label));
    const query = randomMatrix(12, 5, 2);
    const model = fitTiedGaussians(train, labels);
    const ours = mahalanobisScores(query, model);
    const direct = directDistances(train, labels, query);
    for (let i = 0; i < query.rows; i++) {
      assert.ok(
        Math.abs(ours.distance[i] - direct.d2[i]) <= 1e-9 * Math.max(1, direct.d2[i]),
        `row ${i}: ${ours.distance[i]} vs ${direct.d2[i]}`,
      );
      assert.equal(ours.nearestClass[i], direct.nearest[i]);
    }
  });

  it('by hand in one dimension: classes at 0 and 10, tied variance 1', () => {
    // Class 0: −1, 1; class 1: 9, 11. Σ = (1 + 1 + 1 + 1)/4 = 1 (ridge 1e-6 · 1 + 1e-12).
    const train: DenseMatrix = { rows: 4, dim: 1, data: Float32Array.from([-1, 1, 9, 11]) };
    const model = fitTiedGaussians(train, [0, 0, 1, 1]);
    const result = mahalanobisScores({ rows: 2, dim: 1, data: Float32Array.from([2, 6]) }, model);
    const variance = 1 + 1e-6 + 1e-12;
    assert.ok(Math.abs(result.distance[0] - 4 / variance) < 1e-12);
    assert.ok(Math.abs(result.distance[1] - 16 / variance) < 1e-12);
    assert.deepEqual(Array.from(result.nearestClass), [0, 1]);
  });

  it('a dead channel (always 0) and fewer samples than dimensions stay finite', () => {
    const train = randomMatrix(4, 6, 3);
    for (let i = 0; i < 4; i++) train.data[i * 6 + 2] = 0;
    const model = fitTiedGaussians(train, [0, 0, 1, 1]);
    const result = mahalanobisScores(randomMatrix(3, 6, 4), model);
    for (const value of result.distance) assert.ok(Number.isFinite(value) && value >= 0);
  });

  it('leaves out rows with a negative label', () => {
    const train: DenseMatrix = { rows: 5, dim: 1, data: Float32Array.from([-1, 1, 9, 11, 1000]) };
    const withUnknown = fitTiedGaussians(train, [0, 0, 1, 1, -1]);
    const without = fitTiedGaussians({ rows: 4, dim: 1, data: train.data.slice(0, 4) }, [0, 0, 1, 1]);
    assert.deepEqual(withUnknown.means, without.means);
    assert.deepEqual(withUnknown.precision, without.precision);
  });
});
