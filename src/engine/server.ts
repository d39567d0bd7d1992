import type { MessageConnection } from 'vscode-jsonrpc/node';
import { ENGINE_ERRORS, type LogParams } from '../protocol/engine';
import {
  calibrateRequest,
  cancelRequest,
  explainRequest,
  logNotification,
  progressNotification,
  scanRequest,
} from '../protocol/engineRpc';
import { runCalibration } from './calibrate';
import type { JobContext } from './context';
import { toResponseError } from './errors';
import { runExplain } from './explain';
import { GradientModelPool } from './gradientModelPool';
import { runScan } from './scan';

/** At most this many progress notifications per second per job (the UI cannot show more). */
const PROGRESS_INTERVAL_MS = 100;

/**
 * Serves scan/calibrate/explain/cancel on a connection. Each job has its own
 * AbortController; a failing job answers with an error and the engine keeps
 * serving.
 */
export function serveEngine(connection: MessageConnection): void {
  const jobs = new Map<string, AbortController>();
  const gradientModels = new GradientModelPool();
  const log = (level: LogParams['level'], message: string) =>
    void connection.sendNotification(logNotification, { level, message });

  /** Runs one job with its own cancellation and throttled progress; errors become JSON-RPC errors. */
  const runJob = async <T>(jobId: string, title: string, work: (context: JobContext) => Promise<T>) => {
    const controller = new AbortController();
    jobs.set(jobId, controller);
    const context: JobContext = {
      signal: controller.signal,
      progress: throttledProgress(connection, jobId),
      log,
    };
    const started = performance.now();
    try {
      const result = await work(context);
      log('info', `job ${jobId}: ${title} done in ${Math.round(performance.now() - started)} ms`);
      return result;
    } catch (error) {
      const response = toResponseError(error);
      log(
        response.code === ENGINE_ERRORS.internal ? 'error' : 'warn',
        `job ${jobId}: ${(error as Error).stack ?? response.message}`,
      );
      return response;
    } finally {
      jobs.delete(jobId);
    }
  };

  connection.onRequest(scanRequest, ({ jobId, params }) =>
    runJob(jobId, `${params.task} scan`, (context) => runScan(params, context)),
  );

  connection.onRequest(calibrateRequest, ({ jobId, params }) =>
    runJob(jobId, 'calibration', (context) => runCalibration(params, context)),
  );

  connection.onRequest(explainRequest, ({ jobId, params }) =>
    runJob(jobId, `${params.method} explanation`, async (context) => {
      const outcome = await runExplain(params, context, process.cwd(), gradientModels);
      // A Float32Array would serialize as an object keyed by index; the map goes out as a plain list.
      return { ...outcome, map: Array.from(outcome.map) };
    }),
  );

  connection.onRequest(cancelRequest, ({ jobId }) => {
    const job = jobs.get(jobId);
    job?.abort();
    return job !== undefined;
  });
}

function throttledProgress(connection: MessageConnection, jobId: string): JobContext['progress'] {
  let lastStage = '';
  let lastSent = 0;
  return (stage, done, total) => {
    const now = performance.now();
    // Stage changes and completions always go out; the rest at most every interval.
    if (stage === lastStage && done < total && now - lastSent < PROGRESS_INTERVAL_MS) return;
    lastStage = stage;
    lastSent = now;
    void connection.sendNotification(progressNotification, { jobId, done, total, stage });
  };
}
