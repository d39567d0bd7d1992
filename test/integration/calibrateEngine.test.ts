/**
 * The calibration request through the real engine process, driven by the
 * extension's EngineClient (no VS Code needed): the result equals the CLI's
 * JSON for the same files, progress arrives with the calibration's stage, and
 * a cancelled calibration stops with the `cancelled` error while the engine
 * keeps serving.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { EngineClient, type CancellationSignal } from '../../src/extension/engine/engineClient';
import { classifyEngineFailure } from '../../src/extension/engine/engineFailure';
import type { CalibrationResult, ProgressParams } from '../../src/protocol/engine';
import { fixtures, freshDir, repoRoot, runCli } from './helpers';

const fmnist = join(fixtures, 'fmnist');
const model = join(fmnist, 'model.onnx');
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

function cancellable(): { token: CancellationSignal; cancel(): void } {
  const emitter = new EventEmitter();
  let cancelled = false;
  return {
    token: {
      get isCancellationRequested() {
        return cancelled;
      },
      onCancellationRequested: (listener) => {
        emitter.on('cancel', listener);
        return { dispose: () => emitter.off('cancel', listener) };
      },
    },
    cancel: () => {
      cancelled = true;
      emitter.emit('cancel');
    },
  };
}

describe('calibrate over the engine RPC (EngineClient)', function () {
  this.timeout(600_000);
  let client: EngineClient;

  before(() => {
    client = new EngineClient({ enginePath: join(repoRoot, 'dist', 'engine.js'), log: quiet });
  });

  after(() => client.dispose());

  it('answers with the CLI’s calibration for the same files, reporting progress on the way', async () => {
    const progress: ProgressParams[] = [];
    const ours = await client.calibrate(
      { datasets: [{ role: 'data', path: join(fmnist, 'manifest.csv') }], model, cacheRoot: freshDir() },
      undefined,
      (step) => progress.push(step),
    );
    const run = runCli([
      'calibrate',
      '--data',
      join(fmnist, 'manifest.csv'),
      '--model',
      model,
      '--json',
      '--quiet',
    ]);
    assert.equal(run.status, 0, run.stderr);
    const cli = JSON.parse(run.stdout) as CalibrationResult;
    assert.deepEqual(ours.scorers, cli.scorers);
    assert.equal(ours.recommended, cli.recommended);

    const scoring = progress.filter((step) => step.stage === 're-scoring with flipped labels');
    assert.ok(scoring.length > 0, `stages: ${[...new Set(progress.map((step) => step.stage))].join(', ')}`);
    const last = scoring.at(-1)!;
    const runnable = ours.scorers.filter((entry) => !entry.unavailable).length;
    assert.deepEqual([last.done, last.total], [3 * runnable, 3 * runnable], 'one step per seed and scorer');
    assert.ok(progress.some((step) => step.stage === 'running the model'));
  });

  it('stops a cancelled calibration with the cancelled error, and serves the next request', async () => {
    const source = cancellable();
    const job = client.calibrate(
      { datasets: [{ role: 'data', path: join(fmnist, 'noisy') }], model, seeds: 20, cacheRoot: freshDir() },
      source.token,
      (step) => {
        if (step.stage === 're-scoring with flipped labels' && step.done >= 1) source.cancel();
      },
    );
    await assert.rejects(job, (error: unknown) => classifyEngineFailure(error).kind === 'cancelled');
    const next = await client.calibrate({
      datasets: [{ role: 'data', path: join(fmnist, 'manifest.csv') }],
      model,
      seeds: 1,
      cacheRoot: freshDir(),
    });
    assert.deepEqual(next.seeds, [1]);
  });

  it('answers bad input with an input error naming the parameter', async () => {
    await assert.rejects(
      client.calibrate({ datasets: [{ role: 'data', path: join(fmnist, 'manifest.csv') }], fraction: 0.7 }),
      (error: unknown) => {
        const failure = classifyEngineFailure(error);
        return failure.kind === 'input' && failure.parameter === true && failure.file === 'fraction';
      },
    );
  });
});
