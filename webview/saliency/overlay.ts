/**
 * The pixels of the panel's canvases, as RGBA arrays (ImageData's layout),
 * one pixel per map value. Pure, so tests check them on small known maps.
 *
 * The map is drawn over the image in grey, as the engine's PNG overlay does:
 * the colours then belong to the map alone. A pixel's overlay opacity is the
 * slider's opacity times |value| on the colour scale, so zero leaves the
 * image as it is and the strongest values show at the slider's opacity.
 */
import { colourOf, type ColourMode } from '../../src/protocol/saliencyColours';
import { colourScale, positionOf } from './colourMap';

/** The grey of a missing image (no file a browser decodes): mid grey. */
export const NO_IMAGE_GREY = 128;

/** ITU-R BT.601 luma, as an RGB image becomes grey. */
export function luma(r: number, g: number, b: number): number {
  return 0.299 * r + 0.587 * g + 0.114 * b;
}

/** RGBA pixels in grey (alpha kept at 255); no image gives NO_IMAGE_GREY everywhere. */
export function greyBackground(
  rgba: ArrayLike<number> | undefined,
  pixels: number,
): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    const grey = rgba ? luma(rgba[p * 4], rgba[p * 4 + 1], rgba[p * 4 + 2]) : NO_IMAGE_GREY;
    out[p * 4] = out[p * 4 + 1] = out[p * 4 + 2] = grey;
    out[p * 4 + 3] = 255;
  }
  return out;
}

export interface OverlayInput {
  /** The background, RGBA, one pixel per value (already grey when wanted). */
  background: ArrayLike<number>;
  values: ArrayLike<number>;
  mode: ColourMode;
  /** 0 (image only) to 1 (the strongest values cover the image). */
  opacity: number;
  /** The colour scale's end; default colourScale(values). */
  scale?: number;
}

/** background · (1 − α) + colour · α per pixel, α = opacity · min(1, |position|). */
export function blendOverlay({
  background,
  values,
  mode,
  opacity,
  scale,
}: OverlayInput): Uint8ClampedArray<ArrayBuffer> {
  const top = scale ?? colourScale(values);
  const clampedOpacity = Math.max(0, Math.min(1, opacity));
  const out = new Uint8ClampedArray(values.length * 4);
  for (let p = 0; p < values.length; p++) {
    const t = positionOf(values[p], top, mode);
    const alpha = clampedOpacity * Math.min(1, Math.abs(t));
    const colour = colourOf(t, mode);
    for (let c = 0; c < 3; c++) out[p * 4 + c] = background[p * 4 + c] * (1 - alpha) + colour[c] * alpha;
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** Ten distinguishable colours (Tableau 10) for superpixel regions. */
export const SEGMENT_COLOURS: readonly (readonly [number, number, number])[] = [
  [78, 121, 167],
  [242, 142, 43],
  [225, 87, 89],
  [118, 183, 178],
  [89, 161, 79],
  [237, 201, 72],
  [176, 122, 161],
  [255, 157, 167],
  [156, 117, 95],
  [186, 176, 172],
];

/** Pixels whose right or lower neighbour is in another region. */
export function segmentEdges(labels: ArrayLike<number>, width: number, height: number): boolean[] {
  const edges = new Array<boolean>(labels.length).fill(false);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (
        (x + 1 < width && labels[p + 1] !== labels[p]) ||
        (y + 1 < height && labels[p + width] !== labels[p])
      )
        edges[p] = true;
    }
  return edges;
}

/**
 * Superpixels over the image: each region tinted with its colour at
 * `opacity`, and its edge pixels darkened so neighbouring regions of
 * similar colour still part.
 */
export function blendSegments(
  background: ArrayLike<number>,
  labels: ArrayLike<number>,
  width: number,
  height: number,
  opacity: number,
): Uint8ClampedArray<ArrayBuffer> {
  const alpha = Math.max(0, Math.min(1, opacity));
  const edges = segmentEdges(labels, width, height);
  const out = new Uint8ClampedArray(labels.length * 4);
  for (let p = 0; p < labels.length; p++) {
    const colour =
      SEGMENT_COLOURS[
        ((labels[p] % SEGMENT_COLOURS.length) + SEGMENT_COLOURS.length) % SEGMENT_COLOURS.length
      ];
    const shade = edges[p] ? 0.45 : 1;
    for (let c = 0; c < 3; c++)
      out[p * 4 + c] = (background[p * 4 + c] * (1 - alpha) + colour[c] * alpha) * shade;
    out[p * 4 + 3] = 255;
  }
  return out;
}

/** The colour bar: `width` × 1 RGBA pixels from the scale's left end to its right. */
export function legendPixels(width: number, mode: ColourMode): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(width * 4);
  for (let x = 0; x < width; x++) {
    const fraction = width === 1 ? 0.5 : x / (width - 1);
    const colour = colourOf(mode === 'signed' ? fraction * 2 - 1 : fraction, mode);
    out.set([colour[0], colour[1], colour[2], 255], x * 4);
  }
  return out;
}
