/** Boundary samples: Which samples confuse the model: which lie near its decision boundary? */
import { NotImplementedError } from '../../../core/errors';
import type { TaskDefinition } from '../types';

// Placeholder until the task lands: registered so that asking for it says so plainly.
export const boundaryTask: TaskDefinition = {
  name: 'boundary',
  title: 'Boundary samples',
  question: 'Which samples confuse the model: which lie near its decision boundary?',
  datasets: { data: { required: true, labels: 'unused', hint: 'the dataset to rank' } },
  model: 'optional',
  defaultK: 30,
  scorers: [{ name: 'margin', description: 'MARGIN' }],
  defaultScorer: 'margin',
  columns: [],
  run: async () => {
    throw new NotImplementedError('the boundary task is not available yet in this version');
  },
};
