import assert from 'node:assert/strict';
import { readScanSettings, type ScanSettings } from '../../../src/extension/settings';

function from(values: Partial<Record<keyof ScanSettings, unknown>>) {
  return readScanSettings((key) => values[key]);
}

describe('extension/settings', () => {
  it('uses the manifest defaults for unset settings', () => {
    assert.deepEqual(from({}), {
      ok: true,
      settings: { k: 20, batchSize: 256, dataPath: '', modelPath: '' },
    });
  });

  it('trims paths and keeps valid numbers', () => {
    assert.deepEqual(from({ k: 30, batchSize: 64, dataPath: ' data/images ', modelPath: 'm.onnx' }), {
      ok: true,
      settings: { k: 30, batchSize: 64, dataPath: 'data/images', modelPath: 'm.onnx' },
    });
  });

  it('names the setting and the problem for values settings.json let through', () => {
    assert.deepEqual(from({ k: 1 }), {
      ok: false,
      setting: 'margin.k',
      problem: 'must be an integer from 2 to 200, got 1',
    });
    assert.deepEqual(from({ k: 2.5 }), {
      ok: false,
      setting: 'margin.k',
      problem: 'must be an integer from 2 to 200, got 2.5',
    });
    assert.deepEqual(from({ batchSize: '64' }), {
      ok: false,
      setting: 'margin.batchSize',
      problem: 'must be an integer from 1 to 8192, got "64"',
    });
    assert.deepEqual(from({ dataPath: 3 }), {
      ok: false,
      setting: 'margin.dataPath',
      problem: 'must be a string',
    });
  });
});
