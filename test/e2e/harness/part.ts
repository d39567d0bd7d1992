/**
 * One part of the end-to-end run (the in-host suite, or the UI test) as a
 * process: an overall time limit, Ctrl-C handling, and cleanup that always runs
 * (browser closed, code-server session killed) before the closing tally line.
 */

export interface Tally {
  passed: number;
  failed: number;
}

type Cleanup = () => Promise<void>;
const cleanups: Cleanup[] = [];

/** Registers work for the end of the part, run last-in first-out; returns a function that unregisters it. */
export function onCleanup(cleanup: Cleanup): () => void {
  cleanups.push(cleanup);
  return () => {
    const at = cleanups.indexOf(cleanup);
    if (at >= 0) cleanups.splice(at, 1);
  };
}

async function runCleanups(): Promise<void> {
  while (cleanups.length > 0) {
    const cleanup = cleanups.pop()!;
    try {
      // A hung browser must not keep code-server alive: give each step a bound.
      await Promise.race([cleanup(), new Promise((done) => setTimeout(done, 15_000))]);
    } catch (error) {
      console.error(`cleanup failed: ${String(error)}`);
    }
  }
}

/** The time limit of a part: `defaultMs`, or MARGIN_E2E_TIME_LIMIT_S when set (to prove the limit itself). */
export function partTimeLimitMs(defaultMs: number): number {
  const seconds = Number(process.env.MARGIN_E2E_TIME_LIMIT_S);
  return seconds > 0 ? seconds * 1000 : defaultMs;
}

class PartInterrupted extends Error {}

/**
 * Runs `body`, which counts its tests into `tally`, then cleans up and exits the process with 0 (all passed) or 1.
 * A timeout or a signal counts as one more failure, so the tally never reads
 * green for a run that did not finish.
 */
export function runPart(name: string, timeoutMs: number, body: (tally: Tally) => Promise<void>): void {
  let interrupt!: (error: Error) => void;
  const interrupted = new Promise<never>((_, reject) => (interrupt = reject));
  const timer = setTimeout(
    () => interrupt(new PartInterrupted(`${name}: no result after ${timeoutMs / 1000} s (time limit)`)),
    timeoutMs,
  );
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals)
    process.once(signal, () => interrupt(new PartInterrupted(`${name}: stopped by ${signal}`)));

  const started = Date.now();
  let exitCode = 1;
  void (async () => {
    // The body counts into this as it goes, so an interrupted part still reports what it finished.
    const tally: Tally = { passed: 0, failed: 0 };
    try {
      await Promise.race([body(tally), interrupted]);
    } catch (error) {
      console.error(
        error instanceof PartInterrupted
          ? error.message
          : `${name}: ${error instanceof Error ? error.stack : String(error)}`,
      );
      tally.failed += 1;
    } finally {
      clearTimeout(timer);
      await runCleanups();
    }
    console.log(`${name}: finished in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`${tally.passed} passed, ${tally.failed} failed`);
    exitCode = tally.failed === 0 && tally.passed > 0 ? 0 : 1;
  })().finally(() => process.exit(exitCode));
}
