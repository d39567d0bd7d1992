/**
 * An engine ExplainResult as the saliency panel shows it. Pure. The map has
 * the model input's per-sample shape; the panel draws one value per pixel,
 * the map summed over channels as the engine's PNG overlay does
 * (engine/mapFiles.ts), so only height × width numbers cross postMessage.
 * `margin` results carry their intermediate layers (S, I, superpixels),
 * shown as extra layers of the same card.
 */
import type { ExplainResult } from '../../protocol/engine';
import type { SaliencyClass, SaliencyLayer, SaliencyMap } from '../../protocol/saliencyPanel';

/** Where the channels are in a per-sample shape. */
export interface MapPlane {
  channels: number;
  height: number;
  width: number;
  /** `chw`: channel-major (NCHW models); `hwc`: channels last (NHWC models). */
  layout: 'chw' | 'hwc';
}

const isChannelCount = (n: number) => n === 1 || n === 3 || n === 4;

/**
 * The plane of a per-sample shape. [C, H, W] with C of 1, 3 or 4 is read as
 * channel-major (the common ONNX layout) unless only the last dimension
 * looks like channels, or the sidecar says NHWC; [H, W] is one channel; a
 * vector [D] (a table row) is one row of D; more dimensions fold into channels.
 */
export function planeOf(shape: readonly number[], sidecarLayout?: string): MapPlane {
  if (shape.length === 1) return { channels: 1, height: 1, width: shape[0], layout: 'chw' };
  if (shape.length === 2) return { channels: 1, height: shape[0], width: shape[1], layout: 'chw' };
  const [a, b, c] = shape.slice(-3);
  const leading = shape.slice(0, -3).reduce((x, y) => x * y, 1);
  const channelsLast = sidecarLayout?.toUpperCase() === 'NHWC' || (!isChannelCount(a) && isChannelCount(c));
  return channelsLast
    ? { channels: c * leading, height: a, width: b, layout: 'hwc' }
    : { channels: a * leading, height: b, width: c, layout: 'chw' };
}

/** The map summed over channels: height × width values, row-major. */
export function sumOverChannels(map: ArrayLike<number>, plane: MapPlane): number[] {
  const { channels, height, width, layout } = plane;
  const pixels = height * width;
  const summed = new Array<number>(pixels).fill(0);
  for (let c = 0; c < channels; c++)
    for (let p = 0; p < pixels; p++)
      summed[p] += layout === 'chw' ? map[c * pixels + p] : map[p * channels + c];
  return summed;
}

/**
 * The layers a `margin` result carries beyond the map (ExplainResult.layers):
 * the dense saliency S, the influence map I and each SLIC scale's
 * superpixels. A layer whose size is not the map's H×W is left out rather
 * than drawn wrong.
 */
export function extraLayersOf(result: ExplainResult, height: number, width: number): SaliencyLayer[] {
  const source = result.layers;
  if (!source) return [];
  const pixels = height * width;
  const layers: SaliencyLayer[] = [];
  const plane = (key: string, title: string, kind: SaliencyLayer['kind'], values: readonly number[]) => {
    if (values.length === pixels) layers.push({ key, title, kind, width, height, values: [...values] });
  };
  plane('saliency', 'S: dense saliency', 'magnitude', source.saliency);
  plane('influence', 'I: influence', 'magnitude', source.influence);
  source.superpixels.forEach((scale, index) =>
    plane(`superpixels-${index}`, `Superpixels (~${scale.segments})`, 'segments', scale.labels),
  );
  return layers;
}

/** Numbers an ExplainResult holds (map and layers): what the cache counts against its bound. */
export function resultSize(result: ExplainResult): number {
  const layers = result.layers;
  if (!layers) return result.map.length;
  return (
    result.map.length +
    layers.saliency.length +
    layers.influence.length +
    layers.superpixels.reduce((sum, scale) => sum + scale.labels.length, 0)
  );
}

/** The label of class `index`: the sidecar's name, else the engine's, else the index. */
export function classLabel(index: number, labels: readonly string[], fallback?: string): string {
  return labels[index] ?? fallback ?? `class ${index}`;
}

export function saliencyMapOf(
  result: ExplainResult,
  labels: readonly string[],
  cached: boolean,
  sidecarLayout?: string,
): SaliencyMap {
  const plane = planeOf(result.shape, sidecarLayout);
  const { height, width } = plane;
  const signed = result.map.some((value) => value < 0);
  const map: SaliencyLayer = {
    key: 'map',
    title: result.method === 'margin' ? 'S ⊙ I: saliency' : 'Saliency',
    kind: signed ? 'signed' : 'magnitude',
    width,
    height,
    values: sumOverChannels(result.map, plane),
  };
  return {
    method: result.method,
    target: result.target,
    targetLabel: classLabel(result.target, labels, result.targetLabel),
    predicted: result.predicted,
    layers: [map, ...extraLayersOf(result, height, width)],
    ...(result.metrics ? { metrics: result.metrics } : {}),
    ...(result.baseline ? { baseline: result.baseline } : {}),
    notices: result.notices ?? [],
    seconds: result.seconds,
    cached,
  };
}

/** Every class with its probability, in class order (the panel sorts for its top 5). */
export function classesOf(result: ExplainResult, labels: readonly string[]): SaliencyClass[] {
  return result.probabilities.map((probability, index) => ({
    index,
    label: classLabel(
      index,
      labels,
      index === result.predicted
        ? result.predictedLabel
        : index === result.target
          ? result.targetLabel
          : undefined,
    ),
    probability,
  }));
}
