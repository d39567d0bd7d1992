/**
 * Where the line breaks of a file are, collected from its bytes as they stream
 * by, so that a parser's byte offsets can be turned into 1-based line numbers.
 * csv-parse's own line count cannot be used for that: it counts a CRLF inside a
 * quoted cell as two lines (csv-parse 5), so every row after such a cell of a
 * Windows file would be placed too low. A break is "\n", "\r\n" or a lone "\r"
 * (as editors count lines).
 */
export class LineBreaks {
  /** Byte offset where each break starts, ascending. */
  private readonly starts: number[] = [];
  /** Byte offset just after each break (the start of the next line), ascending. */
  private readonly ends: number[] = [];
  private offset = 0;
  /** The previous chunk ended with "\r": whether it is a lone CR depends on the next byte. */
  private pendingCr = false;

  /** Feeds the next chunk of the file. */
  add(chunk: Uint8Array): void {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      const at = this.offset + i;
      if (this.pendingCr) {
        this.pendingCr = false;
        if (byte === LF) {
          this.push(at - 1, at + 1);
          continue;
        }
        this.push(at - 1, at);
      }
      if (byte === CR) this.pendingCr = true;
      else if (byte === LF) this.push(at, at + 1);
    }
    this.offset += chunk.length;
  }

  /** Call once the whole file was fed (a final "\r" is a break of its own). */
  finish(): void {
    if (this.pendingCr) this.push(this.offset - 1, this.offset);
    this.pendingCr = false;
  }

  /** 1-based line that holds the byte at `offset` (a break belongs to the line it ends). */
  lineOf(offset: number): number {
    // Lines before `offset`'s own = breaks that end at or before it.
    let low = 0;
    let high = this.ends.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.ends[middle] <= offset) low = middle + 1;
      else high = middle;
    }
    return low + 1;
  }

  /** The first offset at or after `offset` that does not start an empty line (skips blank lines). */
  skipEmptyLines(offset: number): number {
    let at = offset;
    for (;;) {
      const index = this.breakStartingAt(at);
      if (index < 0) return at;
      at = this.ends[index];
    }
  }

  private breakStartingAt(offset: number): number {
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.starts[middle] < offset) low = middle + 1;
      else high = middle;
    }
    return low < this.starts.length && this.starts[low] === offset ? low : -1;
  }

  private push(start: number, end: number): void {
    this.starts.push(start);
    this.ends.push(end);
  }
}

const CR = 0x0d;
const LF = 0x0a;
