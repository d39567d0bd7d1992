/**
 * The panel's colour scale and colour bar: where values land on the colour
 * maps and how the bar is labelled. The colours themselves are the engine
 * PNG's own (src/protocol/saliencyColours.ts), so the panel and the exported
 * PNG show a map alike. Pure.
 */
import { colourScaleTop, type ColourMode } from '../../src/protocol/saliencyColours';

/**
 * The value that maps to the colour scale's end: the exported PNG's own
 * (colourScaleTop: the 99th percentile of |value|, else the largest), or 1
 * for an all-zero map (so 0 / scale stays 0).
 */
export function colourScale(values: ArrayLike<number>): number {
  return colourScaleTop(values) || 1;
}

/** Where a value lands on the colour bar: v/scale signed, |v|/scale absolute (clipping is colourOf's). */
export function positionOf(value: number, scale: number, mode: ColourMode): number {
  const t = (Number.isFinite(value) ? value : 0) / scale;
  return mode === 'signed' ? t : Math.abs(t);
}

/** The colour bar's ticks, left to right: −scale, 0, +scale (signed) or 0, scale (absolute). */
export function legendTicks(scale: number, mode: ColourMode): number[] {
  return mode === 'signed' ? [-scale, 0, scale] : [0, scale];
}

/** A short number for the colour bar: 3 significant digits, exponent for very small or large values. */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e4 || magnitude < 1e-3) return value.toExponential(1).replace('e', 'e');
  return Number(value.toPrecision(3)).toString();
}
