import { InputError } from '../core/errors';

/**
 * Largest array a loader will allocate. Node's Buffer tops out near 4 GiB and a
 * dataset this large should be streamed or subsampled, not loaded whole, so we
 * refuse it with a message rather than fail deep inside an allocation.
 */
export const MAX_ARRAY_BYTES = 4 * 1024 ** 3;

/**
 * Bytes per read, and per inflated piece, when a large file is streamed. Node's
 * defaults (64 KiB reads, 16 KiB of gzip output per piece) cost a trip through
 * the event loop every 16 KiB: inflating the 47 MB of Fashion-MNIST's training
 * images into one array took a median 352 ms with them and 281 ms with 1 MiB
 * pieces (alternating runs).
 */
export const STREAM_CHUNK_BYTES = 1024 ** 2;

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

/**
 * Largest image decoded, in pixels: sharp's own default (16383²). PNG and
 * baseline JPEG are decoded in strips and WebP and JPEG shrink while they load,
 * so even an image this large costs tens of MiB, not its full size.
 */
export const MAX_IMAGE_PIXELS = 0x3fff ** 2;

/**
 * Interlaced PNG, progressive JPEG and the other formats (GIF, TIFF, HEIF…)
 * must be held whole while they decode, at about 4 bytes a pixel: 100
 * megapixels (a medium-format camera's frame) is the most we let one take.
 */
export const MAX_WHOLE_IMAGE_PIXELS = 100_000_000;

/**
 * Images up to this size are decoded whole and resized exactly as Pillow
 * resizes (imageResample.ts); larger ones are shrunk by sharp while they load
 * and never held at full size.
 */
export const EXACT_RESIZE_MAX_PIXELS = 1024 * 1024;

/** Images above this size are decoded one at a time, so that a folder of them cannot add up. */
export const LARGE_IMAGE_PIXELS = 16 * 1024 * 1024;

export function formatMegapixels(pixels: number): string {
  return `${(pixels / 1e6).toFixed(1)} megapixels`;
}
