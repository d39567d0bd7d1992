/**
 * The last lines the engine logged, kept for the test API (`engineLog()`) and
 * bounded so a chatty engine cannot grow the extension host's memory.
 */
export class LogBuffer {
  private readonly lines: string[] = [];

  constructor(private readonly capacity = 2000) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`capacity must be a positive integer, got ${capacity}`);
  }

  append(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
  }

  /** A copy, oldest first. */
  snapshot(): string[] {
    return this.lines.slice();
  }
}
