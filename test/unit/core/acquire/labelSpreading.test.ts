import assert from 'node:assert/strict';
import { Matrix, solve } from 'ml-matrix';
import { rowEntropy, spreadLabels } from '../../../../src/core/acquire/labelSpreading';
import type { CsrGraph } from '../../../../src/core/csr';
import { InputError } from '../../../../src/core/errors';
import { denseWeights, randomKnnGraph, twoTriangles } from './graphs';

/**
 * The closed form of Zhou et al. (2004), solved directly with ml-matrix:
 * F = (1 − α)(I − αS)⁻¹ Y with S = D^-1/2 W D^-1/2 (rows of isolated nodes 0).
 */
function closedForm(
  graph: CsrGraph,
  labels: number[],
  C: number,
  alpha: number,
  balance: boolean,
): number[][] {
  const W = denseWeights(graph);
  const n = graph.n;
  const d = W.map((row) => row.reduce((a, b) => a + b, 0));
  const counts = new Array<number>(C).fill(0);
  for (const label of labels) if (label >= 0) counts[label]++;
  const A = Matrix.eye(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (W[i][j] > 0) A.set(i, j, A.get(i, j) - (alpha * W[i][j]) / Math.sqrt(d[i] * d[j]));
    }
  }
  const Y = Matrix.zeros(n, C);
  labels.forEach((label, i) => {
    if (label >= 0) Y.set(i, label, (1 - alpha) * (balance ? 1 / counts[label] : 1));
  });
  return solve(A, Y).to2DArray();
}

function assertMatrixClose(actual: Float64Array, expected: number[][], tolerance: number): void {
  const C = expected[0].length;
  expected.forEach((row, i) =>
    row.forEach((value, c) => {
      const got = actual[i * C + c];
      assert.ok(Math.abs(got - value) <= tolerance, `F[${i}][${c}] = ${got}, expected ${value}`);
    }),
  );
}

