import type { ScorerSpec } from '../types';

/** The boundary task's scorers, in the order the help and docs list them (the default first). */
export const BOUNDARY_SCORERS: ScorerSpec[] = [
  {
    name: 'combined',
    description:
      "logistic combination of the model's doubt 1 − p(predicted) with reference evidence (share of the 10/30/100 nearest reference samples labelled as predicted; trust score), fitted on the reference's own mistakes and used when cross-validation there says it beats the doubt alone; without a reference, 1 − p(predicted)",
  },
  {
    name: 'margin',
    description:
      'MARGIN high-pass |f − A f| of the share of kNN neighbours (k = 30 unless --k says otherwise) whose predicted class differs (Anirudh et al., case IV)',
  },
  {
    name: 'confidence',
    description: '1 − p(predicted): the maximum-softmax baseline (Hendrycks & Gimpel, ICLR 2017)',
  },
  { name: 'entropy', description: 'entropy of the softmax, −Σ p log p' },
  {
    name: 'margin-gap',
    description: '1 − (p₁ − p₂): one minus the gap between the two largest class probabilities',
  },
  {
    name: 'trust-score',
    description:
      'trust score (Jiang et al., NeurIPS 2018) on the labelled reference: distance to the nearest α-filtered (α = 0.05, k = 10) reference sample of another class over that to the predicted class; score 1 / (1 + trust)',
    needs: { reference: true },
  },
  {
    name: 'boundary-distance',
    description:
      'linearised distance to the boundary with the runner-up class, (z₁ − z₂) / ‖∇ₓ(z₁ − z₂)‖, from one gradient per sample through the ONNX model; score 1 / (1 + distance)',
    needs: { model: true },
  },
];

/** Scorers that read the reference set when one is given. */
export const SCORERS_USING_REFERENCE = ['combined', 'trust-score'];
