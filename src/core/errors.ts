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

export function isInputError(error: unknown): error is InputError {
  return error instanceof InputError || (error as { name?: string } | null)?.name === 'InputError';
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
