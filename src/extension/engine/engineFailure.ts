/**
 * What went wrong with an engine request, in the terms the UI needs. Kept free
 * of vscode and vscode-jsonrpc imports: a ResponseError is recognised by shape.
 */
import { ENGINE_ERRORS, type InputErrorData } from '../../protocol/engine';

/** The engine process exited (or could not start) while a request was pending. */
export class EngineStoppedError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | null = null,
    readonly signal: string | null = null,
  ) {
    super(message);
    this.name = 'EngineStoppedError';
  }
}

export type EngineFailure =
  | { kind: 'input'; file: string; problem: string; parameter?: boolean }
  | { kind: 'cancelled' }
  | { kind: 'notImplemented'; message: string }
  | { kind: 'engineStopped'; message: string }
  | { kind: 'internal'; message: string; detail?: string };

/** vscode-jsonrpc's code for requests rejected because the connection went away. */
const PENDING_RESPONSE_REJECTED = -32097;

export function classifyEngineFailure(error: unknown): EngineFailure {
  if (error instanceof EngineStoppedError) return { kind: 'engineStopped', message: error.message };
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'number') {
    switch (code) {
      case ENGINE_ERRORS.input: {
        const data = (error as { data?: Partial<InputErrorData> }).data;
        if (data && typeof data.file === 'string' && typeof data.problem === 'string') {
          return data.parameter
            ? { kind: 'input', file: data.file, problem: data.problem, parameter: true }
            : { kind: 'input', file: data.file, problem: data.problem };
        }
        // An input error without its data still says what is wrong in its message.
        return { kind: 'input', file: '', problem: message };
      }
      case ENGINE_ERRORS.cancelled:
        return { kind: 'cancelled' };
      case ENGINE_ERRORS.notImplemented:
        return { kind: 'notImplemented', message };
      case PENDING_RESPONSE_REJECTED:
        return { kind: 'engineStopped', message: 'the MARGIN engine stopped before answering' };
    }
  }
  return { kind: 'internal', message, detail: error instanceof Error ? error.stack : undefined };
}

/** One line for an error notification. */
export function describeFailure(failure: EngineFailure): string {
  switch (failure.kind) {
    case 'input':
      if (failure.parameter) return `${parameterInVsCode(failure.file)}: ${failure.problem}`;
      return failure.file ? `${failure.file}: ${failure.problem}` : failure.problem;
    case 'cancelled':
      return 'cancelled';
    case 'notImplemented':
      return failure.message;
    case 'engineStopped':
      return failure.message;
    case 'internal':
      return failure.message;
  }
}

/**
 * The engine names parameters neutrally (`k`, `reference`); in VS Code they are
 * settings or the things the command asked for.
 */
const PARAMETERS_IN_VSCODE: Record<string, string> = {
  k: 'setting margin.k',
  batchSize: 'setting margin.batchSize',
  model: 'the model (margin.modelPath)',
  reference: 'the reference set (margin.referencePath)',
  data: 'the dataset (margin.dataPath)',
  count: 'the count (margin.prototypeCount or margin.labelBatchSize)',
  scorer: 'setting margin.scorer',
  fraction: 'the share of labels calibration flips',
  seeds: 'the number of calibration seeds',
};

export function parameterInVsCode(parameter: string): string {
  return PARAMETERS_IN_VSCODE[parameter] ?? parameter;
}
