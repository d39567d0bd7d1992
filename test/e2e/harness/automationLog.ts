/**
 * Turns the workbench's `codeAutomationLog(level, message)` calls back into the
 * lines the extension host printed. The message is the JSON of console.log's
 * arguments (a printf-style format and its values); workbench start-up chatter
 * arrives on the same channel, so only lines after the suite's start marker count.
 */
import { format } from 'node:util';

/** Printed by test/e2e/suite/index.ts as its first line. */
export const SUITE_START_MARKER = 'margin-e2e: suite started';
const TALLY = /^(\d+) passed, (\d+) failed/;
/** Known harmless noise (REAL-VSCODE.md): the marketplace lookup and the missing vsda module. */
const NOISE = [/ENOTFOUND open-vsx\.org/, /vsda/];

export function formatAutomationMessage(message: string): string {
  try {
    const args: unknown = JSON.parse(message);
    // format() knows printf-style specifiers, and skips %c and its CSS argument.
    if (Array.isArray(args) && args.length > 0) return format(...(args as [unknown, ...unknown[]]));
  } catch {
    // not JSON: take it as it came
  }
  return message;
}

export interface SuiteOutput {
  /** Feed one `codeAutomationLog` call; returns the line to show, or undefined to keep quiet. */
  accept(level: string, message: string): string | undefined;
  /** The suite's own closing line, once it arrived. */
  tally(): { passed: number; failed: number } | undefined;
}

export function suiteOutput(): SuiteOutput {
  let started = false;
  let tally: { passed: number; failed: number } | undefined;
  return {
    accept(level, message) {
      const text = formatAutomationMessage(message);
      if (!started) {
        started = text.includes(SUITE_START_MARKER);
        return started ? text : undefined;
      }
      const match = TALLY.exec(text.trim());
      if (match) {
        tally = { passed: Number(match[1]), failed: Number(match[2]) };
        return undefined; // the part prints the tally itself, once
      }
      if (NOISE.some((pattern) => pattern.test(text))) return undefined;
      return level === 'error' || level === 'warn' ? `[workbench ${level}] ${text}` : text;
    },
    tally: () => tally,
  };
}
