/**
 * Splits a byte stream (the engine's stderr) into whole lines. Chunks arrive
 * cut anywhere, so the tail of one chunk waits for the rest of its line.
 */
export class LineSplitter {
  private pending = '';

  /** Returns the complete lines in `chunk`, without their line endings. */
  push(chunk: string): string[] {
    const text = this.pending + chunk;
    const parts = text.split(/\r?\n/);
    this.pending = parts.pop() ?? '';
    return parts;
  }

  /** The unterminated last line, if any (call when the stream ends). */
  flush(): string[] {
    const rest = this.pending;
    this.pending = '';
    return rest ? [rest] : [];
  }
}
