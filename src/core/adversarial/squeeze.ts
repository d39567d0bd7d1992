import { softmaxRows } from '../softmax';
/**
 * Feature squeezing (Xu, Evans, Qi, NDSS 2018): the squeezers act on images in
 * unit pixel space ([0, 1], 1 = 255), one image after another. An image is
 * `height × width × channels` values in the model's layout: `NCHW` (channel
 * planes) or `NHWC` (channels interleaved).
 */
export interface ImageGeometry {
  height: number;
  width: number;
  channels: number;
  layout: 'NCHW' | 'NHWC';
}

/** Bit-depth reduction to `bits` bits: round(u · (2^bits − 1)) / (2^bits − 1), values clamped to [0, 1] first. */
export function reduceBitDepth(unit: Float32Array, bits: number): Float32Array {
  if (!Number.isInteger(bits) || bits < 1 || bits > 16)
    throw new RangeError(`bit depth must be 1..16, got ${bits}`);
  const levels = 2 ** bits - 1;
  const out = new Float32Array(unit.length);
  for (let i = 0; i < unit.length; i++) out[i] = Math.round(clamp01(unit[i]) * levels) / levels;
  return out;
}

/**
 * Median smoothing with a size × size window per channel, the border handled
 * as scipy.ndimage.median_filter's default mode 'reflect' (the edge pixel is
 * repeated: d c b a | a b c d), which Xu et al.'s code uses. An even size
 * centres the window as scipy does (one more pixel before the centre).
 */
export function medianFilter(images: Float32Array, geometry: ImageGeometry, size = 3): Float32Array {
  const { height, width, channels, layout } = geometry;
  const perImage = height * width * channels;
  if (images.length % perImage !== 0)
    throw new RangeError(
      `medianFilter: ${images.length} values are not whole ${height}×${width}×${channels} images`,
    );
  const out = new Float32Array(images.length);
  const window = new Float32Array(size * size);
  const before = size >> 1;
  const at = (c: number, y: number, x: number) =>
    layout === 'NCHW' ? (c * height + y) * width + x : (y * width + x) * channels + c;
  for (let offset = 0; offset < images.length; offset += perImage) {
    for (let c = 0; c < channels; c++) {
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          let count = 0;
          for (let dy = 0; dy < size; dy++) {
            const yy = reflect(y + dy - before, height);
            for (let dx = 0; dx < size; dx++)
              window[count++] = images[offset + at(c, yy, reflect(x + dx - before, width))];
          }
          out[offset + at(c, y, x)] = middleOf(window, count);
        }
      }
    }
  }
  return out;
}

/** The median of the first `count` values (odd count), by insertion sort: windows are tiny. */
function middleOf(values: Float32Array, count: number): number {
  for (let i = 1; i < count; i++) {
    const value = values[i];
    let j = i - 1;
    while (j >= 0 && values[j] > value) {
      values[j + 1] = values[j];
      j--;
    }
    values[j + 1] = value;
  }
  return values[count >> 1];
}

/** Half-sample symmetric reflection (scipy 'reflect'): −1 → 0, −2 → 1, n → n − 1. */
function reflect(index: number, length: number): number {
  if (length === 1) return 0;
  const period = 2 * length;
  let i = ((index % period) + period) % period;
  if (i >= length) i = period - 1 - i;
  return i;
}

function clamp01(value: number): number {
  return value < 0 ? 0 : value > 1 ? 1 : value;
}

/** ‖softmax(a_r) − softmax(b_r)‖₁ per row: Xu et al.'s squeezing score. */
export function softmaxL1(a: ArrayLike<number>, b: ArrayLike<number>, classes: number): Float64Array {
  if (a.length !== b.length) throw new RangeError(`softmaxL1: ${a.length} and ${b.length} logits`);
  const pa = softmaxRows(a, classes);
  const pb = softmaxRows(b, classes);
  const rows = a.length / classes;
  const out = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < classes; j++) sum += Math.abs(pa[r * classes + j] - pb[r * classes + j]);
    out[r] = sum;
  }
  return out;
}
