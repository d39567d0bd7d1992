/**
 * SLIC's post-processing: k-means in colour–position space can leave a
 * superpixel in several pieces, and tiny slivers. Every 4-connected piece
 * becomes its own segment, and a piece smaller than `minSize` is absorbed by a
 * neighbouring segment, as in Achanta et al. (2012) and scikit-image's
 * `_enforce_label_connectivity_cython`, whose scan order and merge rule this
 * follows so that the two give the same segments.
 */

const NO_LABEL = -1;

/**
 * Relabels `labels` (H×W, any integers) into 4-connected segments numbered
 * from 0 in raster order of their first pixel.
 *
 * Pieces are found by breadth-first search from each not-yet-visited pixel in
 * raster order. A search stops growing at `maxSize` pixels, exactly as skimage's
 * does (its queue is preallocated to that size), so an oversized piece is cut
 * into several segments. A piece that ends below `minSize` takes the label of
 * the last already-numbered neighbour the search met. The raster order makes
 * the pixel above or to the left of its first pixel such a neighbour, so only
 * a piece at the top-left corner can meet none: it then keeps its number, and
 * the next piece found (which touches it) shares that number.
 */
export function enforceConnectivity(
  labels: Int32Array,
  width: number,
  height: number,
  minSize: number,
  maxSize: number,
): { labels: Int32Array; count: number } {
  const connected = new Int32Array(labels.length).fill(NO_LABEL);
  const queue = new Int32Array(Math.max(1, maxSize));
  let nextLabel = 0;
  for (let start = 0; start < labels.length; start++) {
    if (connected[start] !== NO_LABEL) continue;
    const original = labels[start];
    connected[start] = nextLabel;
    queue[0] = start;
    let size = 1;
    let adjacent = nextLabel;
    for (let head = 0; head < size && size < maxSize; head++) {
      const pixel = queue[head];
      const y = Math.floor(pixel / width);
      const x = pixel - y * width;
      // The neighbour order (right, left, down, up) decides which neighbour is
      // "last met", hence which segment absorbs a small piece: kept as skimage's.
      for (let direction = 0; direction < 4; direction++) {
        const ny = y + NEIGHBOUR_DY[direction];
        const nx = x + NEIGHBOUR_DX[direction];
        if (nx < 0 || nx >= width || ny < 0 || ny >= height) continue;
        const neighbour = ny * width + nx;
        if (labels[neighbour] === original && connected[neighbour] === NO_LABEL) {
          connected[neighbour] = nextLabel;
          queue[size++] = neighbour;
          if (size >= maxSize) break;
        } else if (connected[neighbour] !== NO_LABEL && connected[neighbour] !== nextLabel) {
          adjacent = connected[neighbour];
        }
      }
    }
    if (size < minSize) {
      for (let i = 0; i < size; i++) connected[queue[i]] = adjacent;
    } else {
      nextLabel++;
    }
  }
  return compactLabels(connected);
}

const NEIGHBOUR_DX = [1, -1, 0, 0] as const;
const NEIGHBOUR_DY = [0, 0, 1, -1] as const;

/**
 * Renumbers labels 0..count-1 by first appearance. After the scan above this
 * is nearly always the identity; it guarantees the 0..count-1 contract in the
 * corner case where the last piece is small and has no numbered neighbour.
 */
export function compactLabels(labels: Int32Array): { labels: Int32Array; count: number } {
  const renumber = new Map<number, number>();
  const out = new Int32Array(labels.length);
  for (let p = 0; p < labels.length; p++) {
    let label = renumber.get(labels[p]);
    if (label === undefined) {
      label = renumber.size;
      renumber.set(labels[p], label);
    }
    out[p] = label;
  }
  return { labels: out, count: renumber.size };
}
