/**
 * `explain` over the engine process (JSON-RPC over IPC), as the extension
 * drives it: the same map as the CLI writes, progress by job id, a bad target
 * answered with an input error while the engine keeps serving, cancellation.
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
import { npyToFloat32, readNpy } from '../../src/data/npy';
import { ENGINE_ERRORS, type ExplainParams, type ProgressParams } from '../../src/protocol/engine';
import { cancelRequest, explainRequest, progressNotification } from '../../src/protocol/engineRpc';
import { fixtures, freshDir, repoRoot, runCli } from './helpers';

const fmnist = join(fixtures, 'fmnist');
const model = join(fmnist, 'model.onnx');
const png = join(fmnist, 'reference', 'png', '003.png');

describe('engine process: explain (JSON-RPC over IPC)', function () {
  this.timeout(120_000);
  let engine: ChildProcess;
  let connection: MessageConnection;
  const progress: ProgressParams[] = [];
  /** Called on every progress notification (vscode-jsonrpc keeps one handler per method). */
  const listeners = new Set<(params: ProgressParams) => void>();

  before(() => {
    engine = fork(join(repoRoot, 'dist', 'engine.js'), [], { stdio: ['pipe', 'pipe', 'pipe', 'ipc'] });
    connection = createMessageConnection(new IPCMessageReader(engine), new IPCMessageWriter(engine));
    connection.onNotification(progressNotification, (params) => {
      progress.push(params);
      for (const listener of listeners) listener(params);
    });
    connection.listen();
  });

  after(() => {
    connection.dispose();
    engine.kill();
  });

  const params = (overrides: Partial<ExplainParams> = {}): ExplainParams => ({
    model,
    input: png,
    method: 'occlusion',
    ...overrides,
  });

  it('answers with the same map the CLI writes to .npy, and reports progress by job id', async () => {
    const dir = freshDir();
    const run = runCli(
      [
        'explain',
        '--model',
        model,
        '--input',
        png,
        '--method',
        'occlusion',
        '--target',
        '2',
        '--out',
        'cli.npy',
        '--quiet',
      ],
      dir,
    );
    assert.equal(run.status, 0, run.stderr);
    const fromCli = Array.from(npyToFloat32(await readNpy(join(dir, 'cli.npy'))));

    progress.length = 0;
    const engineOut = join(dir, 'engine.json');
    const result = await connection.sendRequest(explainRequest, {
      jobId: 'map',
      params: params({ target: 2, out: [engineOut] }),
    });
    assert.equal(result.method, 'occlusion');
    assert.equal(result.target, 2);
    assert.equal(result.targetLabel, 'Pullover');
    assert.deepEqual(result.shape, [1, 28, 28]);
    assert.equal(result.probabilities.length, 10);
    assert.ok(Array.isArray(result.map), 'the map travels as a plain list');
    assert.deepEqual(result.map, fromCli);
    assert.deepEqual(result.written, [engineOut]);
    assert.ok(result.seconds > 0);

    const mine = progress.filter((p) => p.jobId === 'map');
    const stages = [...new Set(mine.map((p) => p.stage))];
    assert.ok(stages.includes('explaining (occlusion)'), stages.join(', '));
    const method = mine.filter((p) => p.stage === 'explaining (occlusion)');
    assert.equal(method.at(-1)!.done, method.at(-1)!.total, 'the method stage reaches its total');
  });

  it('answers a bad target with an input error naming the target parameter, and keeps serving', async () => {
    await assert.rejects(
      connection.sendRequest(explainRequest, { jobId: 'bad', params: params({ target: 12 }) }),
      (error: any) => {
        assert.equal(error.code, ENGINE_ERRORS.input);
        // Parameters are named neutrally: each client shows them as its own flag or setting.
        assert.equal(error.data.file, 'target');
        assert.equal(error.data.parameter, true);
        assert.match(error.data.problem, /12 is out of range/);
        return true;
      },
    );
    await assert.rejects(
      connection.sendRequest(explainRequest, {
        jobId: 'margin',
        params: params({ method: 'margin', options: { scales: [] } }),
      }),
      (error: any) => error.code === ENGINE_ERRORS.input && error.data.file === '--scales',
    );
    const after = await connection.sendRequest(explainRequest, {
      jobId: 'after',
      params: params({ target: 'Dress' }),
    });
    assert.equal(after.target, 3);
    assert.equal(engine.exitCode, null, 'the engine is still running');
  });

  it('cancels a running explanation', async () => {
    // Patch 1, stride 1, one sample per run: 784 onnxruntime runs, far longer than the cancel takes to arrive.
    // Cancel as soon as the method is under way (its first progress report), not before it starts.
    const started = new Promise<void>((resolve) => {
      const listener = (p: ProgressParams) => {
        if (p.jobId !== 'slow' || p.stage !== 'explaining (occlusion)') return;
        listeners.delete(listener);
        resolve();
      };
      listeners.add(listener);
    });
    const job = connection.sendRequest(explainRequest, {
      jobId: 'slow',
      params: params({ options: { patch: 1, stride: 1, batchSize: 1 } }),
    });
    await started;
    assert.equal(await connection.sendRequest(cancelRequest, { jobId: 'slow' }), true);
    await assert.rejects(job, (error: any) => error.code === ENGINE_ERRORS.cancelled);
    const after = await connection.sendRequest(explainRequest, { jobId: 'after-cancel', params: params() });
    assert.equal(after.map.length, 784);
  });
});
