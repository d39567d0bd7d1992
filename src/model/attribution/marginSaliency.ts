/**
 * MARGIN saliency (Anirudh, Thiagarajan, Sridhar & Bremer, "MARGIN:
 * Uncovering Deep Neural Networks using Graph Signal Analysis", arXiv
 * 1711.05407, case II): superpixels at several SLIC scales are the nodes of a
 * graph whose edges join superpixels that, masked, change the prediction by
 * about the same amount; MARGIN's high pass of their relative size says which
 * ones stand out; that influence map I multiplies a dense occlusion-like map
 * S (each pixel's masking effects, per unit area, summed over scales).
 *
 * Black box: forward passes only, one per superpixel (about 1,000 on a 28×28
 * image with the default scales, sent in batches of SAMPLES_PER_CALL), plus
 * the unmasked input. The graph maths are in src/core/saliency/marginGraph.ts.
 *
 * `marginSaliencyLayers` returns the intermediate layers too (the paper's
 * Figure 3: S, I and each scale's superpixels); `marginSaliency` is the
 * Method the registry calls, returning S ⊙ I alone. Every channel of a pixel
 * holds the pixel's value, as with occlusion.
 */
import { slic } from '../../core/saliency';
import {
  denseSaliency,
  influenceMap,
  nodeInfluence,
  nodeSizes,
  type ScaleLabels,
} from '../../core/saliency/marginGraph';
import type { ForwardModel } from '../autodiff/types';
import { makeBaseline } from './baselines';
import { SAMPLES_PER_CALL, checkExplainInput, inSlices, softmax } from './batches';
import { slicImageOf } from './marginSaliencyImage';
import { resolveMarginOptions, type MarginSaliencyOptions } from './marginSaliencyOptions';
import { pixelOffset, spatialLayout, type SpatialLayout } from './occlusion';
import type { ExplainInput, MethodContext } from './types';

export interface MarginSuperpixels extends ScaleLabels {
  /** The segment count asked of SLIC (count is what it gave). */
  segments: number;
}

export interface MarginSaliencyLayers {
  /** S ⊙ I, the model input's per-sample shape. */
  map: Float32Array;
  /** Dense saliency S, H×W row-major. */
  saliency: Float64Array;
  /** Influence map I, H×W row-major, in [0, 1]. */
  influence: Float64Array;
  /** Each scale's superpixels; nodes are numbered scale by scale in this order. */
  superpixels: MarginSuperpixels[];
  /** Per node: the masking effect Δ, the size in pixels, the graph signal f and the influence. */
  nodes: { effects: Float64Array; sizes: Float64Array; signal: Float64Array; influence: Float64Array };
  /** The target's score (probability or logit) on the unmasked input. */
  reference: number;
}

export async function marginSaliencyLayers(
  model: ForwardModel,
  input: ExplainInput,
  options: MarginSaliencyOptions,
  context: MethodContext,
): Promise<MarginSaliencyLayers> {
  checkExplainInput(model, input, 'margin');
  const settings = resolveMarginOptions(options);
  const layout = spatialLayout(model.sampleShape, settings.layout);
  const image = slicImageOf(input, layout);
  const superpixels = settings.scales.map((segments) => ({ segments, ...slic(image, { segments }) }));
  const sizes = nodeSizes(superpixels);

  const score = (logits: Float32Array, sample: number): number =>
    settings.score === 'logit'
      ? logits[sample * model.numClasses + input.target]
      : softmax(logits, sample * model.numClasses, model.numClasses)[input.target];
  const reference = score(await model.predict(input.x, 1), 0);
  const fill = makeBaseline(settings.fill, input.x, model.sampleShape);
  const pixelsOfNode = nodePixels(superpixels);
  const effects = new Float64Array(sizes.length);
  const size = input.x.length;
  const batch = new Float32Array(Math.min(SAMPLES_PER_CALL, sizes.length) * size);
  await inSlices(sizes.length, SAMPLES_PER_CALL, context, async (first, count) => {
    for (let slot = 0; slot < count; slot++) {
      const copy = batch.subarray(slot * size, (slot + 1) * size);
      copy.set(input.x);
      maskPixels(copy, fill, pixelsOfNode[first + slot], layout);
    }
    const logits = await model.predict(batch.subarray(0, count * size), count);
    for (let slot = 0; slot < count; slot++) {
      const change = reference - score(logits, slot);
      effects[first + slot] = settings.effect === 'signed' ? change : Math.abs(change);
    }
  });

  const { signal, influence } = nodeInfluence(effects, sizes, settings);
  const saliency = denseSaliency(superpixels, effects, sizes);
  const influencePixels = influenceMap(superpixels, influence);
  const map = new Float32Array(size);
  for (let y = 0; y < layout.height; y++) {
    for (let x = 0; x < layout.width; x++) {
      const p = y * layout.width + x;
      for (let c = 0; c < layout.channels; c++)
        map[pixelOffset(layout, c, y, x)] = saliency[p] * influencePixels[p];
    }
  }
  return {
    map,
    saliency,
    influence: influencePixels,
    superpixels,
    nodes: { effects, sizes, signal, influence },
    reference,
  };
}

/** The Method the registry calls: the final map S ⊙ I. */
export async function marginSaliency(
  model: ForwardModel,
  input: ExplainInput,
  options: MarginSaliencyOptions,
  context: MethodContext,
): Promise<Float32Array> {
  return (await marginSaliencyLayers(model, input, options, context)).map;
}

/** The pixels (p = y·W + x) of every node, nodes numbered scale by scale. */
function nodePixels(scales: readonly ScaleLabels[]): Int32Array[] {
  const lists: number[][] = [];
  for (const { labels, count } of scales) {
    const first = lists.length;
    for (let s = 0; s < count; s++) lists.push([]);
    labels.forEach((label, p) => lists[first + label].push(p));
  }
  return lists.map((list) => Int32Array.from(list));
}

/** Every channel of the given pixels takes the fill's value there. */
function maskPixels(copy: Float32Array, fill: Float32Array, pixels: Int32Array, layout: SpatialLayout): void {
  for (const p of pixels) {
    const y = Math.floor(p / layout.width);
    const x = p - y * layout.width;
    for (let c = 0; c < layout.channels; c++) {
      const offset = pixelOffset(layout, c, y, x);
      copy[offset] = fill[offset];
    }
  }
}
