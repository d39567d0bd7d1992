/** The one stderr line the CLI prints for a failure, with parameters named as this CLI's flags. */
import type { ClassifiedFailure } from '../engine/errors';

/** `batchSize` → `--batch-size`: every scan and explain parameter has the flag of its name. */
export function flagOf(parameter: string): string {
  return `--${parameter.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;
}

export function errorLine(failure: ClassifiedFailure): string {
  if (failure.kind === 'cancelled') return 'margin: interrupted';
  if (failure.kind === 'internal') return `margin: ${failure.message}\n${failure.detail ?? ''}`.trimEnd();
  const input = failure.input;
  if (input?.parameter) return `margin: ${flagOf(input.file)}: ${input.problem}`;
  return `margin: ${failure.message}`;
}
