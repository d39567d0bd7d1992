/**
 * Confident learning against scripts/make-label-references.py, a NumPy port of
 * cleanlab 2.x written independently of the TypeScript (cleanlab itself is not
 * installed here): thresholds, the confident joint with and without
 * calibration, the prune counts, the flagged samples and both issue counts, on
 * four seeded problems (2, 3, 4 and 10 classes; one class never given).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  confidentJoint,
  confidentThresholds,
  countLabelIssues,
  findLabelIssues,
  roundHalfEven,
  roundRowsPreservingTotals,
} from '../../../../src/core/labels';

interface ReferenceCase {
  name: string;
  numClasses: number;
  probabilities: number[];
  labels: number[];
  thresholds: number[];
  confidentJoint: number[];
  offDiagonal: number[];
  calibratedJoint: number[];
  pruneCounts: number[];
  issues: number[];
  numIssuesOffDiagonal: number;
  numIssuesCalibrated: number;
}

const reference = JSON.parse(
  readFileSync(join(__dirname, '../../../fixtures/labels/confident-learning.json'), 'utf8'),
) as { cases: ReferenceCase[] };

describe('core/labels confident learning (NumPy reference of cleanlab)', () => {
  for (const item of reference.cases) {
    describe(item.name, () => {
      const probabilities = Float64Array.from(item.probabilities);
      const labels = Int32Array.from(item.labels);
      const C = item.numClasses;

      it('per-class thresholds', () => {
        const thresholds = confidentThresholds(probabilities, labels, C);
        thresholds.forEach((value, c) =>
          assert.ok(Math.abs(value - item.thresholds[c]) < 1e-12, `class ${c}`),
        );
      });

      it('the confident joint and its off-diagonal samples', () => {
        const joint = confidentJoint(probabilities, labels, C);
        assert.deepEqual(Array.from(joint.counts), item.confidentJoint);
        assert.deepEqual(Array.from(joint.offDiagonal), item.offDiagonal);
      });

      it('the calibrated joint (rows keep the given-label counts, the whole sums to n)', () => {
        const calibrated = confidentJoint(probabilities, labels, C, { calibrate: true }).counts;
        assert.deepEqual(Array.from(calibrated), item.calibratedJoint);
        assert.equal(
          calibrated.reduce((a, b) => a + b, 0),
          labels.length,
        );
      });

      it('the samples find_label_issues flags (prune by noise rate)', () => {
        const flagged = findLabelIssues(probabilities, labels, C);
        const indices = Array.from(flagged.keys()).filter((i) => flagged[i] === 1);
        assert.deepEqual(indices, item.issues);
      });

      it('num_label_issues, off-diagonal and calibrated', () => {
        assert.deepEqual(countLabelIssues(probabilities, labels, C), {
          offDiagonal: item.numIssuesOffDiagonal,
          calibrated: item.numIssuesCalibrated,
        });
      });
    });
  }
});

describe('core/labels rounding as NumPy does', () => {
  it('rounds halves to the even neighbour', () => {
    assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, 2.4, 2.6].map(roundHalfEven), [0, 2, 2, 0, -2, 2, 3]);
  });

  it('keeps each row total when rounding (by hand)', () => {
    // Row [0.4, 0.4, 0.2] sums to 1, rounds to [0, 0, 0]: one +1 goes to the largest
    // remainder (0.4 at index 1, the later of the tie, as NumPy's reversed stable argsort).
    // Row [1.5, 1.5, 0] sums to 3, rounds half-even to [2, 2, 0] = 4: cleanlab moves the entry
    // with the largest (value − rounded) whichever way it must go, here index 2 (0 > −0.5),
    // to −1 — a quirk of its algorithm, kept so that the counts match it.
    const rounded = roundRowsPreservingTotals(Float64Array.from([0.4, 0.4, 0.2, 1.5, 1.5, 0]), 3);
    assert.deepEqual(Array.from(rounded), [0, 1, 0, 2, 2, -1]);
  });
});
