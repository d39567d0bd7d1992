/**
 * When to restart an engine that died: exponential backoff, reset once the
 * engine has stayed up for a while, and a limit so a process that crashes at
 * start-up is not restarted forever (the next user command tries again).
 */
export interface BackoffOptions {
  /** Delay before the first restart. */
  baseMs: number;
  /** Upper bound of the delay. */
  maxMs: number;
  /** Consecutive crashes after which automatic restarts stop. */
  maxAttempts: number;
  /** An engine that ran this long before dying counts as healthy: the count restarts. */
  stableMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  baseMs: 1000,
  maxMs: 30_000,
  maxAttempts: 5,
  stableMs: 60_000,
};

export class RestartBackoff {
  private consecutiveCrashes = 0;

  constructor(private readonly options: BackoffOptions = DEFAULT_BACKOFF) {}

  /**
   * Records a crash of an engine that had been up `uptimeMs`, and returns the
   * delay before restarting it, or undefined when restarts should stop.
   */
  nextDelay(uptimeMs: number): number | undefined {
    if (uptimeMs >= this.options.stableMs) this.consecutiveCrashes = 0;
    this.consecutiveCrashes += 1;
    if (this.consecutiveCrashes > this.options.maxAttempts) return undefined;
    return Math.min(this.options.maxMs, this.options.baseMs * 2 ** (this.consecutiveCrashes - 1));
  }

  /** A user asked for the engine again: forget past crashes. */
  reset(): void {
    this.consecutiveCrashes = 0;
  }

  get crashes(): number {
    return this.consecutiveCrashes;
  }
}
