import type { ScorerSpec } from '../types';

/**
 * The labels task's scorers, in the order the help and docs list them (the
 * default first). This list is the one source of their names: `margin
 * calibrate` runs every entry.
 */
export const LABEL_SCORERS: ScorerSpec[] = [
  {
    name: 'fused',
    description:
      "posterior probability that the label was flipped, from a noisy-channel model fitted to the given labels by maximum likelihood: the model's class probabilities, calibrated per class, and the neighbours' label shares pooled as a product of experts (without a model: an out-of-fold logistic regression on the points)",
  },
  {
    name: 'margin',
    description:
      'MARGIN high-pass |f − A f| of the share of neighbours whose label differs (Anirudh et al., case III)',
  },
  {
    name: 'disagreement',
    description: 'f itself: the share of neighbours whose label differs (the function MARGIN filters)',
  },
  {
    name: 'confidence',
    description:
      "1 − p(given label), the model's self-confidence (without a model: an out-of-fold logistic regression on the points)",
  },
  {
    name: 'spread',
    description:
      'label spreading (Zhou et al. 2004, α = 0.9) of the given labels over the kNN graph; score 1 − the spread share of the given label',
  },
  {
    name: 'confident-learning',
    description:
      "confident learning (Northcutt et al. 2021) as cleanlab's find_label_issues (prune by noise rate, per-class thresholds): flagged samples first, each group by 1 − p(given label)",
  },
];
