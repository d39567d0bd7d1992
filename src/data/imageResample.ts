/**
 * Bilinear resampling of 8-bit HWC pixels exactly as Pillow does it
 * (`Image.resize(size, BILINEAR)`, which torchvision's `Resize` calls on PIL
 * images): a triangle filter widened by the scale when shrinking (so it
 * antialiases), two passes (horizontal, then vertical) with the intermediate
 * rounded to 8 bits, and Pillow's 22-bit fixed-point weights. Same input,
 * same bytes as Pillow (Resample.c, Pillow 9–11).
 */

/** Pillow's PRECISION_BITS for 8-bit images: 32 − 8 − 2. */
const PRECISION_BITS = 22;
const ONE = 2 ** PRECISION_BITS;
const HALF = 2 ** (PRECISION_BITS - 1);
const SATURATED = 2 ** (PRECISION_BITS + 8);

export interface Pixels8 {
  width: number;
  height: number;
  channels: number;
  pixels: Uint8Array;
}

/** Resizes `image` to `width × height` (bilinear, antialiased when shrinking). */
export function resampleBilinear(image: Pixels8, width: number, height: number): Pixels8 {
  let out = image;
  if (width !== image.width) out = resamplePass(out, width, 'horizontal');
  if (height !== image.height) out = resamplePass(out, height, 'vertical');
  return out;
}

/** The window `width × height` at (`left`, `top`), which must lie inside the image. */
export function cropPixels(
  image: Pixels8,
  left: number,
  top: number,
  width: number,
  height: number,
): Pixels8 {
  if (left === 0 && top === 0 && width === image.width && height === image.height) return image;
  if (left < 0 || top < 0 || left + width > image.width || top + height > image.height) {
    throw new RangeError(
      `crop ${width}×${height} at (${left}, ${top}) leaves the ${image.width}×${image.height} image`,
    );
  }
  const { channels } = image;
  const pixels = new Uint8Array(width * height * channels);
  const rowBytes = width * channels;
  for (let y = 0; y < height; y++) {
    const start = ((top + y) * image.width + left) * channels;
    pixels.set(image.pixels.subarray(start, start + rowBytes), y * rowBytes);
  }
  return { width, height, channels, pixels };
}

interface Coefficients {
  /** First input index of each output index. */
  first: Int32Array;
  /** Number of input indices each output index reads. */
  count: Int32Array;
  /** Fixed-point weights, `taps` per output index. */
  weights: Int32Array;
  taps: number;
}

/** Pillow's precompute_coeffs with the bilinear filter (support 1), then normalize_coeffs_8bpc. */
function coefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale;
  const taps = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * taps);
  const raw = new Float64Array(taps);
  for (let out = 0; out < outSize; out++) {
    const center = (out + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    const min = Math.max(Math.trunc(center - support + 0.5), 0);
    const n = Math.min(Math.trunc(center + support + 0.5), inSize) - min;
    let total = 0;
    for (let x = 0; x < n; x++) {
      const w = Math.max(0, 1 - Math.abs((x + min - center + 0.5) / filterScale));
      raw[x] = w;
      total += w;
    }
    for (let x = 0; x < n; x++) {
      const w = total !== 0 ? raw[x] / total : raw[x];
      // Bilinear weights are never negative, so Pillow's rounding is (int)(0.5 + w · 2²²).
      weights[out * taps + x] = Math.trunc(0.5 + w * ONE);
    }
    first[out] = min;
    count[out] = n;
  }
  return { first, count, weights, taps };
}

function clip8(sum: number): number {
  if (sum >= SATURATED) return 255;
  if (sum <= 0) return 0;
  return Math.floor(sum / ONE);
}

function resamplePass(image: Pixels8, outSize: number, direction: 'horizontal' | 'vertical'): Pixels8 {
  const { width, height, channels, pixels } = image;
  const horizontal = direction === 'horizontal';
  const { first, count, weights, taps } = coefficients(horizontal ? width : height, outSize);
  const outWidth = horizontal ? outSize : width;
  const outHeight = horizontal ? height : outSize;
  const out = new Uint8Array(outWidth * outHeight * channels);
  // Step (in bytes) between neighbouring input samples along the resampled axis.
  const step = horizontal ? channels : width * channels;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const o = horizontal ? x : y;
      const start = horizontal ? (y * width + first[o]) * channels : (first[o] * width + x) * channels;
      const k = o * taps;
      const n = count[o];
      for (let c = 0; c < channels; c++) {
        let sum = HALF;
        for (let t = 0, at = start + c; t < n; t++, at += step) sum += pixels[at] * weights[k + t];
        out[(y * outWidth + x) * channels + c] = clip8(sum);
      }
    }
  }
  return { width: outWidth, height: outHeight, channels, pixels: out };
}
