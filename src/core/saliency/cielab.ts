/**
 * sRGB → CIELAB (D65 white, 2° observer), with the constants of scikit-image's
 * `rgb2lab` so that SLIC measures colour distances in the same units as the
 * reference implementation it is tested against.
 */

/** sRGB primaries (linear) → CIE XYZ, rows X, Y, Z (skimage's `xyz_from_rgb`). */
const XYZ_FROM_RGB = [
  [0.412453, 0.35758, 0.180423],
  [0.212671, 0.71516, 0.072169],
  [0.019334, 0.119193, 0.950227],
] as const;

/** D65 reference white for the 2° observer, XYZ with Y = 1. */
const WHITE_D65 = [0.95047, 1, 1.08883] as const;

/** Undoes the sRGB transfer curve: gamma-encoded 0..1 → linear light. */
function srgbToLinear(value: number): number {
  return value > 0.04045 ? Math.pow((value + 0.055) / 1.055, 2.4) : value / 12.92;
}

/**
 * CIELAB's companding function. The linear piece below the threshold keeps its
 * slope finite at black; 7.787 and 0.008856 are the rounded CIE 1976 constants
 * skimage uses (not the exact 841/108 and 216/24389).
 */
function labCompand(t: number): number {
  return t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116;
}

/**
 * Converts interleaved RGB (HWC, 0..1) to interleaved L*a*b* (L in 0..100,
 * a and b roughly −100..100).
 */
export function rgbToLab(rgb: ArrayLike<number>, pixels: number): Float64Array {
  const lab = new Float64Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    const r = srgbToLinear(rgb[3 * p]);
    const g = srgbToLinear(rgb[3 * p + 1]);
    const b = srgbToLinear(rgb[3 * p + 2]);
    const [rowX, rowY, rowZ] = XYZ_FROM_RGB;
    const fx = labCompand((rowX[0] * r + rowX[1] * g + rowX[2] * b) / WHITE_D65[0]);
    const fy = labCompand((rowY[0] * r + rowY[1] * g + rowY[2] * b) / WHITE_D65[1]);
    const fz = labCompand((rowZ[0] * r + rowZ[1] * g + rowZ[2] * b) / WHITE_D65[2]);
    lab[3 * p] = 116 * fy - 16;
    lab[3 * p + 1] = 500 * (fx - fy);
    lab[3 * p + 2] = 200 * (fy - fz);
  }
  return lab;
}
