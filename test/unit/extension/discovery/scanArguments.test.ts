import assert from 'node:assert/strict';
import { parseScanArgs, resolveUserPath } from '../../../../src/extension/discovery/scanArguments';

describe('extension/discovery/scanArguments', () => {
  it('takes data and model strings and ignores everything else', () => {
    assert.deepEqual(parseScanArgs({ data: ' images ', model: 'm.onnx', k: 3 }), {
      data: 'images',
      model: 'm.onnx',
    });
    assert.deepEqual(parseScanArgs({ data: 42, model: '' }), {});
    assert.deepEqual(parseScanArgs(undefined), {});
    assert.deepEqual(parseScanArgs('images'), {});
  });

  it('takes a file Uri (explorer menu) as the dataset', () => {
    assert.deepEqual(parseScanArgs({ scheme: 'file', fsPath: '/w/images', path: '/w/images' }), {
      data: '/w/images',
    });
    assert.deepEqual(parseScanArgs({ scheme: 'untitled', fsPath: 'Untitled-1' }), {});
  });

  it('takes a .onnx file Uri (explorer menu on a model) as the model, not the dataset', () => {
    assert.deepEqual(parseScanArgs({ scheme: 'file', fsPath: '/w/Model.ONNX', path: '/w/Model.ONNX' }), {
      model: '/w/Model.ONNX',
    });
  });

  it('resolves relative paths from the workspace folder and keeps absolute ones', () => {
    assert.equal(resolveUserPath('data/images', '/w'), '/w/data/images');
    assert.equal(resolveUserPath('/elsewhere/./m.onnx', '/w'), '/elsewhere/m.onnx');
    assert.equal(resolveUserPath('data', undefined), undefined);
    assert.equal(resolveUserPath('  ', '/w'), undefined);
  });
});
