import assert from 'node:assert/strict';
import { readScanSettings, type ScanSettings } from '../../../src/extension/settings';

function from(values: Partial<Record<keyof ScanSettings, unknown>>) {
  return readScanSettings((key) => values[key]);
}

describe('extension/settings', () => {
  const defaults = {
    batchSize: 256,
    dataPath: '',
    modelPath: '',
    referencePath: '',
    scorer: 'auto',
    prototypeCount: 50,
    labelBatchSize: 100,
    standardizeFeatures: true,
  };

  it("uses the manifest defaults for unset settings; k unset (or null) means each task's own", () => {
    assert.deepEqual(from({}), { ok: true, settings: defaults });
    assert.deepEqual(from({ k: null }), { ok: true, settings: defaults });
  });

  it('trims paths and keeps valid numbers', () => {
    assert.deepEqual(
      from({
        k: 30,
        batchSize: 64,
        dataPath: ' data/images ',
        modelPath: 'm.onnx',
        referencePath: ' ref ',
        prototypeCount: 20,
      }),
      {
        ok: true,
        settings: {
          ...defaults,
          k: 30,
          batchSize: 64,
          dataPath: 'data/images',
          modelPath: 'm.onnx',
          referencePath: 'ref',
          prototypeCount: 20,
        },
      },
    );
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
    assert.deepEqual(from({ labelBatchSize: 0 }), {
      ok: false,
      setting: 'margin.labelBatchSize',
      problem: 'must be an integer from 1 to 100000, got 0',
    });
    assert.deepEqual(from({ dataPath: 3 }), {
      ok: false,
      setting: 'margin.dataPath',
      problem: 'must be a string',
    });
  });

  it('margin.scorer: auto by default, a trimmed name kept, an empty or non-string value named', () => {
    assert.deepEqual(from({ scorer: ' disagreement ' }), {
      ok: true,
      settings: { ...defaults, scorer: 'disagreement' },
    });
    for (const value of ['', '  ', 3])
      assert.deepEqual(from({ scorer: value }), {
        ok: false,
        setting: 'margin.scorer',
        problem: `must be "auto" or the name of a scorer, got ${JSON.stringify(value)}`,
      });
  });

  it('margin.standardizeFeatures: on by default, false kept, anything but a boolean named', () => {
    assert.deepEqual(from({ standardizeFeatures: false }), {
      ok: true,
      settings: { ...defaults, standardizeFeatures: false },
    });
    assert.deepEqual(from({ standardizeFeatures: 'no' }), {
      ok: false,
      setting: 'margin.standardizeFeatures',
      problem: 'must be true or false, got "no"',
    });
  });
});
