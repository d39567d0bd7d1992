import { throwIfAborted } from './errors';
import type { ComputeOptions } from './types';

/** How long a synchronous stretch may run before it hands the event loop back. */
const SLICE_MS = 30;

/**
 * Lets a long loop stay cancellable: call `checkpoint()` every few thousand
 * rows. It throws CancelledError once the signal is aborted and, every
 * ~30 ms, awaits one macrotask so that a cancel request (or any other message)
 * can be delivered to this process while the loop runs.
 */
export function createCheckpoint(options: ComputeOptions | undefined): () => Promise<void> {
  const signal = options?.signal;
  let sliceStart = Date.now();
  return async () => {
    throwIfAborted(signal);
    if (Date.now() - sliceStart < SLICE_MS) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    throwIfAborted(signal);
    sliceStart = Date.now();
  };
}
