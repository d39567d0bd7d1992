/** Label issues (MARGIN case III): which samples are most likely mislabeled? */
import type { TaskDefinition } from '../types';
import { rankLabelIssues } from './rankLabelIssues';

export const labelsTask: TaskDefinition = {
  name: 'labels',
  title: 'Label issues',
  question: 'Which samples are most likely mislabeled, and what should their label be?',
  datasets: {
    data: { required: true, labels: 'required', hint: 'the labelled dataset to check' },
  },
  model: 'optional',
  defaultK: 20,
  scorers: [
    {
      name: 'margin',
      description:
        'MARGIN high-pass |f − A f| of the share of neighbours whose label differs (Anirudh et al., case III)',
    },
  ],
  defaultScorer: 'margin',
  columns: [
    { key: 'label', title: 'Given label', kind: 'label', description: 'the label the dataset gives' },
    {
      key: 'suggested',
      title: 'Suggested',
      kind: 'label',
      description: "the majority label of the sample's neighbours",
      contrastWith: 'label',
    },
    { key: 'predicted', title: 'Predicted', kind: 'label', description: "the model's predicted class" },
  ],
  run: rankLabelIssues,
};
