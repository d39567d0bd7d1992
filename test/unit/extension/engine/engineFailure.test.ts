import assert from 'node:assert/strict';
import { ErrorCodes, ResponseError } from 'vscode-jsonrpc/node';
import { ENGINE_ERRORS } from '../../../../src/protocol/engine';
import {
  EngineStoppedError,
  classifyEngineFailure,
  describeFailure,
} from '../../../../src/extension/engine/engineFailure';

describe('extension/engine/engineFailure', () => {
  it('reads the file and the problem of an input error', () => {
    const error = new ResponseError(ENGINE_ERRORS.input, 'x', {
      kind: 'input',
      file: '/w/model.onnx',
      problem: 'is not an ONNX model',
    });
    const failure = classifyEngineFailure(error);
    assert.deepEqual(failure, { kind: 'input', file: '/w/model.onnx', problem: 'is not an ONNX model' });
    assert.equal(describeFailure(failure), '/w/model.onnx: is not an ONNX model');
  });

  it('names a neutral parameter in VS Code terms (its setting), and an unknown one as it is', () => {
    const reference = classifyEngineFailure(
      new ResponseError(ENGINE_ERRORS.input, 'x', {
        kind: 'input',
        file: 'reference',
        problem: 'is required by the adversarial task: a clean, labelled set',
        parameter: true,
      }),
    );
    assert.equal(
      describeFailure(reference),
      'the reference set (margin.referencePath): is required by the adversarial task: a clean, labelled set',
    );
    const k = {
      kind: 'input' as const,
      file: 'k',
      problem: 'must be a positive integer, got 0',
      parameter: true,
    };
    assert.equal(describeFailure(k), 'setting margin.k: must be a positive integer, got 0');
    assert.equal(describeFailure({ ...k, file: 'gamma' }), 'gamma: must be a positive integer, got 0');
  });

  it('keeps the message of an input error that lost its data', () => {
    const failure = classifyEngineFailure(
      new ResponseError(ENGINE_ERRORS.input, '--k: must be a positive integer'),
    );
    assert.equal(describeFailure(failure), '--k: must be a positive integer');
  });

  it('recognises cancellation, not-implemented and internal errors', () => {
    assert.deepEqual(classifyEngineFailure(new ResponseError(ENGINE_ERRORS.cancelled, 'cancelled')), {
      kind: 'cancelled',
    });
    assert.deepEqual(
      classifyEngineFailure(
        new ResponseError(ENGINE_ERRORS.notImplemented, 'the boundary task is not available yet'),
      ),
      {
        kind: 'notImplemented',
        message: 'the boundary task is not available yet',
      },
    );
    const internal = classifyEngineFailure(new ResponseError(ENGINE_ERRORS.internal, 'internal error: boom'));
    assert.equal(internal.kind, 'internal');
    assert.equal(describeFailure(internal), 'internal error: boom');
  });

  it('treats a lost connection or a dead process as a stopped engine', () => {
    const rejected = new ResponseError(
      ErrorCodes.PendingResponseRejected,
      'Pending response rejected since connection got disposed',
    );
    assert.equal(classifyEngineFailure(rejected).kind, 'engineStopped');
    assert.deepEqual(classifyEngineFailure(new EngineStoppedError('gone (exit code 1)', 1)), {
      kind: 'engineStopped',
      message: 'gone (exit code 1)',
    });
  });

  it('treats anything else as internal, keeping the stack for the log', () => {
    const failure = classifyEngineFailure(new TypeError('x is undefined'));
    assert.equal(failure.kind, 'internal');
    assert.match((failure as { detail?: string }).detail ?? '', /TypeError: x is undefined/);
    assert.equal(classifyEngineFailure('a string').kind, 'internal');
  });
});
