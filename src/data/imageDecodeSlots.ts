/**
 * How many images decode at once, process-wide. A scan asks for a whole batch
 * (and prefetches the next) in one go; without a bound every file of both
 * batches would be opened and decoding together. sharp runs on libuv's four
 * threads, so four slots keep them busy; large images get one slot of their
 * own, so that several of them never decode side by side.
 */
import { LARGE_IMAGE_PIXELS } from './limits';

const PARALLEL_DECODES = 4;

class Slots {
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(size: number) {
    this.free = size;
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next in line, or give it back.
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

const anyImage = new Slots(PARALLEL_DECODES);
const largeImage = new Slots(1);

/** Runs `work` (one image's decode) when a slot is free. */
export function inDecodeSlot<T>(work: () => Promise<T>): Promise<T> {
  return anyImage.run(work);
}

/** Inside a decode slot: waits, in addition, for the one large-image slot when `pixels` is large. */
export function inLargeImageSlot<T>(pixels: number, work: () => Promise<T>): Promise<T> {
  return pixels > LARGE_IMAGE_PIXELS ? largeImage.run(work) : work();
}
