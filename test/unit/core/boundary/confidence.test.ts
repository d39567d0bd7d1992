import assert from 'node:assert/strict';
import {
  entropyScores,
  leastConfidenceScores,
  marginGapScores,
  softmaxRows,
  topTwo,
} from '../../../../src/core/boundary';
import { InputError } from '../../../../src/core/errors';

const matrix = (rows: number[][]) => ({
  rows: rows.length,
  dim: rows[0].length,
  data: Float32Array.from(rows.flat()),
});
const close = (actual: number, expected: number, tolerance = 1e-12) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${actual} vs ${expected}`);

describe('core/boundary confidence scores', () => {
  // Row 0: logits (0, ln 3, 0) → p = (1/5, 3/5, 1/5).  Row 1: (ln 2, ln 2, 0) → p = (2/5, 2/5, 1/5), a tie.
  const logits = matrix([
    [0, Math.log(3), 0],
    [Math.log(2), Math.log(2), 0],
  ]);

  it('computes the softmax of each row', () => {
    const p = softmaxRows(logits);
    [1 / 5, 3 / 5, 1 / 5, 2 / 5, 2 / 5, 1 / 5].forEach((expected, t) => close(p[t], expected, 1e-7));
  });

  it('does not overflow with large logits (shifted by the row maximum)', () => {
    // 1000 and 1001 are exact in float32; exp(1000) alone would be Infinity.
    const p = softmaxRows(matrix([[1000, 1001]]));
    close(p[0], 1 / (1 + Math.E));
    close(p[1], Math.E / (1 + Math.E));
  });

  it('finds the predicted class and the runner-up (ties → the smaller index first)', () => {
    const top = topTwo(logits);
    assert.deepEqual(Array.from(top.first), [1, 0]);
    assert.deepEqual(Array.from(top.second), [0, 1]);
    const later = topTwo(matrix([[0, 1, 5, 3, 4]]));
    assert.deepEqual([later.first[0], later.second[0]], [2, 4]);
  });

  it('scores entropy, 1 − (p1 − p2) and 1 − p_max by hand', () => {
    const p = softmaxRows(logits);
    const top = topTwo(logits);
    const h = entropyScores(p, 3);
    close(h[0], -(2 * (1 / 5) * Math.log(1 / 5) + (3 / 5) * Math.log(3 / 5)), 1e-6);
    close(h[1], -(2 * (2 / 5) * Math.log(2 / 5) + (1 / 5) * Math.log(1 / 5)), 1e-6);
    const gap = marginGapScores(p, 3, top);
    close(gap[0], 1 - (3 / 5 - 1 / 5), 1e-6);
    close(gap[1], 1, 1e-6); // a tie between the two best classes: on the boundary
    const doubt = leastConfidenceScores(p, 3, top);
    close(doubt[0], 2 / 5, 1e-6);
    close(doubt[1], 3 / 5, 1e-6);
  });

  it('gives a one-hot softmax entropy 0 (0 log 0 = 0)', () => {
    const h = entropyScores(Float64Array.from([1, 0, 0]), 3);
    assert.equal(h[0], 0);
  });

  it('refuses non-finite logits and a single class, naming the problem', () => {
    assert.throws(
      () => softmaxRows(matrix([[0, Number.NaN]])),
      (error: unknown) =>
        error instanceof InputError && /sample 0 has a non-finite logit/.test(error.message),
    );
    assert.throws(
      () => topTwo(matrix([[1], [2]])),
      (error: unknown) => error instanceof InputError && /at least two classes/.test(error.message),
    );
  });
});
