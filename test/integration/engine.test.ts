/**
 * The engine process over JSON-RPC, as the extension drives it: a failing job
 * answers with an error naming the file, and the same process then serves the
 * next job; progress arrives; cancel stops a running job.
 */
import assert from 'node:assert/strict';
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import {
  IPCMessageReader,
  IPCMessageWriter,
  createMessageConnection,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { cancelRequest, progressNotification, scanRequest } from '../../src/protocol/engineRpc';
import { ENGINE_ERRORS, type ProgressParams, type ScanParams } from '../../src/protocol/engine';
import { fixtures, freshDir, repoRoot } from './helpers';

const fmnist = join(fixtures, 'fmnist');
const model = join(fmnist, 'model.onnx');

describe('engine process (JSON-RPC over IPC)', function () {
  this.timeout(120_000);
  let engine: ChildProcess;
  let connection: MessageConnection;
  const progress: ProgressParams[] = [];

  before(() => {
    engine = fork(join(repoRoot, 'dist', 'engine.js'), [], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
    connection = createMessageConnection(new IPCMessageReader(engine), new IPCMessageWriter(engine));
    connection.onNotification(progressNotification, (params) => progress.push(params));
    connection.listen();
  });

  after(() => {
    connection.dispose();
    engine.kill();
  });

  const params = (overrides: Partial<ScanParams>): ScanParams => ({
    task: 'labels',
    datasets: [{ role: 'data', path: join(fmnist, 'noisy') }],
    model,
    k: 20,
    cacheRoot: freshDir(),
    ...overrides,
  });

  it('answers a corrupt model with an input error naming the file, and keeps serving', async () => {
    const corrupt = join(fixtures, 'bad', 'corrupt.onnx');
    await assert.rejects(
      connection.sendRequest(scanRequest, { jobId: 'bad', params: params({ model: corrupt }) }),
      (error: any) => {
        assert.equal(error.code, ENGINE_ERRORS.input);
        assert.equal(error.data.file, corrupt);
        assert.ok(error.data.problem.length > 0);
        return true;
      },
    );
    const result = await connection.sendRequest(scanRequest, { jobId: 'good', params: params({}) });
    assert.equal(result.samples.length, 1000);
    assert.equal(engine.exitCode, null, 'the engine is still running');
  });

  it('reports progress by job id, stage by stage', async () => {
    progress.length = 0;
    await connection.sendRequest(scanRequest, { jobId: 'progress', params: params({ noCache: true }) });
    const mine = progress.filter((p) => p.jobId === 'progress');
    const stages = [...new Set(mine.map((p) => p.stage))];
    assert.ok(stages.includes('running the model'), stages.join(', '));
    assert.ok(stages.includes('building the kNN graph'), stages.join(', '));
    const model = mine.filter((p) => p.stage === 'running the model');
    assert.equal(model.at(-1)!.done, model.at(-1)!.total, 'the model stage reaches its total');
    for (let i = 1; i < model.length; i++) assert.ok(model[i].done >= model[i - 1].done);
  });

  it('cancels a running job', async () => {
    const job = connection.sendRequest(scanRequest, {
      jobId: 'slow',
      params: params({ noCache: true, batchSize: 8 }),
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(await connection.sendRequest(cancelRequest, { jobId: 'slow' }), true);
    await assert.rejects(job, (error: any) => error.code === ENGINE_ERRORS.cancelled);
    const after = await connection.sendRequest(scanRequest, { jobId: 'after-cancel', params: params({}) });
    assert.equal(after.samples.length, 1000);
  });

  it('answers an unknown task with an input error naming the task parameter and the tasks there are', async () => {
    await assert.rejects(
      connection.sendRequest(scanRequest, { jobId: 'nonsense', params: params({ task: 'nonsense' }) }),
      (error: any) =>
        error.code === ENGINE_ERRORS.input &&
        error.data.file === 'task' &&
        error.data.parameter === true &&
        /labels, boundary, adversarial, prototypes, acquire/.test(error.data.problem),
    );
  });
});
