import assert from 'node:assert/strict';
import { inverse, Matrix } from 'ml-matrix';
import {
  kernelRowSums,
  mmdCriticCriticisms,
  mmdCriticPrototypes,
  mmdWitness,
  rowsByCode,
  subsetRows,
} from '../../../../src/core/prototypes';
import type { DenseMatrix } from '../../../../src/core/types';
import { seededNormal, seededUniform } from '../../../../src/core/random';

function gaussianPoints(rows: number, dim: number, seed: number): DenseMatrix {
  const normal = seededNormal(seed);
  return { rows, dim, data: Float32Array.from({ length: rows * dim }, normal) };
}

/** The full kernel matrix; with groups, 0 between groups (the authors' "local" kernel). */
function kernelMatrix(points: DenseMatrix, gamma: number, groups?: Int32Array): number[][] {
  const { rows, dim, data } = points;
  return Array.from({ length: rows }, (_, a) =>
    Array.from({ length: rows }, (_, b) => {
      if (groups && groups[a] !== groups[b]) return 0;
      let d2 = 0;
      for (let c = 0; c < dim; c++) d2 += (data[a * dim + c] - data[b * dim + c]) ** 2;
      return Math.exp(-gamma * d2);
    }),
  );
}

/** greedy_select_protos of BeenKim/MMD-critic (mmd.py), dense. */
function authorsPrototypes(K: number[][], m: number): number[] {
  const n = K.length;
  const colsum = K[0].map((_, j) => (2 * K.reduce((sum, row) => sum + row[j], 0)) / n);
  const selected: number[] = [];
  for (let i = 0; i < m; i++) {
    let best = -1;
    let bestValue = -Infinity;
    for (let j = 0; j < n; j++) {
      if (selected.includes(j)) continue;
      const s2 =
        selected.length > 0
          ? (2 * selected.reduce((sum, s) => sum + K[s][j], 0) + K[j][j]) / (selected.length + 1)
          : Math.abs(K[j][j]);
      const value = colsum[j] - s2;
      if (value > bestValue) [best, bestValue] = [j, value];
    }
    selected.push(best);
  }
  return selected;
}

/** select_criticism_regularized of BeenKim/MMD-critic with reg = 'logdet' (or 'None'), dense, with a matrix inverse. */
function authorsCriticisms(K: number[][], protos: number[], m: number, logdet: boolean): number[] {
  const n = K.length;
  const colsum = K[0].map((_, j) => K.reduce((sum, row) => sum + row[j], 0) / n);
  const selected: number[] = [];
  let inv: Matrix | undefined;
  for (let i = 0; i < m; i++) {
    let best = -1;
    let bestValue = -Infinity;
    for (let j = 0; j < n; j++) {
      if (protos.includes(j) || selected.includes(j)) continue;
      let value = Math.abs(colsum[j] - protos.reduce((sum, p) => sum + K[p][j], 0) / protos.length);
      if (logdet) {
        if (inv) {
          const k = selected.map((s) => K[s][j]);
          const kInvK = inv
            .mmul(Matrix.columnVector(k))
            .to1DArray()
            .reduce((sum, v, t) => sum + v * k[t], 0);
          value += Math.log(Math.abs(K[j][j] - kInvK));
        } else {
          value -= Math.log(Math.abs(K[j][j]));
        }
      }
      if (value > bestValue) [best, bestValue] = [j, value];
    }
    selected.push(best);
    if (logdet) inv = inverse(new Matrix(selected.map((a) => selected.map((b) => K[a][b]))));
  }
  return selected;
}

/** Row sums within each group, as the task computes them. */
async function groupRowSums(points: DenseMatrix, gamma: number, groups?: Int32Array): Promise<Float64Array> {
  const sums = new Float64Array(points.rows);
  const lists = groups ? rowsByCode(groups).rows : [Int32Array.from({ length: points.rows }, (_, i) => i)];
  for (const rows of lists) {
    const { rowSums } = await kernelRowSums(subsetRows(points, rows), gamma, { method: 'exact' });
    rows.forEach((row, local) => (sums[row] = rowSums[local]));
  }
  return sums;
}

