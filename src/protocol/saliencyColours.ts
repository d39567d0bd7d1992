/**
 * The colour maps of a saliency map, one definition for the engine's PNG
 * overlay (src/engine/mapFiles.ts) and the saliency panel's canvases
 * (webview/saliency/overlay.ts), so the two always show a map in the same
 * colours. It sits in protocol/ because that is the one folder both the
 * engine and the webview may import (DESIGN.md §2); pure, no Node imports,
 * as the webview bundle runs in the browser.
 *
 * A signed map (evidence for and against the target) gets a diverging map
 * centred on a neutral near-white at zero, blue for negative and red for
 * positive (ColorBrewer RdBu, reversed so that red is "for"); a map of
 * magnitudes gets a sequential one, light yellow to dark red (ColorBrewer
 * YlOrRd). Both are colour-blind safe, and their lightness changes
 * monotonically away from zero.
 */

export type Rgb = readonly [number, number, number];

/** How values become colours: `signed` keeps the sign (diverging), `absolute` shows |value| (sequential). */
export type ColourMode = 'signed' | 'absolute';

/** RdBu's five-class stops, from −1 (blue) through 0 (neutral) to +1 (red). */
export const DIVERGING: readonly Rgb[] = [
  [33, 102, 172],
  [146, 197, 222],
  [247, 247, 247],
  [244, 165, 130],
  [178, 24, 43],
];

/** YlOrRd's five-class stops, from 0 to 1. */
export const SEQUENTIAL: readonly Rgb[] = [
  [255, 255, 178],
  [254, 204, 92],
  [253, 141, 60],
  [240, 59, 32],
  [189, 0, 38],
];

/** What zero looks like on the diverging colour bar. */
export const NEUTRAL: Rgb = DIVERGING[2];

/** The colour of t: in [−1, 1] for `signed`, [0, 1] for `absolute`; values outside are clipped, NaN is 0. */
export function colourOf(t: number, mode: ColourMode): Rgb {
  const signed = mode === 'signed';
  const stops = signed ? DIVERGING : SEQUENTIAL;
  const clipped = Math.max(signed ? -1 : 0, Math.min(1, Number.isFinite(t) ? t : 0));
  const position = (signed ? (clipped + 1) / 2 : clipped) * (stops.length - 1);
  const low = Math.min(stops.length - 2, Math.floor(position));
  const fraction = position - low;
  const [a, b] = [stops[low], stops[low + 1]];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * fraction)) as unknown as Rgb;
}

/** The colour scale's top: this percentile of |value|, so one extreme pixel does not wash out the rest. */
const SCALE_PERCENTILE = 0.99;

/**
 * The |value| that maps to the colour scale's ends: the 99th percentile
 * (index ⌊0.99·(n − 1)⌋ of the sorted magnitudes), or the largest |value|
 * when that is 0 (a map that is zero almost everywhere still shows its few
 * hot pixels), or 0 for an all-zero or empty map. Non-finite values count as 0.
 */
export function colourScaleTop(values: ArrayLike<number>): number {
  const sorted = Float64Array.from(values, (value) => (Number.isFinite(value) ? Math.abs(value) : 0)).sort();
  if (sorted.length === 0) return 0;
  const top = sorted[Math.floor(SCALE_PERCENTILE * (sorted.length - 1))];
  return top > 0 ? top : sorted[sorted.length - 1];
}
