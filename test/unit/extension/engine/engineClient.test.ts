/**
 * EngineClient against a real child process (fixtures/fakeEngine.mjs) that
 * speaks the engine's JSON-RPC over IPC: results, progress routing, log and
 * stderr forwarding, cancellation, input errors, crash and restart.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { ProgressParams, ScanParams } from '../../../../src/protocol/engine';
import { EngineClient } from '../../../../src/extension/engine/engineClient';
import { EngineStoppedError, classifyEngineFailure } from '../../../../src/extension/engine/engineFailure';
import { TokenSource } from './tokenSource';

const FAKE_ENGINE = join(__dirname, 'fixtures', 'fakeEngine.mjs');

class RecordingLog {
  readonly lines: string[] = [];
  info = (message: string) => this.lines.push(`info ${message}`);
  warn = (message: string) => this.lines.push(`warn ${message}`);
  error = (message: string) => this.lines.push(`error ${message}`);
}

function params(data: string): ScanParams {
  return { task: 'labels', datasets: [{ role: 'data', path: data }], k: 7 };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('extension/engine/EngineClient', () => {
  let client: EngineClient;
  let log: RecordingLog;

  beforeEach(() => {
    log = new RecordingLog();
    client = new EngineClient({
      enginePath: FAKE_ENGINE,
      log,
      backoff: { baseMs: 50, maxMs: 200, maxAttempts: 2, stableMs: 60_000 },
      killTimeoutMs: 500,
    });
  });

  afterEach(() => client.dispose());

  it('starts lazily, returns the scan result and routes progress to its job', async () => {
    assert.equal(client.isRunning, false);
    const progress: ProgressParams[] = [];
    const result = await client.scan(params('ok'), undefined, (p) => progress.push(p));
    assert.equal(client.isRunning, true);
    assert.deepEqual(
      result.samples.map((s) => s.id),
      ['b/1.png', 'a/0.png'],
    );
    assert.equal(result.params.k, 7);
    assert.deepEqual(
      progress.map((p) => [p.stage, p.done, p.total]),
      [0, 1, 2, 3, 4].map((done) => ['running the model', done, 4]),
    );
    assert.ok(progress.every((p) => p.jobId === progress[0].jobId));
    assert.ok(client.engineLog().includes('[info] scanning labels k=7'));
    assert.ok(log.lines.includes('info [engine] scanning labels k=7'));
  });

  it('runs concurrent jobs on one process, each with its own progress', async () => {
    const a: ProgressParams[] = [];
    const b: ProgressParams[] = [];
    await Promise.all([
      client.scan(params('ok'), undefined, (p) => a.push(p)),
      client.scan(params('ok'), undefined, (p) => b.push(p)),
    ]);
    assert.equal(a.length, 5);
    assert.equal(b.length, 5);
    assert.notEqual(a[0].jobId, b[0].jobId);
  });

  it('passes input errors through with the file and the problem', async () => {
    const error = await client.scan(params('input-error')).then(
      () => assert.fail('expected an input error'),
      (e: unknown) => e,
    );
    assert.deepEqual(classifyEngineFailure(error), {
      kind: 'input',
      file: '/data/x.csv',
      problem: 'has no label column',
    });
  });

  it('sends cancel when the token fires, and the job ends as cancelled', async () => {
    const tokens = new TokenSource();
    let sawProgress = false;
    const pending = client.scan(params('slow'), tokens.token, () => (sawProgress = true));
    await waitFor(() => sawProgress, 'progress from the slow job');
    tokens.cancel();
    const error = await pending.then(
      () => assert.fail('expected cancellation'),
      (e: unknown) => e,
    );
    assert.deepEqual(classifyEngineFailure(error), { kind: 'cancelled' });
    // The engine survives a cancelled job.
    const result = await client.scan(params('ok'));
    assert.equal(result.samples.length, 2);
  });

  it('does not start a job whose token is already cancelled', async () => {
    const tokens = new TokenSource();
    tokens.cancel();
    const error = await client.scan(params('ok'), tokens.token).catch((e: unknown) => e);
    assert.deepEqual(classifyEngineFailure(error), { kind: 'cancelled' });
    assert.equal(client.isRunning, false);
  });

  it('rejects the pending job when the engine dies, forwards its stderr, and restarts it', async () => {
    await client.scan(params('ok'));
    const firstPid = client.pid;
    const error = await client.scan(params('crash')).catch((e: unknown) => e);
    assert.ok(error instanceof EngineStoppedError, `expected EngineStoppedError, got ${error}`);
    assert.equal(error.exitCode, 3);
    assert.equal(classifyEngineFailure(error).kind, 'engineStopped');
    await waitFor(
      () => client.engineLog().includes('[stderr] partial line without newline'),
      'the unterminated stderr line',
    );
    assert.ok(client.engineLog().includes('[stderr] fatal: simulated crash'));
    assert.ok(
      log.lines.some((line) => line.startsWith('warn engine stopped (exit code 3); restarting in 50 ms')),
    );
    await waitFor(() => client.isRunning, 'the automatic restart');
    assert.notEqual(client.pid, firstPid);
    const result = await client.scan(params('ok'));
    assert.equal(result.samples.length, 2);
  });

  it('stops restarting after maxAttempts crashes in a row, and starts again on the next request', async () => {
    for (let crash = 1; crash <= 3; crash++) {
      await client.scan(params('crash')).catch(() => undefined);
      if (crash < 3) await waitFor(() => client.isRunning, `restart ${crash}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(client.isRunning, false);
    assert.ok(log.lines.some((line) => line.includes('3 times in a row')));
    const result = await client.scan(params('ok'));
    assert.equal(result.samples.length, 2);
  });

  it('kills the process on dispose and fails pending jobs', async () => {
    const pending = client.scan(params('slow'));
    await waitFor(() => client.isRunning, 'the engine');
    const pid = client.pid!;
    client.dispose();
    const error = await pending.catch((e: unknown) => e);
    assert.ok(error instanceof EngineStoppedError);
    await waitFor(() => !isAlive(pid), 'the engine process to exit');
    await assert.rejects(client.scan(params('ok')), EngineStoppedError);
  });

  it('reports a missing engine file as an engine that cannot start', async () => {
    const missing = new EngineClient({ enginePath: join(__dirname, 'fixtures', 'no-such-engine.js'), log });
    const error = await missing.scan(params('ok')).catch((e: unknown) => e);
    assert.ok(error instanceof EngineStoppedError);
    assert.match(error.message, /no-such-engine\.js/);
    missing.dispose();
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
