import { InputError } from '../core/errors';

/**
 * Largest array a loader will allocate. Node's Buffer tops out near 4 GiB and a
 * dataset this large should be streamed or subsampled, not loaded whole, so we
 * refuse it with a message rather than fail deep inside an allocation.
 */
export const MAX_ARRAY_BYTES = 4 * 1024 ** 3;

/**
 * Text tables are parsed into strings, which take several times the file's size;
 * beyond this size a table should be converted to .npy.
 */
export const MAX_TABLE_BYTES = 1024 ** 3;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Throws when an array of `bytes` (as a header declares it) would not fit in memory. */
export function assertFitsInMemory(file: string, bytes: number, what: string): void {
  if (bytes > MAX_ARRAY_BYTES) {
    throw new InputError(
      file,
      `is too large: its header declares ${what}, which needs ${formatBytes(bytes)} of memory ` +
        `(the limit is ${formatBytes(MAX_ARRAY_BYTES)}); split it or use a subset`,
    );
  }
}
