/**
 * EngineClient.explain against the real engine (dist/engine.js) and the
 * fixture model: the map equals the one the CLI writes, the engine's progress
 * reaches the caller by job id, the token cancels, input errors keep their
 * parameter. Needs `npm run build`.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npyToFloat32, readNpy } from '../../../../src/data/npy';
import { EngineClient } from '../../../../src/extension/engine/engineClient';
import { classifyEngineFailure } from '../../../../src/extension/engine/engineFailure';
import type { ExplainParams, ProgressParams } from '../../../../src/protocol/engine';
import { TokenSource } from './tokenSource';

const repo = join(__dirname, '..', '..', '..', '..');
const fmnist = join(repo, 'test', 'fixtures', 'fmnist');
const model = join(fmnist, 'model.onnx');
const png = join(fmnist, 'reference', 'png', '003.png');

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('extension/engine/EngineClient.explain (real engine)', function () {
  this.timeout(120_000);
  let client: EngineClient;
  const params = (overrides: Partial<ExplainParams> = {}): ExplainParams => ({
    model,
    input: png,
    method: 'occlusion',
    ...overrides,
  });

  before(() => {
    client = new EngineClient({ enginePath: join(repo, 'dist', 'engine.js'), log: quiet });
  });
  after(() => client.dispose());

  it('returns the map the CLI writes, with progress routed to the job', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'margin-explain-client-'));
    execFileSync(
      process.execPath,
      [
        join(repo, 'dist', 'cli.js'),
        ...['explain', '--model', model, '--input', png, '--method', 'occlusion'],
        ...['--target', '2', '--out', 'cli.npy', '--quiet'],
      ],
      { cwd: dir },
    );
    const fromCli = Array.from(npyToFloat32(await readNpy(join(dir, 'cli.npy'))));

    const progress: ProgressParams[] = [];
    const result = await client.explain(params({ target: 2 }), undefined, (p) => progress.push(p));
    assert.equal(result.target, 2);
    assert.equal(result.targetLabel, 'Pullover');
    assert.deepEqual(result.shape, [1, 28, 28]);
    assert.deepEqual(result.map, fromCli);

    assert.ok(progress.length > 0, 'progress reached the caller');
    assert.equal(new Set(progress.map((p) => p.jobId)).size, 1, 'one job id');
    const method = progress.filter((p) => p.stage === 'explaining (occlusion)');
    assert.ok(method.length > 0, [...new Set(progress.map((p) => p.stage))].join(', '));
    assert.equal(method.at(-1)!.done, method.at(-1)!.total);
  });

  it('cancels through the token, and the engine keeps serving', async () => {
    const tokens = new TokenSource();
    // Patch 1, stride 1, one sample per run: 784 onnxruntime runs, far longer than the cancel takes.
    const job = client.explain(
      params({ options: { patch: 1, stride: 1, batchSize: 1 } }),
      tokens.token,
      (p) => {
        if (p.stage === 'explaining (occlusion)') tokens.cancel();
      },
    );
    const error = await job.then(
      () => assert.fail('expected cancellation'),
      (e: unknown) => e,
    );
    assert.deepEqual(classifyEngineFailure(error), { kind: 'cancelled' });
    const after = await client.explain(params({ target: 'Dress' }));
    assert.equal(after.target, 3);
  });

  it('passes an input error on a parameter through', async () => {
    const error = await client.explain(params({ target: 12 })).catch((e: unknown) => e);
    const failure = classifyEngineFailure(error);
    assert.ok(failure.kind === 'input', JSON.stringify(failure));
    assert.equal(failure.file, 'target');
    assert.equal(failure.parameter, true);
    assert.match(failure.problem, /12 is out of range/);
  });
});
