/**
 * The adversarial task's scorers: each is a suspicion score per sample (higher
 * = more likely tampered with), computed from the features of features.ts.
 */
import type { Squeezer } from '../../../model/adversarial';
import type { ScorerSpec } from '../types';
import type { FeatureFamily } from './features';

export interface AdversarialScorer extends ScorerSpec {
  families: FeatureFamily[];
  /** Crafts attacks on the reference, so needs the model's gradients. */
  needsGradients?: boolean;
  /** MARGIN over another scorer: the high-pass response of that score on the reference + data graph. */
  marginOver?: string;
}

export const ADVERSARIAL_SCORERS: AdversarialScorer[] = [
  {
    name: 'fused',
    description:
      'logistic regression on all the features below (Mahalanobis and LID on every tapped layer, KDE, squeezing, pixel noise residual, ' +
      'softmax entropy and maximum, loss-gradient norm), fitted on the clean reference vs FGSM and PGD crafted on it at ε = 0.05 and 0.2',
    needs: { reference: true, model: true },
    families: ['mahalanobis', 'lid', 'kde', 'model-free'],
    needsGradients: true,
  },
  {
    name: 'mahalanobis',
    description:
      'Mahalanobis distance to the closest class mean, tied covariance (Lee et al. 2018), summed over the hidden layers as z-scores',
    needs: { reference: true, model: true },
    families: ['mahalanobis'],
  },
  {
    name: 'mahalanobis-last',
    description: 'Mahalanobis distance to the closest class mean on the penultimate layer only',
    needs: { reference: true, model: true },
    families: ['mahalanobis'],
  },
  {
    name: 'lid',
    description:
      'local intrinsic dimensionality, MLE over k = 20 of 100 reference samples per mini-batch (Ma et al. 2018), summed over the hidden layers as z-scores',
    needs: { reference: true, model: true },
    families: ['lid'],
  },
  {
    name: 'lid-last',
    description: 'local intrinsic dimensionality on the penultimate layer only',
    needs: { reference: true, model: true },
    families: ['lid'],
  },
  {
    name: 'kde',
    description:
      'kernel density under the reference samples of the predicted class, penultimate layer (Feinman et al. 2017), as −log density',
    needs: { reference: true, model: true },
    families: ['kde'],
  },
  {
    name: 'mmd-global',
    description:
      'MMD²(R, R ∪ {x}): how far the clean reference distribution R moves when the sample joins it (MMD-global as defined here after the MARGIN paper)',
    needs: { reference: true, model: true },
    families: ['mmd-global'],
  },
  {
    name: 'margin-kde',
    description:
      "MARGIN: high-pass |f − A f| of the KDE score on the kNN graph of reference + data samples (the paper's case V)",
    needs: { reference: true, model: true },
    families: ['kde'],
    marginOver: 'kde',
  },
  {
    name: 'margin-mmd',
    description: 'MARGIN: high-pass |f − A f| of MMD-global on the kNN graph of reference + data samples',
    needs: { reference: true, model: true },
    families: ['mmd-global'],
    marginOver: 'mmd-global',
  },
  {
    name: 'squeezing',
    description:
      'feature squeezing (Xu et al. 2018): largest L1 change of the softmax under 4-bit depth reduction or 3×3 median smoothing',
    needs: { model: true },
    families: ['model-free'],
  },
  {
    name: 'residual',
    description:
      'pixel noise residual, mean |u − median₃ₓ₃(u)|, computed from the input alone (L∞ attacks add noise where clean images are flat)',
    needs: { model: true },
    families: ['model-free'],
  },
];

export function adversarialScorer(name: string): AdversarialScorer {
  const scorer = ADVERSARIAL_SCORERS.find((candidate) => candidate.name === name);
  if (!scorer) throw new RangeError(`no adversarial scorer "${name}"`);
  return scorer;
}

/** The squeezers the `squeezing` scorer takes the largest change of (4-bit measured better than 1-bit on grey images; docs/results.md). */
export const SCORER_SQUEEZERS: Squeezer[] = ['bit-depth-4', 'median-3x3'];
