import assert from 'node:assert/strict';
import {
  modelClassProbabilities,
  softmaxRows,
} from '../../../../../src/engine/tasks/acquire/classProbabilities';
import { encodeLabels } from '../../../../../src/engine/tasks/labelSpace';

describe('engine/tasks/acquire classProbabilities', () => {
  it('softmaxRows: e^z / Σ e^z per row, stable for large logits', () => {
    const p = softmaxRows({ rows: 2, dim: 2, data: Float32Array.from([0, Math.log(3), 1000, 1000]) });
    assert.ok(Math.abs(p[0] - 0.25) < 1e-7 && Math.abs(p[1] - 0.75) < 1e-7);
    assert.deepEqual(Array.from(p.subarray(2)), [0.5, 0.5]);
  });

  it('maps the labels to the model classes by name; labelled rows get their model class', () => {
    const logits = { rows: 3, dim: 3, data: new Float32Array(9) };
    const space = encodeLabels(['cat', undefined, 'ant'], undefined); // names sorted: ant, cat
    const mapped = modelClassProbabilities(logits, ['cat', 'bee', 'ant'], space);
    assert.ok(!('unmatched' in mapped));
    assert.deepEqual(Array.from(mapped.labelledGroup), [0, -1, 2]);
    assert.equal(mapped.numGroups, 3);
  });

  it('maps integer labels by index when the model has no class names, and reports labels it cannot match', () => {
    const logits = { rows: 2, dim: 3, data: new Float32Array(6) };
    const byIndex = modelClassProbabilities(logits, undefined, encodeLabels(['2', undefined], undefined));
    assert.ok(!('unmatched' in byIndex));
    assert.deepEqual(Array.from(byIndex.labelledGroup), [2, -1]);
    assert.deepEqual(
      modelClassProbabilities(logits, ['a', 'b', 'c'], encodeLabels(['a', 'dog'], undefined)),
      { unmatched: ['dog'] },
    );
  });
});
