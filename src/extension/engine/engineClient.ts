/**
 * Runs the engine (dist/engine.js) as a child process and talks to it over the
 * IPC channel with vscode-jsonrpc. The process starts on the first request, is
 * restarted with backoff if it dies, and is killed on dispose. This file needs
 * no `vscode` import: the log sink and the cancellation token are structural,
 * so plain-Node tests drive it against a real child process.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  IPCMessageReader,
  IPCMessageWriter,
  ResponseError,
  createMessageConnection,
  type MessageConnection,
  type RequestType,
} from 'vscode-jsonrpc/node';
import {
  ENGINE_ERRORS,
  type CalibrateParams,
  type CalibrationResult,
  type ExplainParams,
  type ExplainResult,
  type InputErrorData,
  type LogParams,
  type ProgressParams,
  type ScanParams,
  type ScanResult,
} from '../../protocol/engine';
import { EngineStoppedError } from './engineFailure';
import {
  calibrateRequest,
  cancelRequest,
  explainRequest,
  logNotification,
  progressNotification,
  scanRequest,
} from '../../protocol/engineRpc';
import { LineSplitter } from './lineSplitter';
import { LogBuffer } from './logBuffer';
import { DEFAULT_BACKOFF, RestartBackoff, type BackoffOptions } from './restartBackoff';

/** What the client logs to: a vscode LogOutputChannel fits. */
export interface EngineLogSink {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A vscode CancellationToken fits. */
export interface CancellationSignal {
  readonly isCancellationRequested: boolean;
  onCancellationRequested(listener: (event: unknown) => unknown): { dispose(): unknown };
}

export type ProgressListener = (progress: ProgressParams) => void;

/**
 * An engine job method (protocol/engineRpc.ts): its request carries a job id
 * beside the params, so progress and cancellation can name the job.
 */
export type JobRequestType<Params, Result> = RequestType<
  { jobId: string; params: Params },
  Result,
  InputErrorData | undefined
>;

export interface EngineClientOptions {
  /** Absolute path of dist/engine.js. */
  enginePath: string;
  log: EngineLogSink;
  cwd?: string;
  /** Node flags for the child; empty so the extension host's own flags (--inspect…) are not inherited. */
  execArgv?: string[];
  backoff?: BackoffOptions;
  /** Grace period between SIGTERM and SIGKILL on dispose. */
  killTimeoutMs?: number;
}

interface PendingJob {
  onProgress?: ProgressListener;
  reject(error: unknown): void;
}

interface RunningEngine {
  child: ChildProcess;
  connection: MessageConnection;
  startedAt: number;
}

export class EngineClient {
  private engine: RunningEngine | undefined;
  private readonly jobs = new Map<string, PendingJob>();
  private readonly backoff: RestartBackoff;
  private readonly logLines = new LogBuffer();
  private restartTimer: NodeJS.Timeout | undefined;
  private gaveUp = false;
  private disposed = false;
  private jobCounter = 0;

  constructor(private readonly options: EngineClientOptions) {
    this.backoff = new RestartBackoff(options.backoff ?? DEFAULT_BACKOFF);
  }

  /** The engine's recent log lines (log notifications and stderr), oldest first. */
  engineLog(): string[] {
    return this.logLines.snapshot();
  }

  /** Whether an engine process is running now. */
  get isRunning(): boolean {
    return this.engine !== undefined;
  }

  /** The running engine's process id (for tests and the log). */
  get pid(): number | undefined {
    return this.engine?.child.pid;
  }

  /**
   * Runs one scan. Cancelling `token` asks the engine to stop the job; the
   * promise then rejects with the engine's `cancelled` error. Rejects with
   * EngineStoppedError if the process dies first.
   */
  scan(params: ScanParams, token?: CancellationSignal, onProgress?: ProgressListener): Promise<ScanResult> {
    return this.runJob(scanRequest, params, token, onProgress);
  }

  /** Runs one calibration (`margin calibrate`), with the same progress and cancellation as a scan. */
  calibrate(
    params: CalibrateParams,
    token?: CancellationSignal,
    onProgress?: ProgressListener,
  ): Promise<CalibrationResult> {
    return this.runJob(calibrateRequest, params, token, onProgress);
  }

  /** Explains one prediction (`margin explain`), with the same progress and cancellation as a scan. */
  explain(
    params: ExplainParams,
    token?: CancellationSignal,
    onProgress?: ProgressListener,
  ): Promise<ExplainResult> {
    return this.runJob(explainRequest, params, token, onProgress);
  }

