/** Label issues (MARGIN case III): which samples are most likely mislabeled? */
import type { TaskDefinition } from '../types';
import { rankLabelIssues } from './rankLabelIssues';
import { LABEL_SCORERS } from './scorers';

export const labelsTask: TaskDefinition = {
  name: 'labels',
  title: 'Label issues',
  question: 'Which samples are most likely mislabeled, and what should their label be?',
  datasets: {
    data: { required: true, labels: 'required', hint: 'the labelled dataset to check' },
  },
  model: 'optional',
  defaultK: 20,
  scorers: LABEL_SCORERS,
  // Measured best on held-out Fashion-MNIST and on the text corpus (docs/results.md): it pools the model's
  // probabilities with the neighbours' labels, with weights fitted to the user's own labels.
  defaultScorer: 'fused',
  columns: [
    { key: 'label', title: 'Given label', kind: 'label', description: 'the label the dataset gives' },
    {
      key: 'suggested',
      title: 'Suggested',
      kind: 'label',
      description:
        "the most likely true label by the scorer's evidence (the neighbours' majority for margin and disagreement)",
      contrastWith: 'label',
    },
    { key: 'predicted', title: 'Predicted', kind: 'label', description: "the model's predicted class" },
  ],
  run: rankLabelIssues,
};
