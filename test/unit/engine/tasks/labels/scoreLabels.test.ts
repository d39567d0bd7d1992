/**
 * Each scorer of the labels task on a hand-made graph, against values computed
 * here independently: 1 − p by hand, label spreading by a dense solve of
 * (I − αS) F = (1 − α) Y, the flagged-first order of confident learning, and
 * the suggested label each scorer should give.
 */
import assert from 'node:assert/strict';
import { inverse, Matrix } from 'ml-matrix';
import type { CsrGraph } from '../../../../../src/core/csr';
import { findLabelIssues, fitNoisyChannel, neighbourLabelShares } from '../../../../../src/core/labels';
import { resolveParams } from '../../../../../src/engine/scan';
import { labelsTask } from '../../../../../src/engine/tasks/labels';
import {
  scoreLabels,
  SPREAD_ALPHA,
  type LabelEvidence,
} from '../../../../../src/engine/tasks/labels/scoreLabels';

/** Path 0–1–2–3–4–5 plus the chord 0–2; unit weights. Node 5 is unlabelled. */
const edges: [number, number][] = [
  [0, 1],
  [1, 2],
  [2, 3],
  [3, 4],
  [4, 5],
  [0, 2],
];
function graph(): CsrGraph {
  const rows: number[][] = Array.from({ length: 6 }, () => []);
  for (const [a, b] of edges) {
    rows[a].push(b);
    rows[b].push(a);
  }
  rows.forEach((row) => row.sort((x, y) => x - y));
  const indptr = [0];
  for (const row of rows) indptr.push(indptr.at(-1)! + row.length);
  return {
    n: 6,
    indptr: Int32Array.from(indptr),
    indices: Int32Array.from(rows.flat()),
    weights: new Float32Array(rows.flat().length).fill(1),
  };
}

const codes = Int32Array.from([0, 0, 1, 1, 0, -1]);
const rows = Int32Array.from([0, 1, 2, 3, 4]);
const labels = Int32Array.from([0, 0, 1, 1, 0]);
// Two classes; sample 4 (labelled 0) looks like class 1 to the "model".
const probabilities = Float64Array.from([0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.2, 0.8, 0.1, 0.9]);

async function evidence(): Promise<LabelEvidence> {
  const g = graph();
  const shares = neighbourLabelShares(g, codes, 2);
  const sharesOfRows = Float64Array.from({ length: 10 }, (_, t) => shares[t]);
  const channel = await fitNoisyChannel(sharesOfRows, labels, 2, probabilities);
  return { graph: g, codes, C: 2, rows, labels, probabilities, channel };
}

const params = (scorer: string) =>
  resolveParams({ task: 'labels', datasets: [{ role: 'data', path: 'x' }], scorer }, labelsTask, '/');

describe('engine/tasks/labels scoreLabels', () => {
  it('confidence: 1 − p(given label), suggesting the most probable class', async () => {
    const result = await scoreLabels('confidence', await evidence(), params('confidence'), {});
    assert.deepEqual(
      Array.from(result.score, (v) => +v.toFixed(12)),
      [0.1, 0.2, 0.3, 0.2, 0.9],
    );
    assert.deepEqual(Array.from(result.suggested), [0, 0, 1, 1, 1]);
  });

  it("disagreement: share of labelled neighbours with another label (by hand), the neighbours' majority suggested", async () => {
    // N(0) = {1, 2}: 1/2; N(1) = {0, 2}: 1/2; N(2) = {0, 1, 3}: 2/3; N(3) = {2, 4}: 1/2; N(4) = {3, 5*}: 1/1.
    const result = await scoreLabels('disagreement', await evidence(), params('disagreement'), {});
    assert.deepEqual(
      Array.from(result.score, (v) => +v.toFixed(12)),
      [0.5, 0.5, +(2 / 3).toFixed(12), 0.5, 1],
    );
    // Majorities: 0 → tie 0/1 → 0; 1 → tie → 0; 2 → 0; 3 → tie → 0; 4 → 1.
    assert.deepEqual(Array.from(result.suggested), [0, 0, 0, 0, 1]);
  });

  it('spread: 1 − the spread share of the given label, against a dense solve', async () => {
    const g = graph();
    const degree = Array.from({ length: 6 }, (_, i) => g.indptr[i + 1] - g.indptr[i]);
    const S = Matrix.zeros(6, 6);
    for (const [a, b] of edges) {
      S.set(a, b, 1 / Math.sqrt(degree[a] * degree[b]));
      S.set(b, a, 1 / Math.sqrt(degree[a] * degree[b]));
    }
    // Seeds balanced per class: 3 nodes labelled 0 (1/3 each), 2 labelled 1 (1/2 each).
    const Y = Matrix.zeros(6, 2);
    codes.forEach((c, i) => c >= 0 && Y.set(i, c, c === 0 ? 1 / 3 : 1 / 2));
    const F = inverse(Matrix.eye(6).sub(S.mul(SPREAD_ALPHA)))
      .mmul(Y)
      .mul(1 - SPREAD_ALPHA);
    const result = await scoreLabels('spread', await evidence(), params('spread'), {});
    rows.forEach((row, r) => {
      const share = F.get(row, labels[r]) / (F.get(row, 0) + F.get(row, 1));
      assert.ok(Math.abs(result.score[r] - (1 - share)) < 1e-6, `row ${row}`);
      assert.equal(result.suggested[r], F.get(row, 0) >= F.get(row, 1) ? 0 : 1);
    });
  });

  it('confident-learning: flagged samples first, each group by 1 − p(given)', async () => {
    const e = await evidence();
    const flagged = findLabelIssues(probabilities, labels, 2);
    const result = await scoreLabels('confident-learning', e, params('confident-learning'), {});
    rows.forEach((_, r) => {
      const doubt = 1 - probabilities[r * 2 + labels[r]];
      assert.ok(Math.abs(result.score[r] - (flagged[r] + doubt)) < 1e-12);
    });
    assert.equal(
      result.metrics!.confidentLearningFlagged,
      flagged.reduce((a, b) => a + b, 0),
    );
  });

  it('fused: the channel posterior, suggesting the pooled arg-max', async () => {
    const e = await evidence();
    const result = await scoreLabels('fused', e, params('fused'), {});
    assert.deepEqual(Array.from(result.score), Array.from(e.channel.flipProbability));
    rows.forEach((_, r) =>
      assert.equal(result.suggested[r], e.channel.pooled[r * 2] >= e.channel.pooled[r * 2 + 1] ? 0 : 1),
    );
    // Sample 4 (labelled 0, looks like 1, neighbours say 1) is the most suspect.
    assert.equal(result.score.indexOf(Math.max(...result.score)), 4);
  });
});
