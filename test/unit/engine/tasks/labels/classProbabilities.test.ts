/**
 * Class probabilities over the given labels' classes: the model's softmax
 * restricted to the classes the data carries and renormalised (by hand), and
 * the out-of-fold fallback, with its notice, when a label is none of the
 * model's classes or there is no model.
 */
import assert from 'node:assert/strict';
import { silentContext } from '../../../../../src/engine/context';
import type { Representation } from '../../../../../src/engine/representation';
import { classProbabilities } from '../../../../../src/engine/tasks/labels/classProbabilities';
import { encodeLabels } from '../../../../../src/engine/tasks/labelSpace';

function representation(logits?: number[][], classNames?: string[]): Representation {
  // 8 points on a line, the first four near 0 and the last four near 10.
  const points = { rows: 8, dim: 1, data: Float32Array.from([0, 0.5, 1, 1.5, 10, 10.5, 11, 11.5]) };
  return {
    points,
    keptIndices: Int32Array.from({ length: 8 }, (_, i) => i),
    logits: logits && { rows: logits.length, dim: logits[0].length, data: Float32Array.from(logits.flat()) },
    classNames,
    skipped: [],
    source: logits ? 'model-embeddings' : 'features',
    cached: false,
  };
}

describe('engine/tasks/labels classProbabilities', () => {
  it("restricts the model's softmax to the classes the data carries, and renormalises", async () => {
    // Logits [0, ln 2, ln 3]: softmax [1, 2, 3]/6 over (a, b, c); the data carries a and c only,
    // so the probabilities are [1, 3]/4.
    const logits = Array.from({ length: 8 }, () => [0, Math.log(2), Math.log(3)]);
    const given = ['a', 'c', 'a', 'c', 'a', 'c', 'a', 'c'];
    const space = encodeLabels(given, ['a', 'b', 'c']);
    assert.deepEqual(space.names, ['a', 'c']);
    const result = await classProbabilities(representation(logits, ['a', 'b', 'c']), space, silentContext);
    assert.equal(result.notice, undefined);
    for (let row = 0; row < 8; row++) {
      assert.ok(Math.abs(result.values[row * 2] - 0.25) < 1e-6);
      assert.ok(Math.abs(result.values[row * 2 + 1] - 0.75) < 1e-6);
    }
  });

  it('falls back to out-of-fold logistic regression, with a notice, for labels the model does not know', async () => {
    const logits = Array.from({ length: 8 }, () => [0, 0]);
    const given = ['cat', 'cat', 'cat', 'cat', 'dog', 'dog', 'dog', 'dog'];
    const result = await classProbabilities(
      representation(logits, ['a', 'b']),
      encodeLabels(given),
      silentContext,
    );
    assert.match(result.notice!, /the labels "cat", "dog" are none of the model's classes \(a, b\)/);
    // The two groups are far apart: each sample's out-of-fold probability favours its own group.
    for (let row = 0; row < 8; row++) assert.ok(result.values[row * 2 + (row < 4 ? 0 : 1)] > 0.5);
  });

  it('says so when there is no model', async () => {
    const given = ['x', 'x', 'x', 'x', 'y', 'y', 'y', 'y'];
    const result = await classProbabilities(representation(), encodeLabels(given), silentContext);
    assert.match(
      result.notice!,
      /^no model: class probabilities come from a logistic regression on the points/,
    );
  });
});
