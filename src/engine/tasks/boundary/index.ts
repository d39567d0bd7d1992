/** Boundary samples (MARGIN case IV): which samples confuse the model: which lie near its decision boundary? */
import type { TaskDefinition } from '../types';
import { rankBoundarySamples } from './rankBoundarySamples';
import { BOUNDARY_SCORERS } from './scorers';

export const boundaryTask: TaskDefinition = {
  name: 'boundary',
  title: 'Boundary samples',
  question: 'Which samples confuse the model: which lie near its decision boundary?',
  datasets: {
    data: {
      required: true,
      labels: 'optional',
      hint: "the dataset to rank (labels not needed: the model's predictions are used)",
    },
    reference: {
      required: false,
      labels: 'required',
      hint: 'a labelled set in the same form (e.g. the training set), with --reference-labels if its labels are in a separate file',
    },
  },
  model: 'required',
  defaultK: 30,
  scorers: BOUNDARY_SCORERS,
  // Measured best on held-out Fashion-MNIST (docs/results.md): with the training set as reference, AUROC 0.927
  // for the model's mistakes (next best: trust-score 0.909); without a reference it is 1 − p(predicted), 0.904,
  // itself the best measured without one (entropy 0.902, margin-gap 0.901, MARGIN 0.830).
  defaultScorer: 'combined',
  columns: [
    {
      key: 'predicted',
      title: 'Predicted',
      kind: 'label',
      description: "the model's predicted class",
      contrastWith: 'label',
    },
    {
      key: 'runnerUp',
      title: 'Runner-up',
      kind: 'label',
      description: 'the class with the second largest logit',
    },
    {
      key: 'confidence',
      title: 'p(predicted)',
      kind: 'number',
      description: "the model's softmax probability of its prediction",
    },
    {
      key: 'label',
      title: 'Given label',
      kind: 'label',
      description: 'the label the dataset gives, when it has one',
    },
  ],
  run: rankBoundarySamples,
};
