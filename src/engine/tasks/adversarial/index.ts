/** Adversarial inputs: Which inputs were tampered with? */
import { NotImplementedError } from '../../../core/errors';
import type { TaskDefinition } from '../types';

// Placeholder until the task lands: registered so that asking for it says so plainly.
export const adversarialTask: TaskDefinition = {
  name: 'adversarial',
  title: 'Adversarial inputs',
  question: 'Which inputs were tampered with?',
  datasets: { data: { required: true, labels: 'unused', hint: 'the dataset to rank' } },
  model: 'optional',
  defaultK: 20,
  scorers: [{ name: 'margin', description: 'MARGIN' }],
  defaultScorer: 'margin',
  columns: [],
  run: async () => {
    throw new NotImplementedError('the adversarial task is not available yet in this version');
  },
};
