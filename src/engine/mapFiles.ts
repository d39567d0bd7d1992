/**
 * Writing a saliency map to the files `--out` names, by extension:
 * - `.npy`: the raw float32 map with the model input's per-sample shape (DESIGN.md §3);
 * - `.png`: three parts side by side on white: the input as the model saw it, the map over
 *   the input in grey, and a colour bar labelled with the value range. A signed map (some
 *   value < 0) uses a diverging colour map, blue (against the target) – neutral (0) – red
 *   (for it), over ±its 99th percentile of |value|; a map of magnitudes (no value < 0) a
 *   sequential one, light yellow to dark red, over 0…its 99th percentile (protocol/saliencyColours.ts,
 *   shared with the saliency panel).
 *   The overlay's opacity grows with |value|, so 0 leaves the grey input as it is. Values
 *   are summed over channels per pixel. Image and overlay are enlarged by a whole factor
 *   (nearest neighbour, so every input pixel stays a sharp square) to at least
 *   PNG_MIN_SIDE pixels on the longer side: a 28×28 map is unreadable at its own size;
 * - `.json`: the summary and the map as a flat list, with its shape.
 * Every write is atomic (temporary file + rename).
 */
import { extname } from 'node:path';
import sharp from 'sharp';
import { ParameterError } from '../core/errors';
import { pixelOffset, type SpatialLayout } from '../model/attribution/occlusion';
import type { ExplainResult } from '../protocol/engine';
import { colourOf, colourScaleTop, type ColourMode, type Rgb } from '../protocol/saliencyColours';
import { writeFileAtomic } from './atomicWrite';
import { drawText, formatValue, TEXT_HEIGHT, textWidth } from './pngText';

export type MapFormat = 'npy' | 'png' | 'json';

/** Opacity of the overlay where the heat is highest. */
const MAX_OVERLAY_ALPHA = 0.8;

export function mapFormatOf(path: string): MapFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.npy' || extension === '.png' || extension === '.json')
    return extension.slice(1) as MapFormat;
  throw new ParameterError('out', `"${path}" must end in .npy, .png or .json (the format of the map)`);
}

/** What a map file is made of: the result (its map a Float32Array), the map's pixel layout, and the input as pictures. */
export interface MapToWrite {
  result: Omit<ExplainResult, 'map' | 'written' | 'seconds'>;
  map: Float32Array;
  layout: SpatialLayout;
  /** The input as grey pixels (height × width, row-major), the overlay's background. */
  background: Uint8Array;
  /** The input as RGB pixels (height × width × 3), shown beside the overlay; grey background when absent. */
  original?: Uint8Array;
}

/** The longer side of a PNG overlay is enlarged to at least this many pixels. */
export const PNG_MIN_SIDE = 224;

/** The whole-number enlargement of a PNG overlay of an image of this size. */
export function pngScale(width: number, height: number): number {
  return Math.max(1, Math.ceil(PNG_MIN_SIDE / Math.max(width, height)));
}

export async function writeMapFile(path: string, value: MapToWrite): Promise<void> {
  const format = mapFormatOf(path);
  if (format === 'npy') return writeFileAtomic(path, npyFloat32Bytes(value.result.shape, value.map));
  if (format === 'json') {
    const { result, map } = value;
    return writeFileAtomic(path, JSON.stringify({ ...result, map: Array.from(map) }) + '\n');
  }
  return writeFileAtomic(path, await mapPng(value));
}

/**
 * A version 1.0 .npy file of little-endian float32 in C order: magic, version,
 * header length, the header dict padded with spaces to a multiple of 64 bytes
 * and ending in a newline, then the data.
 */
