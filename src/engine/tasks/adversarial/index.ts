/** Adversarial inputs (MARGIN case V): which inputs were tampered with? */
import type { TaskDefinition } from '../types';
import { detectAdversarialInputs } from './runAdversarial';
import { ADVERSARIAL_SCORERS } from './scorers';

export const adversarialTask: TaskDefinition = {
  name: 'adversarial',
  title: 'Adversarial inputs',
  question: 'Which inputs were tampered with?',
  datasets: {
    data: {
      required: true,
      labels: 'unused',
      hint: 'the samples under test (their labels, if any, are never used)',
    },
    reference: {
      required: true,
      labels: 'required',
      hint: 'pass a clean labelled set the model classifies well with --reference PATH (and --reference-labels PATH unless the labels come with it, e.g. an image folder), such as part of the training or validation data',
    },
  },
  model: 'required',
  defaultK: 20,
  scorers: ADVERSARIAL_SCORERS.map(({ name, description, needs }) => ({ name, description, needs })),
  defaultScorer: 'fused',
  columns: [
    { key: 'predicted', title: 'Predicted', kind: 'label', description: "the model's predicted class" },
    {
      key: 'closest',
      title: 'Closest class',
      kind: 'label',
      description:
        'the class whose clean reference samples are closest (Mahalanobis distance, penultimate layer)',
      contrastWith: 'predicted',
    },
    {
      key: 'squeezing',
      title: 'Squeezing change',
      kind: 'number',
      description: 'largest L1 change of the softmax when the input is squeezed (4-bit depth, 3×3 median)',
    },
  ],
  run: detectAdversarialInputs,
};
