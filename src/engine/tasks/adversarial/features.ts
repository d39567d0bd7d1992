/**
 * The detectors' per-sample features, computed against the statistics of one
 * fold of the clean reference: Mahalanobis distance to the closest class
 * (tied covariance, Lee et al. 2018) and LID (Ma et al. 2018) on every tapped
 * layer, the class-conditional KDE (Feinman et al. 2017) and MMD-global on the
 * penultimate features, and the fold-independent ones: squeezing changes (Xu
 * et al. 2018), the pixel noise residual, the softmax's entropy and maximum,
 * and the loss gradient's norm.
 */
import {
  BANDWIDTH_FACTORS,
  classKernelDensity,
  medianDistance,
  mmdGlobal,
  selectBandwidth,
} from '../../../core/adversarial/kernelDensity';
import { lidScores } from '../../../core/adversarial/lid';
import {
  fitTiedGaussians,
  mahalanobisScores,
  type TiedGaussians,
} from '../../../core/adversarial/mahalanobis';
import { softmaxRows } from '../../../core/softmax';
import type { ComputeOptions, DenseMatrix } from '../../../core/types';
import type { Probe } from './probe';

/** Statistics of the clean reference samples of one fold. */
export interface FoldStats {
  gaussians: TiedGaussians[];
  /** Per-layer features of the fold's samples (LID draws its mini-batches from them). */
  layers: DenseMatrix[];
  /** The fold's class codes (model class indices). */
  classes: Int32Array;
  /** Which layer is the penultimate one (KDE and MMD-global read it). */
  embeddingLayer: number;
  bandwidth: number;
}

export function fitFoldStats(probe: Probe, classes: Int32Array, embeddingLayer: number): FoldStats {
  const embedding = probe.layers[embeddingLayer];
  const median = medianDistance(embedding);
  return {
    gaussians: probe.layers.map((layer) => fitTiedGaussians(layer, classes)),
    layers: probe.layers,
    classes,
    embeddingLayer,
    bandwidth: selectBandwidth(
      embedding,
      classes,
      BANDWIDTH_FACTORS.map((factor) => factor * median),
    ),
  };
}

export type FeatureFamily = 'mahalanobis' | 'lid' | 'kde' | 'mmd-global' | 'model-free';

export const LID_K = 20;
export const LID_BATCH = 100;

/** Feature columns by name: `mahalanobis@i`, `lid@i` (layer i), `kde`, `mmd-global`, `squeeze:<squeezer>`, … */
export type Features = Map<string, Float64Array>;

export async function foldFeatures(
  probe: Probe,
  stats: FoldStats,
  families: ReadonlySet<FeatureFamily>,
  seed: number,
  options: ComputeOptions = {},
): Promise<Features> {
  const features: Features = new Map();
  const layerCount = probe.layers.length;
  if (families.has('mahalanobis')) {
    for (let layer = 0; layer < layerCount; layer++) {
      features.set(
        `mahalanobis@${layer}`,
        mahalanobisScores(probe.layers[layer], stats.gaussians[layer]).distance,
      );
    }
  }
  if (families.has('lid')) {
    for (let layer = 0; layer < layerCount; layer++) {
      const lid = await lidScores(probe.layers[layer], stats.layers[layer], {
        k: LID_K,
        batchSize: LID_BATCH,
        seed: seed + 7919 * layer,
        signal: options.signal,
      });
      features.set(`lid@${layer}`, lid);
    }
  }
  const embedding = probe.layers[stats.embeddingLayer];
  const reference = stats.layers[stats.embeddingLayer];
  if (families.has('kde')) {
    features.set(
      'kde',
      await classKernelDensity(embedding, probe.predicted, reference, stats.classes, stats.bandwidth, {
        signal: options.signal,
      }),
    );
  }
  if (families.has('mmd-global')) {
    features.set(
      'mmd-global',
      await mmdGlobal(embedding, reference, stats.bandwidth, { signal: options.signal }),
    );
  }
  if (families.has('model-free'))
    for (const [name, values] of modelFreeFeatures(probe)) features.set(name, values);
  return features;
}

/** The features that need no reference statistics. */
export function modelFreeFeatures(probe: Probe): Features {
  const features: Features = new Map();
  for (const [name, values] of Object.entries(probe.squeeze.change)) features.set(`squeeze:${name}`, values);
  features.set('residual', probe.squeeze.residual);
  const probabilities = softmaxRows(probe.logits.data, probe.logits.dim);
  const entropy = new Float64Array(probe.n);
  const top = new Float64Array(probe.n);
  for (let i = 0; i < probe.n; i++) {
    let h = 0;
    let max = 0;
    for (let j = 0; j < probe.logits.dim; j++) {
      const p = probabilities[i * probe.logits.dim + j];
      if (p > 0) h -= p * Math.log(p);
      if (p > max) max = p;
    }
    entropy[i] = h;
    top[i] = max;
  }
  features.set('entropy', entropy);
  features.set('max-probability', top);
  if (probe.gradientNorm) features.set('gradient-norm', probe.gradientNorm);
  return features;
}

/** The closest class of each sample by Mahalanobis distance on the penultimate layer. */
export function closestClass(probe: Probe, gaussians: TiedGaussians, embeddingLayer: number): Int32Array {
  return mahalanobisScores(probe.layers[embeddingLayer], gaussians).nearestClass;
}