describe('core/acquire spreadLabels', () => {
  it('equals the closed form (1 − α)(I − αS)⁻¹Y on a hand graph, balanced and not', async () => {
    // Labels: node 0 is class 0, nodes 3 and 4 are class 1; the rest unlabelled.
    const labels = [0, -1, -1, 1, 1, -1, -1];
    for (const balance of [true, false]) {
      for (const alpha of [0.5, 0.95, 0.99]) {
        const spread = await spreadLabels(twoTriangles(), Int32Array.from(labels), 2, {
          alpha,
          balanceClasses: balance,
        });
        assertMatrixClose(spread.scores, closedForm(twoTriangles(), labels, 2, alpha, balance), 1e-9);
      }
    }
  });

  it('equals the closed form on a random kNN graph with Gaussian weights', async () => {
    const { graph } = await randomKnnGraph(60, 5, 7, 'gaussian');
    const labels = Array.from({ length: 60 }, (_, i) => (i < 6 ? i % 3 : -1));
    const spread = await spreadLabels(graph, Int32Array.from(labels), 3, { alpha: 0.95 });
    assertMatrixClose(spread.scores, closedForm(graph, labels, 3, 0.95, true), 1e-9);
  });

  it('is the limit of the iteration F ← αSF + (1 − α)Y', async () => {
    const graph = twoTriangles();
    const labels = Int32Array.from([0, -1, -1, 1, -1, -1, -1]);
    const alpha = 0.8;
    const W = denseWeights(graph);
    const d = W.map((row) => row.reduce((a, b) => a + b, 0));
    const Y = Array.from({ length: 7 }, (_, i) => [labels[i] === 0 ? 1 : 0, labels[i] === 1 ? 1 : 0]);
    let F = Y.map((row) => [...row]);
    for (let t = 0; t < 500; t++) {
      F = F.map((_, i) =>
        [0, 1].map((c) => {
          let sum = 0;
          for (let j = 0; j < 7; j++) if (W[i][j] > 0) sum += (W[i][j] / Math.sqrt(d[i] * d[j])) * F[j][c];
          return alpha * sum + (1 - alpha) * Y[i][c];
        }),
      );
    }
    const spread = await spreadLabels(graph, labels, 2, { alpha, balanceClasses: true });
    assertMatrixClose(spread.scores, F, 1e-12);
  });

  it('predicts, normalises and scores confidence per row', async () => {
    const labels = Int32Array.from([0, -1, -1, 1, 1, -1, -1]);
    const spread = await spreadLabels(twoTriangles(), labels, 2, { alpha: 0.9 });
    for (let i = 0; i < 6; i++) {
      const [a, b] = [spread.scores[2 * i], spread.scores[2 * i + 1]];
      assert.equal(spread.predicted[i], a >= b ? 0 : 1);
      assert.ok(Math.abs(spread.probabilities[2 * i] - a / (a + b)) < 1e-12);
      assert.ok(Math.abs(spread.confidence[i] - Math.max(a, b) / (a + b)) < 1e-12);
    }
    // The first triangle follows node 0, the second nodes 3 and 4.
    assert.deepEqual(Array.from(spread.predicted.subarray(0, 6)), [0, 0, 0, 1, 1, 1]);
  });

  it('leaves a node no label reaches unpredicted, uniform and with confidence 0', async () => {
    // Node 6 is isolated and unlabelled.
    const spread = await spreadLabels(twoTriangles(), Int32Array.from([0, -1, -1, 1, -1, -1, -1]), 2);
    assert.equal(spread.predicted[6], -1);
    assert.equal(spread.confidence[6], 0);
    assert.deepEqual([spread.probabilities[12], spread.probabilities[13]], [0.5, 0.5]);
    assert.deepEqual(Array.from(rowEntropy(spread.probabilities, 7, 2)).slice(6), [Math.log(2)]);
  });

  it('keeps the label of an isolated labelled node: F = (1 − α) Y there', async () => {
    const spread = await spreadLabels(twoTriangles(), Int32Array.from([0, -1, -1, -1, -1, -1, 1]), 2, {
      alpha: 0.9,
    });
    assert.equal(spread.predicted[6], 1);
    assert.ok(Math.abs(spread.scores[13] - 0.1) < 1e-15);
    assert.equal(spread.scores[12], 0);
  });

  it('seeds Y_ic = 1 / m_c when balancing (1 per label otherwise): with α = 0, F = Y', async () => {
    // Class 0 labelled at nodes 0 and 1 (m_0 = 2), class 1 at node 4 (m_1 = 1).
    const labels = Int32Array.from([0, 0, -1, -1, 1, -1, -1]);
    const balanced = await spreadLabels(twoTriangles(), labels, 2, { alpha: 0 });
    assert.deepEqual(Array.from(balanced.scores), [0.5, 0, 0.5, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
    const plain = await spreadLabels(twoTriangles(), labels, 2, { alpha: 0, balanceClasses: false });
    assert.deepEqual(Array.from(plain.scores), [1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0]);
  });

  it('rejects bad input', async () => {
    await assert.rejects(spreadLabels(twoTriangles(), Int32Array.from([0, 1]), 2), RangeError);
    await assert.rejects(
      spreadLabels(twoTriangles(), Int32Array.from([0, 2, -1, -1, -1, -1, -1]), 2),
      InputError,
    );
    await assert.rejects(spreadLabels(twoTriangles(), new Int32Array(7), 2, { alpha: 1 }), InputError);
  });
});

describe('core/acquire rowEntropy', () => {
  it('is −Σ p log p per row, by hand', () => {
    const h = rowEntropy(Float64Array.from([1, 0, 0.5, 0.5, 0.25, 0.75]), 3, 2);
    assert.equal(h[0], 0);
    assert.ok(Math.abs(h[1] - Math.log(2)) < 1e-15);
    assert.ok(Math.abs(h[2] - -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75))) < 1e-15);
  });
});
