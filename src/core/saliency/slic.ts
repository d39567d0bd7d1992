/**
 * SLIC superpixels (Achanta et al., "SLIC Superpixels Compared to
 * State-of-the-Art Superpixel Methods", TPAMI 2012): k-means in a joint
 * colour–position space, each centre searching only a window around itself,
 * then a pass that makes every segment connected.
 *
 * The semantics are scikit-image 0.19's `skimage.segmentation.slic` with
 * `start_label=0` and its defaults (sigma 0, no mask, no SLIC-zero), because
 * MARGIN's reference code segments with it: the same grid seeds, the same
 * distance, the same iteration and the same connectivity pass, so that our
 * superpixels are (up to floating-point ties) the reference's.
 */
import { ParameterError } from '../errors';
import { rgbToLab } from './cielab';
import { compactLabels, enforceConnectivity } from './labelConnectivity';
import { gridCentres, regularGrid } from './slicGrid';

export interface SlicImage {
  width: number;
  height: number;
  /** 1: intensity, used directly; 3: sRGB, compared in CIELAB. */
  channels: 1 | 3;
  /** Row-major, channels interleaved (HWC), values 0..1. */
  data: Float32Array;
}

export interface SlicOptions {
  /** The number of superpixels asked for; the grid gives about this many. */
  segments: number;
  /** Weight of position against colour; higher gives squarer segments. Default 10, as skimage. */
  compactness?: number;
  /** k-means rounds at most (it stops earlier once no pixel changes segment). Default 10. */
  maxIterations?: number;
  /** Split disconnected segments and merge tiny ones into a neighbour. Default true. */
  enforceConnectivity?: boolean;
}

export interface Superpixels {
  /** H×W, row-major, segment of each pixel in 0..count-1. */
  labels: Int32Array;
  count: number;
}

/** skimage's `min_size_factor` and `max_size_factor`, relative to the mean segment area. */
const MIN_SIZE_FACTOR = 0.5;
const MAX_SIZE_FACTOR = 3;

export function slic(image: SlicImage, options: SlicOptions): Superpixels {
  const { width, height, channels } = image;
  const compactness = options.compactness ?? 10;
  const maxIterations = options.maxIterations ?? 10;
  checkArguments(image, options.segments, compactness, maxIterations);

  const features = colourFeatures(image, compactness);
  const { centres: positions, step } = gridCentres(height, width, options.segments);
  const centreCount = positions.length / 2;
  const raw = cluster(features, channels, width, height, positions, step, maxIterations);

  if (!(options.enforceConnectivity ?? true)) return compactLabels(raw);
  // Sizes relative to the centres actually placed, which the grid makes
  // differ a little from the number asked for.
  const segmentArea = (width * height) / centreCount;
  return enforceConnectivity(
    raw,
    width,
    height,
    Math.trunc(MIN_SIZE_FACTOR * segmentArea),
    Math.trunc(MAX_SIZE_FACTOR * segmentArea),
  );
}

function checkArguments(
  image: SlicImage,
  segments: number,
  compactness: number,
  maxIterations: number,
): void {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`slic: image size must be whole numbers ≥ 1, got ${width}×${height}`);
  }
  if (channels !== 1 && channels !== 3)
    throw new RangeError(`slic: channels must be 1 or 3, got ${channels}`);
  if (data.length !== width * height * channels) {
    throw new RangeError(
      `slic: image data holds ${data.length} values, expected ${height}×${width}×${channels}`,
    );
  }
  if (!Number.isInteger(segments) || segments < 1) {
    throw new ParameterError('segments', `must be a whole number ≥ 1, got ${segments}`);
  }
  if (!(compactness > 0) || !Number.isFinite(compactness)) {
    throw new ParameterError('compactness', `must be a positive number, got ${compactness}`);
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new ParameterError('maxIterations', `must be a whole number ≥ 1, got ${maxIterations}`);
  }
}

/**
 * Per-pixel colour features, divided by the compactness. Like skimage, the
 * image is first stretched to 0..1 (one min and max over all channels) so that
 * the default compactness means the same for dark and bright images; RGB then
 * goes to CIELAB, where Euclidean distance follows perceived difference.
 * Dividing the colours by m makes the distance colour² + (xy/S)²·m², up to
 * the constant factor m², exactly as skimage scales it.
 */
function colourFeatures(image: SlicImage, compactness: number): Float64Array {
  const { data } = image;
  let min = Infinity;
  let max = -Infinity;
  for (const value of data) {
    if (!Number.isFinite(value)) throw new RangeError(`slic: image data holds a non-finite value (${value})`);
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const range = max - min;
  const stretched = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) stretched[i] = range === 0 ? data[i] - min : (data[i] - min) / range;
  const colours = image.channels === 3 ? rgbToLab(stretched, image.width * image.height) : stretched;
  const ratio = 1 / compactness;
  for (let i = 0; i < colours.length; i++) colours[i] *= ratio;
  return colours;
}

