import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  boundaryFeatures,
  chooseCombination,
  linearisedBoundaryCloseness,
  referenceAgreement,
  sampleRows,
  stratifiedFolds,
} from '../../../../src/core/boundary';
import { fitLogisticRegression, logisticDecision } from '../../../../src/core/logisticRegression';
import { seededNormal, seededUniform } from '../../../../src/core/random';

/** Made by fixtures/make-reference.py: scikit-learn LogisticRegression(C = 1) after StandardScaler. */
const reference = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'reference.json'), 'utf8'))
  .logistic as {
  features: number[];
  targets: number[];
  dim: number;
  coefficients: number[];
  intercept: number;
  testFeatures: number[];
  testDecision: number[];
};

describe('core/logisticRegression on the boundary reference (a second scikit-learn check)', () => {
  it('fits the coefficients scikit-learn fits (L2, C = 1, standardised features)', () => {
    const model = fitLogisticRegression(
      Float64Array.from(reference.features),
      reference.targets.length,
      reference.dim,
      Uint8Array.from(reference.targets),
    );
    reference.coefficients.forEach((expected, j) =>
      assert.ok(Math.abs(model.weights[j] - expected) < 1e-6, `w${j}: ${model.weights[j]} vs ${expected}`),
    );
    assert.ok(Math.abs(model.bias - reference.intercept) < 1e-6);
    const decision = logisticDecision(
      model,
      Float64Array.from(reference.testFeatures),
      reference.testFeatures.length / reference.dim,
    );
    reference.testDecision.forEach((expected, r) => assert.ok(Math.abs(decision[r] - expected) < 1e-6));
  });

  it('stays finite on separable data and on a constant feature', () => {
    const features = Float64Array.from([0, 1, 1, 1, 2, 1, 3, 1]);
    const model = fitLogisticRegression(features, 4, 2, Uint8Array.from([0, 0, 1, 1]));
    assert.ok([...model.weights, model.bias].every(Number.isFinite));
    assert.equal(model.scale[1], 1, 'a constant column is not divided by 0');
    assert.ok(model.weights[0] > 0);
  });
});

describe('core/boundary combination', () => {
  it('builds the features: log doubt, agreements, log trust (clamped)', () => {
    const features = boundaryFeatures(
      Float64Array.from([0.5, 0]),
      [Float64Array.from([0.2, 1]), Float64Array.from([0.3, 0.9])],
      Float64Array.from([2, 0]),
    );
    assert.deepEqual(Array.from(features), [
      Math.log(0.5),
      0.2,
      0.3,
      Math.log(2),
      Math.log(1e-12),
      1,
      0.9,
      Math.log(1e-6),
    ]);
  });

  it('deals stratified folds: every fold gets its share of both classes', () => {
    const targets = Uint8Array.from({ length: 103 }, (_, i) => (i % 10 === 0 ? 1 : 0));
    const fold = stratifiedFolds(targets, 5, 7);
    for (let f = 0; f < 5; f++) {
      const members = Array.from(fold.keys()).filter((r) => fold[r] === f);
      const positives = members.filter((r) => targets[r]).length;
      assert.ok(positives === 2 || positives === 3, `fold ${f} has ${positives} of 11 positives`);
      assert.ok(members.length >= 20 && members.length <= 21);
    }
    assert.deepEqual(stratifiedFolds(targets, 5, 7), fold, 'the same seed deals the same folds');
  });

  it('uses the combination when a second feature adds what the first misses', () => {
    // Mistakes are driven by both features: the first alone measures clearly less.
    const normal = seededNormal(3);
    const uniform = seededUniform(4);
    const rows = 600;
    const features = new Float64Array(rows * 2);
    const mistakes = new Uint8Array(rows);
    for (let r = 0; r < rows; r++) {
      features[r * 2] = normal();
      features[r * 2 + 1] = normal();
      const logit = 1.5 * features[r * 2] + 1.5 * features[r * 2 + 1] - 1.5;
      mistakes[r] = uniform() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
    }
    const choice = chooseCombination(features, mistakes, 2);
    assert.equal(choice.useCombination, true);
    assert.ok(choice.crossValidatedAuroc > choice.baselineAuroc + 0.05);
    assert.ok(choice.model!.weights[1] > 0);
  });

  it('keeps the first feature alone when the second is noise, or when there are too few mistakes to fit', () => {
    const normal = seededNormal(5);
    const uniform = seededUniform(6);
    const rows = 400;
    const features = new Float64Array(rows * 2);
    const mistakes = new Uint8Array(rows);
    for (let r = 0; r < rows; r++) {
      features[r * 2] = normal();
      features[r * 2 + 1] = normal();
      mistakes[r] = uniform() < 1 / (1 + Math.exp(-3 * features[r * 2])) ? 1 : 0;
    }
    const noise = chooseCombination(features, mistakes, 2);
    // The fit may match the first feature but not beat it by chance alone much; the rule is strict "beats".
    if (noise.useCombination) assert.ok(noise.crossValidatedAuroc - noise.baselineAuroc < 0.01);
    const few = chooseCombination(
      features.subarray(0, 20),
      Uint8Array.from([1, 1, 0, 0, 0, 0, 0, 0, 0, 0]),
      2,
    );
    assert.equal(few.useCombination, false);
    assert.match(
      few.reason!,
      /makes 2 mistakes on the 10 reference samples; fitting needs at least 5 mistakes and 5 correct/,
    );
  });
});

describe('core/boundary reference agreement, linearised distance, row sample', () => {
  it('counts the share of the k nearest reference samples labelled as predicted', () => {
    // Two queries, 4 neighbours each (nearest first), reference labels [0, 1, 1, 2, 0].
    const knn = {
      n: 2,
      k: 4,
      indices: Int32Array.from([1, 2, 0, 3, 4, 0, 3, 1]),
      distances: new Float32Array(8),
    };
    const labels = Int32Array.from([0, 1, 1, 2, 0]);
    assert.deepEqual(Array.from(referenceAgreement(knn, labels, Int32Array.from([1, 0]), 2)), [1, 1]);
    assert.deepEqual(Array.from(referenceAgreement(knn, labels, Int32Array.from([1, 0]), 4)), [2 / 4, 2 / 4]);
    assert.throws(() => referenceAgreement(knn, labels, Int32Array.from([1, 0]), 5), RangeError);
  });

  it('computes (z1 − z2) / ‖∇‖ and the score 1 / (1 + d), finite for a zero gradient', () => {
    const { distance, score } = linearisedBoundaryCloseness([2, 0, 3], [4, 0, 0]);
    assert.deepEqual(Array.from(distance), [0.5, 0, Infinity]);
    assert.deepEqual(Array.from(score), [1 / 1.5, 1, 0]);
  });

  it('samples distinct rows, sorted, the same for the same seed', () => {
    const rows = sampleRows(1000, 50, 3);
    assert.equal(new Set(rows).size, 50);
    assert.deepEqual(
      Array.from(rows),
      Array.from(rows).sort((a, b) => a - b),
    );
    assert.deepEqual(sampleRows(1000, 50, 3), rows);
    assert.notDeepEqual(sampleRows(1000, 50, 4), rows);
    assert.deepEqual(Array.from(sampleRows(3, 10, 1)), [0, 1, 2]);
  });
});
