/**
 * How an image of any size is brought to a model's input size, with the
 * geometry of torchvision's transforms: `stretch` is `Resize((h, w))`;
 * `shorter-side` is `Resize(side)` then `CenterCrop((h, w))`, generalised to
 * non-square inputs by scaling until the image covers the input.
 */

export type ResizeMode = 'stretch' | 'shorter-side';
export const RESIZE_MODES: readonly ResizeMode[] = ['stretch', 'shorter-side'];

/**
 * Without a word from the sidecar, images keep their aspect ratio: the shorter
 * side is resized and the centre cropped, as torchvision's evaluation
 * transforms do (Resize + CenterCrop); stretching would distort every
 * non-square photo. For images of the model's aspect ratio the two agree.
 */
export const DEFAULT_RESIZE: ResizeMode = 'shorter-side';

/** The size an image must have, and how to get there. */
export interface ImageFit {
  width: number;
  height: number;
  resize: ResizeMode;
}

/** Resize the whole image to `resizeWidth × resizeHeight`, then keep the fit's window at (`left`, `top`). */
export interface FitGeometry {
  resizeWidth: number;
  resizeHeight: number;
  left: number;
  top: number;
}

export function fitGeometry(width: number, height: number, fit: ImageFit): FitGeometry {
  if (fit.resize === 'stretch') return { resizeWidth: fit.width, resizeHeight: fit.height, left: 0, top: 0 };
  // torchvision's Resize(int): the scaled side gets the size exactly, the other
  // int(size · long / short), truncated. Which side is scaled to its target is
  // the one that makes the image cover the input (the shorter one for a square input).
  let resizeWidth: number;
  let resizeHeight: number;
  if (width * fit.height <= height * fit.width) {
    resizeWidth = fit.width;
    resizeHeight = Math.max(fit.height, Math.floor((fit.width * height) / width));
  } else {
    resizeHeight = fit.height;
    resizeWidth = Math.max(fit.width, Math.floor((fit.height * width) / height));
  }
  // torchvision's CenterCrop: int(round((size − crop) / 2.0)), Python's round (half to even).
  return {
    resizeWidth,
    resizeHeight,
    left: roundHalfToEven((resizeWidth - fit.width) / 2),
    top: roundHalfToEven((resizeHeight - fit.height) / 2),
  };
}

/** Python 3's round(): halves go to the even neighbour (0.5 → 0, 1.5 → 2, 2.5 → 2). */
export function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
