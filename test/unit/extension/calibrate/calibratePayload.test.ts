import assert from 'node:assert/strict';
import { buildCalibrationPayload } from '../../../../src/extension/calibrate/calibratePayload';
import type { CalibrationResult } from '../../../../src/protocol/engine';

const recall = (means: number[]) =>
  [0.05, 0.1, 0.2, 0.3].map((fraction, i) => ({ fraction, mean: means[i], sd: 0.01, perSeed: [means[i]] }));

const result: CalibrationResult = {
  task: 'labels',
  params: {
    datasets: [{ role: 'data', path: '/w/images' }],
    model: '/w/model.onnx',
    k: 20,
    fraction: 0.1,
    seeds: 1,
    cacheRoot: '/w',
  },
  dataset: { kind: 'image-folder', source: '/w/images', count: 1000, labelNames: ['a', 'b'] },
  labelled: 998,
  flips: 100,
  seeds: [1],
  fractions: [0.05, 0.1, 0.2, 0.3],
  scorers: [
    { scorer: 'margin', description: 'MARGIN', recall: recall([0.4, 0.8, 0.9, 0.95]) },
    { scorer: 'confidence', description: 'model', recall: recall([0.5, 0.9, 0.95, 0.99]) },
    { scorer: 'needs-ref', description: 'reference', recall: [], unavailable: 'needs a reference' },
  ],
  recommended: 'confidence',
  recommendationFile: '/w/.margin/calibration/x.json',
  skipped: [{ index: 3, file: '/w/images/a/bad.png', problem: 'undecodable' }],
  notices: ['embeddings read from the cache: the model did not run again'],
  timings: { dataset: 1 },
  cached: { embeddings: true },
};

describe('extension/calibrate/calibratePayload', () => {
  it('one row per scorer in the engine’s order, the recommended one marked, the figures unchanged', () => {
    const payload = buildCalibrationPayload(result);
    assert.deepEqual(
      payload.rows.map((row) => [row.scorer, row.recommended, row.unavailable]),
      [
        ['margin', false, undefined],
        ['confidence', true, undefined],
        ['needs-ref', false, 'needs a reference'],
      ],
    );
    assert.deepEqual(payload.rows[1].cells, result.scorers[1].recall);
    assert.deepEqual(payload.rows[2].cells, []);
    assert.equal(payload.model, '/w/model.onnx');
    assert.equal(payload.fraction, 0.1);
    assert.equal(payload.k, 20);
    assert.equal(payload.skipped, 1);
    assert.equal(payload.cachedEmbeddings, true);
    assert.deepEqual(payload.notices, result.notices);
  });

  it('leaves the model out when there was none', () => {
    const { model: _model, ...params } = result.params;
    assert.equal(buildCalibrationPayload({ ...result, params }).model, undefined);
  });
});
