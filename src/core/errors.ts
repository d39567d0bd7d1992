/**
 * An error caused by the user's input (a file, an argument), not by a bug.
 * It always names the file (or argument) and the problem, so the CLI can print
 * one clear line and exit with code 2, and the engine can answer the request
 * with it and keep running.
 */
export class InputError extends Error {
  constructor(
    /** The file or argument at fault, as the user gave it. */
    readonly file: string,
    /** What is wrong with it, as one sentence without the file name. */
    readonly problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'InputError';
  }
}

/**
 * An input error about a parameter rather than a file. `parameter` is its
 * neutral name (`k`, `batchSize`, `reference`); each front end shows it in its
 * own words: the CLI as a flag (`--batch-size`), VS Code as a setting.
 */
export class ParameterError extends InputError {
  constructor(
    readonly parameter: string,
    problem: string,
  ) {
    super(parameter, problem);
    this.name = 'ParameterError';
  }
}

const INPUT_ERROR_NAMES = new Set(['InputError', 'ParameterError', 'UnsupportedOpError']);

export function isInputError(error: unknown): error is InputError {
  return (
    error instanceof InputError || INPUT_ERROR_NAMES.has((error as { name?: string } | null)?.name ?? '')
  );
}

export function isParameterError(error: unknown): error is ParameterError {
  return error instanceof ParameterError;
}

/** A feature this version does not have yet; not the user's fault, and not a bug. */
export class NotImplementedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotImplementedError';
  }
}

/** Thrown when a job is cancelled through its AbortSignal. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}
