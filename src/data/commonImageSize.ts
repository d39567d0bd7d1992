/**
 * Without a model, images are compared pixel by pixel, so they need one size.
 * It is chosen from every image's header, never from whichever image comes
 * first, so that an odd image has the same outcome wherever it sits: the most
 * common stored size (ties: the smaller area, then the narrower), scaled down
 * to at most PIXEL_COMPARISON_MAX_PIXELS (aspect kept), and the most common
 * channel count (ties: RGB). Images are then read at that size as a model's
 * input would be.
 */
import { throwIfAborted } from '../core/errors';
import { DEFAULT_RESIZE, type ImageFit } from './imageFit';
import type { ImageSource, StoredImageSize } from './types';

/** 64×64: pixel PCA on full-size photos would not fit in memory (its Gram matrix is pixels²). */
export const PIXEL_COMPARISON_MAX_PIXELS = 64 * 64;
const HEADERS_AT_ONCE = 256;

export interface CommonImageSize {
  channels: number;
  fit: ImageFit;
}

/** Undefined when no image's size can be read (each is then reported by its own decode). */
export async function commonImageSize(
  images: ImageSource,
  signal?: AbortSignal,
): Promise<CommonImageSize | undefined> {
  const sizes = new Map<string, { size: StoredImageSize; count: number }>();
  const channelCounts = new Map<number, number>();
  for (let start = 0; start < images.count; start += HEADERS_AT_ONCE) {
    throwIfAborted(signal);
    const indices = Array.from(
      { length: Math.min(HEADERS_AT_ONCE, images.count - start) },
      (_, i) => start + i,
    );
    const found = await Promise.all(indices.map((index) => storedSizeOf(images, index)));
    for (const size of found) {
      if (!size) continue;
      const key = `${size.width}×${size.height}`;
      const entry = sizes.get(key) ?? { size, count: 0 };
      entry.count++;
      sizes.set(key, entry);
      channelCounts.set(size.channels, (channelCounts.get(size.channels) ?? 0) + 1);
    }
  }
  if (sizes.size === 0) return undefined;
  const [common] = [...sizes.values()].sort(
    (a, b) =>
      b.count - a.count ||
      a.size.width * a.size.height - b.size.width * b.size.height ||
      a.size.width - b.size.width,
  );
  const channels = (channelCounts.get(3) ?? 0) >= (channelCounts.get(1) ?? 0) ? 3 : 1;
  return { channels, fit: { ...scaledDown(common.size), resize: DEFAULT_RESIZE } };
}

function scaledDown({ width, height }: StoredImageSize): { width: number; height: number } {
  const area = width * height;
  if (area <= PIXEL_COMPARISON_MAX_PIXELS) return { width, height };
  const scale = Math.sqrt(PIXEL_COMPARISON_MAX_PIXELS / area);
  return { width: Math.max(1, Math.floor(width * scale)), height: Math.max(1, Math.floor(height * scale)) };
}

async function storedSizeOf(images: ImageSource, index: number): Promise<StoredImageSize | undefined> {
  try {
    if (images.storedSize) return await images.storedSize(index);
    const image = await images.read(index);
    return { width: image.width, height: image.height, channels: image.channels };
  } catch {
    return undefined;
  }
}
