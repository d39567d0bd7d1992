/** Prototypes and criticisms: Which samples summarise the data, and which does it fail to cover? */
import { NotImplementedError } from '../../../core/errors';
import type { TaskDefinition } from '../types';

// Placeholder until the task lands: registered so that asking for it says so plainly.
export const prototypesTask: TaskDefinition = {
  name: 'prototypes',
  title: 'Prototypes and criticisms',
  question: 'Which samples summarise the data, and which does it fail to cover?',
  datasets: { data: { required: true, labels: 'unused', hint: 'the dataset to rank' } },
  model: 'optional',
  defaultK: 20,
  scorers: [{ name: 'margin', description: 'MARGIN' }],
  defaultScorer: 'margin',
  columns: [],
  run: async () => {
    throw new NotImplementedError('the prototypes task is not available yet in this version');
  },
};
