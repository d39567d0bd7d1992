import { ResponseError } from 'vscode-jsonrpc/node';
import { isInputError, type InputError } from '../core/errors';
import { ENGINE_ERRORS, type InputErrorData } from '../protocol/engine';

/** Maps any failure of a job to the JSON-RPC error the client expects. */
export function toResponseError(error: unknown): ResponseError<InputErrorData | undefined> {
  if (isInputError(error)) {
    const input = error as InputError;
    return new ResponseError(ENGINE_ERRORS.input, input.message, { kind: 'input', file: input.file, problem: input.problem });
  }
  const name = (error as Error | undefined)?.name;
  if (name === 'CancelledError' || name === 'AbortError') return new ResponseError(ENGINE_ERRORS.cancelled, 'cancelled', undefined);
  if (name === 'NotImplementedError') {
    return new ResponseError(ENGINE_ERRORS.notImplemented, (error as Error).message, undefined);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ResponseError(ENGINE_ERRORS.internal, `internal error: ${message}`, undefined);
}
