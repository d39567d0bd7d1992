/**
 * Counting what was done to a dataset's images on their way to the model, so
 * that a scan can say it (in its metrics and in one notice line).
 */
import type { ImageFit } from './imageFit';
import type { ImageAdjustments, ImageConversion } from './types';

export interface ImageAdjustmentCounts {
  /** Images read. */
  images: number;
  /** Images whose stored size differed from the model's input. */
  resized: number;
  /** Images with at least one conversion. */
  converted: number;
  /** Images per kind of conversion (an image may count under several). */
  conversions: Partial<Record<ImageConversion, number>>;
}

export function emptyAdjustmentCounts(): ImageAdjustmentCounts {
  return { images: 0, resized: 0, converted: 0, conversions: {} };
}

/** Adds one image that was read (with what was done to it, if anything). */
export function countAdjustments(
  counts: ImageAdjustmentCounts,
  adjusted: ImageAdjustments | undefined,
): void {
  counts.images++;
  if (!adjusted) return;
  if (adjusted.resized) counts.resized++;
  if (adjusted.conversions.length > 0) counts.converted++;
  for (const kind of adjusted.conversions) counts.conversions[kind] = (counts.conversions[kind] ?? 0) + 1;
}

/** Numbers for a result's `metrics` (none when nothing was changed). */
export function adjustmentMetrics(
  counts: ImageAdjustmentCounts | undefined,
  prefix = '',
): Record<string, number> {
  if (!counts || (counts.resized === 0 && counts.converted === 0)) return {};
  const name = (what: string) => (prefix ? `${prefix}${what[0].toUpperCase()}${what.slice(1)}` : what);
  return { [name('imagesResized')]: counts.resized, [name('imagesConverted')]: counts.converted };
}

const CONVERSION_WORDS: Record<ImageConversion, string> = {
  'grey-to-rgb': 'greyscale to RGB',
  'rgb-to-grey': 'RGB to greyscale',
  alpha: 'alpha over white',
  cmyk: 'CMYK to RGB',
  '16-bit': '16-bit to 8-bit',
};

const RESIZE_WORDS = { stretch: 'stretched', 'shorter-side': 'shorter side resized, centre cropped' };

/**
 * One line, e.g. "12 of 40 images resized to 32×32 (shorter side resized,
 * centre cropped); 9 converted (4 greyscale to RGB, 3 alpha over white, …)";
 * undefined when nothing was changed.
 */
export function adjustmentNotice(
  counts: ImageAdjustmentCounts | undefined,
  fit: ImageFit,
): string | undefined {
  if (!counts || (counts.resized === 0 && counts.converted === 0)) return undefined;
  const parts: string[] = [];
  if (counts.resized > 0) {
    parts.push(
      `${counts.resized} of ${counts.images} images resized to ${fit.width}×${fit.height} (${RESIZE_WORDS[fit.resize]})`,
    );
  }
  if (counts.converted > 0) {
    const kinds = (Object.keys(CONVERSION_WORDS) as ImageConversion[])
      .filter((kind) => counts.conversions[kind])
      .map((kind) => `${counts.conversions[kind]} ${CONVERSION_WORDS[kind]}`);
    parts.push(`${counts.converted} of ${counts.images} converted (${kinds.join(', ')})`);
  }
  return parts.join('; ');
}
