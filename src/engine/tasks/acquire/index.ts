/** Samples to label next: Which unlabelled samples should be labelled next? */
import { NotImplementedError } from '../../../core/errors';
import type { TaskDefinition } from '../types';

// Placeholder until the task lands: registered so that asking for it says so plainly.
export const acquireTask: TaskDefinition = {
  name: 'acquire',
  title: 'Samples to label next',
  question: 'Which unlabelled samples should be labelled next?',
  datasets: { data: { required: true, labels: 'unused', hint: 'the dataset to rank' } },
  model: 'optional',
  defaultK: 20,
  scorers: [{ name: 'margin', description: 'MARGIN' }],
  defaultScorer: 'margin',
  columns: [],
  run: async () => {
    throw new NotImplementedError('the acquire task is not available yet in this version');
  },
};
