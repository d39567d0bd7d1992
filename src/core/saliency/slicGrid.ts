/**
 * Where SLIC puts its first centres: a regular grid, placed as scikit-image's
 * `regular_grid` places it on a (depth 1, height, width) volume, so that our
 * centres (and hence our superpixels) start where the reference's start.
 */

/** Grid positions along one axis: start, start + step, … (< size). */
export interface GridAxis {
  start: number;
  step: number;
}

/** NumPy's `np.round`: halves go to the even neighbour (2.5 → 2, 3.5 → 4). */
export function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction !== 0.5) return Math.round(value);
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * Step and start per axis for about `points` regularly spaced points in a box
 * of the given shape. The step is the d-th root of the volume per point; an
 * axis shorter than that step is given its whole length as step (one point
 * along it) and the root is taken again over the remaining axes. Shape
 * [1, h, w] therefore reduces to steps [1, √(hw/points), √(hw/points)] unless
 * the image is too thin for that.
 */
export function regularGrid(shape: readonly number[], points: number): GridAxis[] {
  const volume = shape.reduce((product, size) => product * size, 1);
  if (volume <= points) return shape.map(() => ({ start: 0, step: 1 }));
  // Axes visited from shortest to longest, as skimage sorts them (ties keep
  // their order; tied axes get the same step either way).
  const order = shape.map((_, axis) => axis).sort((a, b) => shape[a] - shape[b]);
  const sorted = order.map((axis) => shape[axis]);
  const steps = sorted.map(() => Math.pow(volume / points, 1 / shape.length));
  if (sorted.some((size, i) => size < steps[i])) {
    for (let i = 0; i < sorted.length; i++) {
      steps[i] = sorted[i];
      const rest = sorted.slice(i + 1).reduce((product, size) => product * size, 1);
      for (let j = i + 1; j < sorted.length; j++) {
        steps[j] = Math.pow(rest / points, 1 / (sorted.length - i - 1));
      }
      if (sorted.every((size, j) => size >= steps[j])) break;
    }
  }
  const axes: GridAxis[] = new Array<GridAxis>(shape.length);
  order.forEach((axis, i) => {
    // skimage takes the start from the unrounded step and rounds the step itself.
    axes[axis] = { start: Math.floor(steps[i] / 2), step: roundHalfEven(steps[i]) };
  });
  return axes;
}

/** The grid's points in an h × w image, row-major, as [y0, x0, y1, x1, …]. */
export function gridCentres(
  height: number,
  width: number,
  segments: number,
): {
  centres: Float64Array;
  /** The grid spacing, skimage's `step`: normalises the spatial distance. */
  step: number;
} {
  const [depthAxis, yAxis, xAxis] = regularGrid([1, height, width], segments);
  const ys: number[] = [];
  const xs: number[] = [];
  for (let y = yAxis.start; y < height; y += yAxis.step) ys.push(y);
  for (let x = xAxis.start; x < width; x += xAxis.step) xs.push(x);
  const centres = new Float64Array(ys.length * xs.length * 2);
  let k = 0;
  for (const y of ys) {
    for (const x of xs) {
      centres[k++] = y;
      centres[k++] = x;
    }
  }
  return { centres, step: Math.max(depthAxis.step, yAxis.step, xAxis.step) };
}