export function npyFloat32Bytes(shape: readonly number[], data: Float32Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length)
    throw new RangeError(`npy: shape (${shape.join(', ')}) holds ${count} values, not ${data.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const bytes = new Uint8Array(10 + header.length + data.length * 4);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(bytes.buffer).setUint16(8, header.length, true);
  bytes.set(Buffer.from(header, 'latin1'), 10);
  const body = new DataView(bytes.buffer, 10 + header.length);
  for (let i = 0; i < data.length; i++) body.setFloat32(i * 4, data[i], true);
  return bytes;
}

/** Where each part of a PNG map sits, in output pixels. */
export interface PngLayout {
  width: number;
  height: number;
  /** Enlargement of the input's pixels. */
  scale: number;
  original: { left: number; top: number; width: number; height: number };
  overlay: { left: number; top: number; width: number; height: number };
  bar: { left: number; top: number; width: number; height: number };
  /** Left edge of the bar's labels. */
  labelsLeft: number;
}

const PNG_MARGIN = 8;
const PNG_GAP = 12;
const BAR_WIDTH = 16;
/** The bar is at least this tall, so its three labels never overlap on a short (e.g. 1×D) map. */
const BAR_MIN_HEIGHT = 4 * TEXT_HEIGHT;
/** Room for the longest label, "-1.23e-10". */
const LABELS_WIDTH = textWidth('-1.23e-10');

export function pngLayout(width: number, height: number): PngLayout {
  const scale = pngScale(width, height);
  const [panelW, panelH] = [width * scale, height * scale];
  const barHeight = Math.max(panelH, BAR_MIN_HEIGHT);
  const original = { left: PNG_MARGIN, top: PNG_MARGIN, width: panelW, height: panelH };
  const overlay = { left: original.left + panelW + PNG_GAP, top: PNG_MARGIN, width: panelW, height: panelH };
  const bar = { left: overlay.left + panelW + PNG_GAP, top: PNG_MARGIN, width: BAR_WIDTH, height: barHeight };
  const labelsLeft = bar.left + BAR_WIDTH + TEXT_HEIGHT / 2;
  return {
    width: labelsLeft + LABELS_WIDTH + PNG_MARGIN,
    height: PNG_MARGIN + barHeight + PNG_MARGIN,
    scale,
    original,
    overlay,
    bar,
    labelsLeft,
  };
}

/** The map per pixel (summed over channels), whether it is signed, and the value its colour scale saturates at. */
export interface PixelValues {
  values: Float32Array;
  signed: boolean;
  /** > 0, or 0 for an all-zero map. */
  top: number;
}

export function pixelValues(map: Float32Array, layout: SpatialLayout): PixelValues {
  const { channels, height, width } = layout;
  const values = new Float32Array(height * width);
  let signed = false;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) {
        const value = map[pixelOffset(layout, c, y, x)];
        if (value < 0) signed = true;
        sum += value;
      }
      values[y * width + x] = sum;
    }
  }
  return { values, signed, top: colourScaleTop(values) };
}

/** A map with a value < 0 gets the diverging colours, one of magnitudes the sequential ones. */
function colourModeOf(signed: boolean): ColourMode {
  return signed ? 'signed' : 'absolute';
}

/** RGB pixels of the overlay: the grey background blended towards the value's colour, opacity growing with |value|. */
export function overlayRgb(map: Float32Array, layout: SpatialLayout, background: Uint8Array): Uint8Array {
  const { values, signed, top } = pixelValues(map, layout);
  const mode = colourModeOf(signed);
  const rgb = new Uint8Array(values.length * 3);
  for (let p = 0; p < values.length; p++) {
    const t = top > 0 ? Math.max(-1, Math.min(1, values[p] / top)) : 0;
    const alpha = MAX_OVERLAY_ALPHA * Math.abs(t);
    const colour = colourOf(t, mode);
    for (let c = 0; c < 3; c++) rgb[p * 3 + c] = Math.round(background[p] * (1 - alpha) + colour[c] * alpha);
  }
  return rgb;
}

/** The colour bar's pixels, top (+top) to bottom (−top, or 0 for magnitudes), at full opacity. */
export function colourBarRgb(width: number, height: number, signed: boolean): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  const mode = colourModeOf(signed);
  for (let y = 0; y < height; y++) {
    const fraction = height > 1 ? y / (height - 1) : 0;
    const colour: Rgb = colourOf(signed ? 1 - 2 * fraction : 1 - fraction, mode);
    for (let x = 0; x < width; x++) rgb.set(colour, (y * width + x) * 3);
  }
  return rgb;
}

/** The PNG: original, overlay and labelled colour bar, composed by sharp on a white canvas. */
export async function mapPng(value: MapToWrite): Promise<Buffer> {
  const { width, height } = value.layout;
  const place = pngLayout(width, height);
  const scaled = async (rgb: Uint8Array) =>
    sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), { raw: { width, height, channels: 3 } })
      .resize(place.original.width, place.original.height, { kernel: 'nearest' })
      .raw()
      .toBuffer();
  const original = value.original ?? greyToRgb(value.background);
  const { signed, top } = pixelValues(value.map, value.layout);
  const bar = place.bar;
  const labels = new Uint8Array(place.width * place.height * 3).fill(255);
  const ink: Rgb = [0, 0, 0];
  const label = (text: string, y: number) =>
    drawText(labels, place.width, place.height, text, place.labelsLeft, y, ink);
  label(formatValue(top), bar.top);
  label(formatValue(signed ? -top : 0), bar.top + bar.height - TEXT_HEIGHT);
  if (signed) label('0', bar.top + Math.round((bar.height - TEXT_HEIGHT) / 2));
  const raw = (input: Buffer | Uint8Array, part: { left: number; top: number; width: number; height: number }) => ({
    input: Buffer.from(input.buffer, input.byteOffset, input.byteLength),
    raw: { width: part.width, height: part.height, channels: 3 as const },
    left: part.left,
    top: part.top,
  });
  return sharp(Buffer.from(labels.buffer), { raw: { width: place.width, height: place.height, channels: 3 } })
    .composite([
      raw(await scaled(original), place.original),
      raw(await scaled(overlayRgb(value.map, value.layout, value.background)), place.overlay),
      raw(colourBarRgb(bar.width, bar.height, signed), bar),
    ])
    .png()
    .toBuffer()
    // Composition adds an alpha channel; the map is opaque, so the file is plain RGB.
    .then((png) => sharp(png).removeAlpha().png().toBuffer());
}

function greyToRgb(grey: Uint8Array): Uint8Array {
  const rgb = new Uint8Array(grey.length * 3);
  for (let p = 0; p < grey.length; p++) rgb[p * 3] = rgb[p * 3 + 1] = rgb[p * 3 + 2] = grey[p];
  return rgb;
}