/**
 * The k-means rounds. Centres are stored as [y, x, colour…]. Their colours
 * start at 0, as in skimage: every centre then has the same colour, so the
 * first assignment is purely by position (a Voronoi partition of the grid),
 * and the centres' colours are set by its means.
 */
function cluster(
  features: Float64Array,
  channels: number,
  width: number,
  height: number,
  positions: Float64Array,
  step: number,
  maxIterations: number,
): Int32Array {
  const count = positions.length / 2;
  const stride = 2 + channels;
  const centres = new Float64Array(count * stride);
  for (let k = 0; k < count; k++) {
    centres[k * stride] = positions[2 * k];
    centres[k * stride + 1] = positions[2 * k + 1];
  }
  // skimage sizes the search windows from a grid recomputed for the number of
  // centres placed (not the number asked for); usually the same step.
  const [, windowY, windowX] = regularGrid([1, height, width], count);
  const geometry = { width, height, channels, windowY: windowY.step, windowX: windowX.step, step };
  const labels = new Int32Array(width * height).fill(-1);
  const previous = new Int32Array(width * height);
  const distance = new Float64Array(width * height);
  // Pixels per centre; every seed counts as live until a round leaves it empty.
  const members = new Int32Array(count).fill(1);
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    previous.set(labels);
    assignPixels(features, centres, members, geometry, labels, distance);
    // An unchanged assignment gives unchanged centres, so every later round
    // would repeat it: stopping here returns what the full run returns.
    if (iteration > 0 && sameLabels(labels, previous)) break;
    updateCentres(features, channels, width, labels, centres, members);
  }
  return labels;
}

interface Geometry {
  width: number;
  height: number;
  channels: number;
  /** Half-widths of the search window are 2·windowY and 2·windowX: 2S as in the paper. */
  windowY: number;
  windowX: number;
  /** S, the grid spacing that normalises spatial distance. */
  step: number;
}

/**
 * Gives each pixel the nearest centre among those whose 2S window covers it,
 * by D² = colour² + (d_xy / S)² (colours already divided by m). Centres are
 * visited in order and only a strictly smaller distance wins, so ties go to
 * the lower centre, as in skimage. Centres that lost all their pixels
 * (`members` 0, their mean undefined) take no further part.
 */
function assignPixels(
  features: Float64Array,
  centres: Float64Array,
  members: Int32Array,
  { width, height, channels, windowY, windowX, step }: Geometry,
  labels: Int32Array,
  distance: Float64Array,
): void {
  const stride = 2 + channels;
  const spatialWeight = 1 / (step * step);
  distance.fill(Infinity);
  for (let k = 0; k < members.length; k++) {
    if (members[k] === 0) continue;
    const base = k * stride;
    const cy = centres[base];
    const cx = centres[base + 1];
    // Truncation towards zero, as skimage's C casts of these (non-negative) bounds.
    const yMin = Math.trunc(Math.max(cy - 2 * windowY, 0));
    const yMax = Math.trunc(Math.min(cy + 2 * windowY + 1, height));
    const xMin = Math.trunc(Math.max(cx - 2 * windowX, 0));
    const xMax = Math.trunc(Math.min(cx + 2 * windowX + 1, width));
    for (let y = yMin; y < yMax; y++) {
      const dy2 = (cy - y) * (cy - y);
      for (let x = xMin; x < xMax; x++) {
        const pixel = y * width + x;
        const dx2 = (cx - x) * (cx - x);
        let colour = 0;
        for (let c = 0; c < channels; c++) {
          const t = features[pixel * channels + c] - centres[base + 2 + c];
          colour += t * t;
        }
        const d = (dy2 + dx2) * spatialWeight + colour;
        if (d < distance[pixel]) {
          distance[pixel] = d;
          labels[pixel] = k;
        }
      }
    }
  }
}

/** Moves every centre to the mean position and colour of its pixels (summed in raster order). */
function updateCentres(
  features: Float64Array,
  channels: number,
  width: number,
  labels: Int32Array,
  centres: Float64Array,
  members: Int32Array,
): void {
  const stride = 2 + channels;
  centres.fill(0);
  members.fill(0);
  for (let pixel = 0; pixel < labels.length; pixel++) {
    const k = labels[pixel];
    if (k < 0) continue; // outside every window (never seen in practice: windows overlap by 2S)
    const base = k * stride;
    const y = Math.floor(pixel / width);
    members[k]++;
    centres[base] += y;
    centres[base + 1] += pixel - y * width;
    for (let c = 0; c < channels; c++) centres[base + 2 + c] += features[pixel * channels + c];
  }
  for (let k = 0; k < members.length; k++) {
    if (members[k] === 0) continue;
    for (let f = 0; f < stride; f++) centres[k * stride + f] /= members[k];
  }
}

function sameLabels(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