  /**
   * Runs any engine job: starts the engine if needed, gives the job an id,
   * routes the engine's progress for that id to `onProgress`, asks the engine
   * to cancel when `token` fires (the promise then rejects with the engine's
   * `cancelled` error), and settles once: with the result, the engine's
   * error, or EngineStoppedError if the process dies first.
   */
  runJob<P, R>(
    type: JobRequestType<P, R>,
    params: P,
    token?: CancellationSignal,
    onProgress?: ProgressListener,
  ): Promise<R> {
    if (token?.isCancellationRequested) {
      return Promise.reject(new ResponseError(ENGINE_ERRORS.cancelled, 'cancelled'));
    }
    let connection: MessageConnection;
    try {
      connection = this.ensureStarted();
    } catch (error) {
      return Promise.reject(error);
    }
    const jobId = `job-${process.pid}-${++this.jobCounter}`;
    return new Promise<R>((resolve, reject) => {
      const cancellation = token?.onCancellationRequested(() => {
        connection.sendRequest(cancelRequest, { jobId }).catch((error: unknown) => {
          this.options.log.warn(`could not cancel ${jobId}: ${(error as Error).message}`);
        });
      });
      const settle = () => {
        this.jobs.delete(jobId);
        cancellation?.dispose();
      };
      this.jobs.set(jobId, {
        onProgress,
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      connection.sendRequest(type, { jobId, params }).then(
        (result) => {
          settle();
          resolve(result);
        },
        (error: unknown) => {
          // After a crash the job was already rejected with the exit reason.
          if (!this.jobs.has(jobId)) return;
          settle();
          reject(error);
        },
      );
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.restartTimer);
    this.stop(new EngineStoppedError('the MARGIN engine was shut down'));
  }

  private ensureStarted(): MessageConnection {
    if (this.disposed) throw new EngineStoppedError('the MARGIN engine was shut down');
    clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    if (this.engine) return this.engine.connection;
    // A user command after automatic restarts gave up gets a fresh series of attempts.
    if (this.gaveUp) {
      this.gaveUp = false;
      this.backoff.reset();
    }
    return this.start().connection;
  }

  private start(): RunningEngine {
    const { enginePath, log } = this.options;
    if (!existsSync(enginePath)) {
      throw new EngineStoppedError(`the MARGIN engine is missing: ${enginePath} (run "npm run build")`);
    }
    const child = fork(enginePath, [], {
      stdio: ['pipe', 'pipe', 'pipe', 'ipc'],
      execArgv: this.options.execArgv ?? [],
      cwd: this.options.cwd,
      // Inside Electron, fork() runs the Electron binary: this flag makes it plain Node.
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    child.stdin?.end();
    const connection = createMessageConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
    const engine: RunningEngine = { child, connection, startedAt: Date.now() };
    this.engine = engine;

    this.forwardStream(child.stderr, 'stderr', (line) => log.warn(line));
    this.forwardStream(child.stdout, 'stdout', (line) => log.info(line));
    connection.onNotification(progressNotification, (progress) =>
      this.jobs.get(progress.jobId)?.onProgress?.(progress),
    );
    connection.onNotification(logNotification, (entry) => this.forwardLog(entry));
    connection.onError(([error]) => log.error(`engine connection: ${error.message}`));
    child.on('error', (error) => {
      log.error(`engine process: ${error.message}`);
      // A process that failed to spawn never emits 'exit'.
      if (child.pid === undefined) this.onExit(engine, null, null);
    });
    child.on('exit', (code, signal) => this.onExit(engine, code, signal));
    connection.listen();
    log.info(`engine started (pid ${child.pid ?? '?'}): ${enginePath}`);
    return engine;
  }

  private forwardStream(
    stream: NodeJS.ReadableStream | null,
    name: string,
    write: (line: string) => void,
  ): void {
    if (!stream) return;
    const splitter = new LineSplitter();
    const emit = (line: string) => {
      if (!line) return;
      this.logLines.append(`[${name}] ${line}`);
      write(`[engine ${name}] ${line}`);
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => splitter.push(chunk).forEach(emit));
    stream.on('end', () => splitter.flush().forEach(emit));
  }

  private forwardLog({ level, message }: LogParams): void {
    this.logLines.append(`[${level}] ${message}`);
    const { log } = this.options;
    const line = `[engine] ${message}`;
    if (level === 'error') log.error(line);
    else if (level === 'warn') log.warn(line);
    else log.info(line);
  }

  private onExit(engine: RunningEngine, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.engine !== engine) return;
    const reason = signal ? `signal ${signal}` : `exit code ${code}`;
    this.stop(new EngineStoppedError(`the MARGIN engine stopped unexpectedly (${reason})`, code, signal));
    if (this.disposed) return;
    const uptime = Date.now() - engine.startedAt;
    const delay = this.backoff.nextDelay(uptime);
    if (delay === undefined) {
      this.gaveUp = true;
      this.options.log.error(
        `engine stopped (${reason}) ${this.backoff.crashes} times in a row; it will start again with the next command`,
      );
      return;
    }
    this.options.log.warn(`engine stopped (${reason}); restarting in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.disposed || this.engine) return;
      try {
        this.start();
      } catch (error) {
        this.options.log.error(`engine restart failed: ${(error as Error).message}`);
      }
    }, delay);
  }

  /** Fails the pending jobs with `reason`, closes the connection and ends the process. */
  private stop(reason: Error): void {
    const engine = this.engine;
    this.engine = undefined;
    for (const job of [...this.jobs.values()]) job.reject(reason);
    if (!engine) return;
    engine.connection.dispose();
    const { child } = engine;
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), this.options.killTimeoutMs ?? 2000);
      killer.unref();
      child.once('exit', () => clearTimeout(killer));
    }
  }
}
