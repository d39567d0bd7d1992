/** Samples to label next (MARGIN case VI): which unlabelled samples should be labelled next? */
import type { TaskDefinition } from '../types';
import { rankSamplesToLabel } from './rankSamplesToLabel';
import { ACQUIRE_SCORERS } from './scorers';

export const acquireTask: TaskDefinition = {
  name: 'acquire',
  title: 'Samples to label next',
  question: 'Which unlabelled samples should be labelled next?',
  datasets: {
    data: {
      required: true,
      labels: 'required',
      hint: 'the dataset with some labels missing (an empty CSV cell, null in JSONL, −1 in a .npy labels file)',
    },
  },
  model: 'optional',
  defaultK: 20,
  scorers: ACQUIRE_SCORERS,
  // docs/results.md: the best after 100 and after 200 labels, under both spreaders.
  defaultScorer: 'nearest-label',
  columns: [
    {
      key: 'batch',
      title: 'In batch',
      kind: 'text',
      description: '"yes" for the first --count samples: the batch to label next',
    },
    {
      key: 'suggested',
      title: 'Suggested',
      kind: 'label',
      description: 'the label that label spreading from the labelled samples gives it',
    },
    {
      key: 'confidence',
      title: 'Confidence',
      kind: 'number',
      description: "label spreading's probability for the suggested label",
    },
    { key: 'predicted', title: 'Predicted', kind: 'label', description: "the model's predicted class" },
    {
      key: 'value',
      title: 'Scorer value',
      kind: 'number',
      description:
        "the scorer's value when the sample was placed (nearest-label: the expected number of samples it sets right; facility, coverage: the coverage it adds; " +
        'margin: influence × (1 − reach); uncertainty: entropy; degree: degree)',
    },
  ],
  run: rankSamplesToLabel,
};
