/**
 * The model as the adversarial detectors use it: a tap on a few hidden layers
 * (with the logits), a plain forward pass for squeezed copies, the unit-pixel
 * input space, and — for the fused detector, which crafts attacks — gradients.
 */
import { InputError } from '../../../core/errors';
import { gradientModelOf, UnsupportedOpError, type GradientModel } from '../../../model/autodiff';
import {
  chooseLayers,
  inputSpaceOf,
  LayerTap,
  type InputSpace,
  type Predict,
} from '../../../model/adversarial';
import type { ForwardModel } from '../../../model/autodiff/types';
import { findEmbeddingTensor } from '../../../model/embeddingTap';
import { forwardModelOf, sampleShapeOf } from '../../../model/forwardModel';
import { openModel, type LoadedModel } from '../../../model/session';
import { loadModelConfig, type ModelConfig } from '../../../model/sidecar';

export interface AdversarialModel {
  loaded: LoadedModel;
  config: ModelConfig;
  space: InputSpace;
  tap: LayerTap;
  /** Tapped hidden layers, then "logits": the layers every per-layer detector reads, in this order. */
  layerNames: string[];
  /** Index in layerNames of the penultimate features (the embedding). */
  embeddingLayer: number;
  classes: number;
  predict: Predict;
  /** Present when opened with gradients (the fused detector crafts attacks with them). */
  gradients?: GradientModel;
  release(): Promise<void>;
}

export async function openAdversarialModel(
  path: string,
  options: { gradients: boolean; batchSize: number },
): Promise<AdversarialModel> {
  const loaded = await openModel(path);
  const config = await loadModelConfig(path, loaded.info);
  const input = loaded.info.inputs.find((candidate) => candidate.name === config.input.name)!;
  const { sampleShape } = sampleShapeOf(path, input.name, input.dims);
  const space = inputSpaceOf(config.input, path);
  if (space.sampleSize !== sampleShape.reduce((a, b) => a * b, 1)) {
    throw new InputError(
      path,
      `takes inputs of shape [${sampleShape.join(', ')}], which is not a ${config.input.channels}×${config.input.height}×${config.input.width} image`,
    );
  }
  const embedding = findEmbeddingTensor(loaded, config);
  const hidden = chooseLayers(loaded, embedding, config.logits);
  const tap = await LayerTap.open(loaded, input.name, sampleShape, hidden, config.logits, options.batchSize);
  const opened: { forward?: ForwardModel; gradients?: GradientModel } = {};
  try {
    if (options.gradients) opened.gradients = await openGradients(loaded, config, options.batchSize);
    else
      opened.forward = await forwardModelOf(loaded, { logits: config.logits, batchSize: options.batchSize });
  } catch (error) {
    await tap.release();
    throw error;
  }
  const predictor = opened.gradients ?? opened.forward!;
  return {
    loaded,
    config,
    space,
    tap,
    layerNames: [...hidden, config.logits],
    embeddingLayer: hidden.length - 1,
    classes: predictor.numClasses,
    predict: (x, n) => predictor.predict(x, n),
    gradients: opened.gradients,
    release: async () => {
      await tap.release();
      await predictor.release();
    },
  };
}

async function openGradients(
  loaded: LoadedModel,
  config: ModelConfig,
  batchSize: number,
): Promise<GradientModel> {
  try {
    return await gradientModelOf(loaded, { logits: config.logits, batchSize });
  } catch (error) {
    if (error instanceof UnsupportedOpError) {
      throw new InputError(
        loaded.path,
        `the fused detector crafts attacks with the model's gradients, which are not available (op ${error.opType} at node "${error.nodeName}" has no backward rule); ` +
          'choose a detector that needs forward passes only, e.g. --scorer mahalanobis',
      );
    }
    throw error;
  }
}
