/**
 * Writing a saliency map to the files `--out` names, by extension:
 * - `.npy`: the raw float32 map with the model input's per-sample shape (DESIGN.md §3);
 * - `.png`: the input in grey under a red–yellow heat overlay of |map|, enlarged by a whole
 *   factor (nearest neighbour, so every input pixel stays a sharp square) to at least
 *   PNG_MIN_SIDE pixels on its longer side: a 28×28 map is unreadable at its own size;
 * - `.json`: the summary and the map as a flat list, with its shape.
 * Every write is atomic (temporary file + rename).
 */
import { extname } from 'node:path';
import sharp from 'sharp';
import { ParameterError } from '../core/errors';
import { pixelOffset, type SpatialLayout } from '../model/attribution/occlusion';
import type { ExplainResult } from '../protocol/engine';
import { writeFileAtomic } from './atomicWrite';

export type MapFormat = 'npy' | 'png' | 'json';

/** The heat scale's top: this percentile of |map|, so one extreme pixel does not wash out the rest. */
const HEAT_PERCENTILE = 0.99;
/** Opacity of the overlay where the heat is highest. */
const MAX_OVERLAY_ALPHA = 0.8;

export function mapFormatOf(path: string): MapFormat {
  const extension = extname(path).toLowerCase();
  if (extension === '.npy' || extension === '.png' || extension === '.json')
    return extension.slice(1) as MapFormat;
  throw new ParameterError('out', `"${path}" must end in .npy, .png or .json (the format of the map)`);
}

/** What a map file is made of: the result (its map a Float32Array), the map's pixel layout, and the input in grey. */
export interface MapToWrite {
  result: Omit<ExplainResult, 'map' | 'written' | 'seconds'>;
  map: Float32Array;
  layout: SpatialLayout;
  /** The input as grey pixels (height × width, row-major), the overlay's background. */
  background: Uint8Array;
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
  const { width, height } = value.layout;
  const rgb = overlayRgb(value.map, value.layout, value.background);
  const png = await sharp(Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength), {
    raw: { width, height, channels: 3 },
  })
    .resize(width * pngScale(width, height), height * pngScale(width, height), { kernel: 'nearest' })
    .png()
    .toBuffer();
  return writeFileAtomic(path, png);
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

/** |map| summed over channels per pixel, divided by its 99th percentile and clipped to [0, 1]. */
export function heatOf(map: Float32Array, layout: SpatialLayout): Float32Array {
  const { channels, height, width } = layout;
  const heat = new Float32Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let c = 0; c < channels; c++) sum += Math.abs(map[pixelOffset(layout, c, y, x)]);
      heat[y * width + x] = sum;
    }
  }
  const sorted = Float32Array.from(heat).sort();
  let top = sorted[Math.min(sorted.length - 1, Math.floor(HEAT_PERCENTILE * (sorted.length - 1)))];
  // A map that is zero almost everywhere still shows its few hot pixels.
  if (!(top > 0)) top = sorted[sorted.length - 1];
  if (!(top > 0) || !Number.isFinite(top)) return heat.fill(0);
  for (let i = 0; i < heat.length; i++) heat[i] = Math.min(1, heat[i] / top);
  return heat;
}

/** RGB pixels: grey background, blended towards red (low heat) … yellow (high heat) with opacity growing with the heat. */
export function overlayRgb(map: Float32Array, layout: SpatialLayout, background: Uint8Array): Uint8Array {
  const heat = heatOf(map, layout);
  const rgb = new Uint8Array(heat.length * 3);
  for (let p = 0; p < heat.length; p++) {
    const t = heat[p];
    const alpha = MAX_OVERLAY_ALPHA * t;
    const grey = background[p] * (1 - alpha);
    rgb[p * 3] = Math.round(grey + 255 * alpha);
    rgb[p * 3 + 1] = Math.round(grey + 255 * t * alpha);
    rgb[p * 3 + 2] = Math.round(grey);
  }
  return rgb;
}