describe('core/prototypes MMD-critic', () => {
  const points = gaussianPoints(36, 3, 21);
  const gamma = 0.2;
  const uniform = seededUniform(5);
  const groups = Int32Array.from({ length: 36 }, () => Math.floor(uniform() * 3));

  for (const local of [false, true]) {
    const mode = local ? 'per-class ("local") kernel' : 'global kernel';
    it(`chooses the authors' prototypes (${mode})`, async () => {
      const options = {
        gamma,
        rowSums: await groupRowSums(points, gamma, local ? groups : undefined),
        groups: local ? groups : undefined,
      };
      const ours = await mmdCriticPrototypes(points, 12, options);
      assert.deepEqual(Array.from(ours), authorsPrototypes(kernelMatrix(points, gamma, options.groups), 12));
    });

    it(`chooses the authors' criticisms with the log-det regulariser and without (${mode})`, async () => {
      const options = {
        gamma,
        rowSums: await groupRowSums(points, gamma, local ? groups : undefined),
        groups: local ? groups : undefined,
      };
      const K = kernelMatrix(points, gamma, options.groups);
      const protos = authorsPrototypes(K, 6);
      for (const regularizer of ['logdet', 'none'] as const) {
        const ours = await mmdCriticCriticisms(points, protos, 8, { ...options, regularizer });
        assert.deepEqual(
          Array.from(ours),
          authorsCriticisms(K, protos, 8, regularizer === 'logdet'),
          regularizer,
        );
      }
    });
  }

  it('greedy step = brute-force argmax of J(S ∪ {j}) on tiny N', async () => {
    // J(S) = 2/(n|S|) Σ_{i, s∈S} k − 1/|S|² Σ_{s,s'∈S} k, evaluated from scratch for every candidate.
    const tiny = gaussianPoints(9, 2, 4);
    const K = kernelMatrix(tiny, 0.7);
    const n = 9;
    const J = (S: number[]) =>
      (2 / (n * S.length)) * S.reduce((sum, s) => sum + K.reduce((inner, row) => inner + row[s], 0), 0) -
      S.reduce((sum, a) => sum + S.reduce((inner, b) => inner + K[a][b], 0), 0) / S.length ** 2;
    const expected: number[] = [];
    for (let t = 0; t < 5; t++) {
      const candidates = [...Array(n).keys()].filter((j) => !expected.includes(j));
      expected.push(
        candidates.reduce((best, j) => (J([...expected, j]) > J([...expected, best]) ? j : best)),
      );
    }
    const ours = await mmdCriticPrototypes(tiny, 5, { gamma: 0.7, rowSums: await groupRowSums(tiny, 0.7) });
    assert.deepEqual(Array.from(ours), expected);
  });

  it('witness: data mean kernel minus prototype mean kernel, by hand', () => {
    // Two points at distance 1, γ = 1: row sums 1 + e⁻¹; prototype {0}.
    const two = { rows: 2, dim: 1, data: Float32Array.from([0, 1]) };
    const e = Math.exp(-1);
    const witness = mmdWitness(two, [0], { gamma: 1, rowSums: Float64Array.from([1 + e, 1 + e]) });
    assert.ok(Math.abs(witness[0] - ((1 + e) / 2 - 1)) < 1e-12);
    assert.ok(Math.abs(witness[1] - ((1 + e) / 2 - e)) < 1e-12);
  });

  it('works with duplicate points: a duplicate of a criticism is not chosen while others remain', async () => {
    const data = Float32Array.from([0, 0, 0, 1, 1, 4, 4, 9]);
    const dupes = { rows: 8, dim: 1, data };
    const options = { gamma: 0.5, rowSums: await groupRowSums(dupes, 0.5) };
    const protos = await mmdCriticPrototypes(dupes, 2, options);
    const critics = await mmdCriticCriticisms(dupes, protos, 3, options);
    const values = Array.from(critics, (row) => data[row]);
    assert.equal(new Set(values).size, values.length, `criticisms ${values} repeat a point`);
  });
});
