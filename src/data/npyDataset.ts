/** A .npy array of images (N×H×W, N×H×W×C, N×C×H×W) or features (N×D), with labels beside it. */
import { basename, dirname, extname, join } from 'node:path';
import { InputError } from '../core/errors';
import { ArrayImageSource, type ChannelLayout } from './arrayImages';
import { fileExists } from './files';
import { npyNumbers, npyToFloat32, npyToStrings, numericView, readNpy, type NpyArray } from './npy';
import type { Dataset, Sample } from './types';

/** Label files looked for beside `<stem>.npy`, in order. */
export function npyLabelsCandidates(file: string): string[] {
  const stem = basename(file, extname(file));
  const folder = dirname(file);
  return [`${stem}_labels.npy`, `${stem}-labels.npy`, 'labels.npy']
    .map((name) => join(folder, name))
    .filter((path) => path !== file);
}

export async function openNpyDataset(file: string, withLabels: boolean): Promise<Dataset> {
  const array = await readNpy(file);
  if (array.dtype.kind !== 'number') {
    throw new InputError(
      file,
      `holds strings (dtype ${array.dtype.descr}): expected numbers (images or features); string arrays are read as labels with --labels`,
    );
  }
  const { shape } = array;
  const count = shape[0] ?? 0;
  let dataset: Omit<Dataset, 'labels'>;
  const samples: Sample[] = Array.from({ length: count }, (_, index) => ({ id: `#${index}` }));
  if (shape.length === 2) {
    dataset = {
      kind: 'npy',
      source: file,
      samples,
      features: { rows: count, dim: shape[1], data: npyToFloat32(array) },
      skipped: [],
    };
  } else if (shape.length === 3 || shape.length === 4) {
    dataset = { kind: 'npy', source: file, samples, images: imageSource(file, array), skipped: [] };
  } else {
    const hint = shape.length === 1 ? ' (a 1-D array looks like labels: give it with --labels)' : '';
    throw new InputError(
      file,
      `holds a ${shape.length}-D array of shape (${shape.join(', ')}): expected images (N×H×W, N×H×W×C or N×C×H×W) or features (N×D)${hint}`,
    );
  }
  if (count === 0) throw new InputError(file, 'holds no samples: its first dimension is 0');
  let labels: (string | undefined)[] = new Array(count).fill(undefined);
  if (withLabels) {
    for (const candidate of npyLabelsCandidates(file)) {
      if (!(await fileExists(candidate))) continue;
      labels = await readNpyLabels(candidate);
      if (labels.length !== count)
        throw new InputError(candidate, `holds ${labels.length} labels but ${file} holds ${count} samples`);
      break;
    }
  }
  return { ...dataset, labels };
}

/**
 * A 1-D array (or N×1) of labels: numbers as decimal strings, or fixed-width
 * strings. A negative number (−1 by convention) or an empty string marks an
 * unlabelled sample.
 */
export async function readNpyLabels(file: string): Promise<(string | undefined)[]> {
  const array = await readNpy(file);
  const { shape } = array;
  if (!(shape.length === 1 || (shape.length === 2 && shape[1] === 1))) {
    throw new InputError(
      file,
      `holds an array of shape (${shape.join(', ')}): expected a 1-D array of labels`,
    );
  }
  if (array.dtype.kind === 'number')
    return Array.from(npyNumbers(array), (value) => (value < 0 ? undefined : String(value)));
  return npyToStrings(array).map((label) => label || undefined);
}

/**
 * 3-D arrays are greyscale N×H×W. In a 4-D array the channel axis is the second
 * or the last dimension, whichever is 1 or 3 (N×C×H×W as saved by PyTorch,
 * N×H×W×C as saved by NumPy/TensorFlow); when both are, the smaller one (on a
 * tie, the last).
 */
function imageSource(file: string, array: NpyArray): ArrayImageSource {
  const { shape } = array;
  const [count] = shape;
  let height: number, width: number, channels: number, layout: ChannelLayout;
  if (shape.length === 3) {
    [, height, width] = shape;
    channels = 1;
    layout = 'hwc';
  } else {
    const isChannels = (size: number) => size === 1 || size === 3;
    const [, second, , last] = shape;
    if (!isChannels(second) && !isChannels(last)) {
      throw new InputError(
        file,
        `holds a 4-D array of shape (${shape.join(', ')}) with no channel axis of size 1 or 3: expected N×H×W×C or N×C×H×W`,
      );
    }
    const channelsLast = isChannels(last) && (!isChannels(second) || last <= second);
    if (channelsLast) {
      [, height, width, channels] = shape;
      layout = 'hwc';
    } else {
      [, channels, height, width] = shape;
      layout = 'chw';
    }
  }
  return new ArrayImageSource(toPixels(file, array), count, height, width, channels, layout);
}

/**
 * uint8 arrays are used as they are. Other integer arrays must hold 0–255.
 * Float arrays in [0, 1] are scaled by 255; floats in [0, 255] are rounded.
 */
function toPixels(file: string, array: NpyArray): Uint8Array {
  const { dtype, data } = array;
  if (dtype.kind === 'number' && dtype.code === 'u1') return data;
  // A view, not a float64 copy, except for 64-bit integers (rare as pixels).
  const values =
    dtype.kind === 'number' && (dtype.code === 'i8' || dtype.code === 'u8')
      ? npyNumbers(array)
      : numericView(array);
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (Number.isNaN(value))
      throw new InputError(file, `holds NaN at element ${i}: pixel values must be numbers`);
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const isFloat = dtype.kind === 'number' && (dtype.code === 'f4' || dtype.code === 'f8');
  if (min < 0 || max > 255) {
    throw new InputError(
      file,
      `holds pixel values from ${min} to ${max}: images must be uint8, or ${isFloat ? 'floats in [0, 1] or [0, 255]' : 'integers in 0–255'}`,
    );
  }
  const scale = isFloat && max <= 1 ? 255 : 1;
  const pixels = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) pixels[i] = Math.round(values[i] * scale);
  return pixels;
}
