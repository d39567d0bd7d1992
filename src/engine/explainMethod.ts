/**
 * Runs one saliency method for the engine's explain. margin also returns the
 * layers behind its map (S, I and the superpixels: the paper's Figure 3), so
 * a panel can show them without a second run.
 */
import { marginSaliencyLayers } from '../model/attribution/marginSaliency';
import type { MarginSaliencyOptions } from '../model/attribution/marginSaliencyOptions';
import { runAttribution, type AttributionMethod } from '../model/attribution/methods';
import { spatialLayout } from '../model/attribution/occlusion';
import type { ExplainInput, MethodContext } from '../model/attribution/types';
import type { ForwardModel } from '../model/autodiff/types';
import type { ExplainMethod, MarginLayers } from '../protocol/engine';

export interface MethodRun {
  map: Float32Array;
  layers?: MarginLayers;
}

export async function runExplainMethod(
  name: ExplainMethod,
  method: AttributionMethod,
  model: ForwardModel,
  input: ExplainInput,
  options: MarginSaliencyOptions,
  context: MethodContext,
): Promise<MethodRun> {
  if (name !== 'margin') return { map: await runAttribution(method, model, input, options, context) };
  const layers = await marginSaliencyLayers(model, input, options, context);
  const { width, height } = spatialLayout(model.sampleShape, options.layout);
  return {
    map: layers.map,
    layers: {
      width,
      height,
      saliency: Array.from(layers.saliency),
      influence: Array.from(layers.influence),
      superpixels: layers.superpixels.map(({ segments, labels }) => ({ segments, labels: Array.from(labels) })),
    },
  };
}
