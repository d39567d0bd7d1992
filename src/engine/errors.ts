/**
 * The one place that decides what a failure is: the user's input, a
 * cancellation, a feature not in this version, or a bug. The CLI takes its
 * exit code from here and the engine its JSON-RPC error code, so the two
 * never disagree.
 */
import { ResponseError } from 'vscode-jsonrpc/node';
import { isInputError, isParameterError } from '../core/errors';
import { ENGINE_ERRORS, type InputErrorData } from '../protocol/engine';

export type FailureKind = 'input' | 'cancelled' | 'notImplemented' | 'internal';

export interface ClassifiedFailure {
  kind: FailureKind;
  /** The CLI's exit code: 2 for input and not-implemented, 130 when interrupted, 1 for bugs. */
  exitCode: number;
  /** The engine's JSON-RPC error code. */
  rpcCode: number;
  message: string;
  /** For input errors: the file or parameter at fault, and the problem. */
  input?: InputErrorData;
  /** For bugs: the stack, for the log. */
  detail?: string;
}

export function classifyFailure(error: unknown): ClassifiedFailure {
  const message = error instanceof Error ? error.message : String(error);
  if (isInputError(error)) {
    const input: InputErrorData = { kind: 'input', file: error.file, problem: error.problem };
    if (isParameterError(error)) input.parameter = true;
    return { kind: 'input', exitCode: 2, rpcCode: ENGINE_ERRORS.input, message, input };
  }
  const name = (error as Error | undefined)?.name;
  if (name === 'CancelledError' || name === 'AbortError') {
    return { kind: 'cancelled', exitCode: 130, rpcCode: ENGINE_ERRORS.cancelled, message: 'cancelled' };
  }
  if (name === 'NotImplementedError') {
    return { kind: 'notImplemented', exitCode: 2, rpcCode: ENGINE_ERRORS.notImplemented, message };
  }
  return {
    kind: 'internal',
    exitCode: 1,
    rpcCode: ENGINE_ERRORS.internal,
    message: `internal error: ${message}`,
    detail: (error as Error | undefined)?.stack ?? message,
  };
}

/** Maps any failure of a job to the JSON-RPC error the client expects. */
export function toResponseError(error: unknown): ResponseError<InputErrorData | undefined> {
  const failure = classifyFailure(error);
  return new ResponseError(failure.rpcCode, failure.message, failure.input);
}
