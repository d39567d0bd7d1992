/** Prototypes and criticisms (MARGIN case I): which samples summarise the data, and which does it fail to cover? */
import type { TaskDefinition } from '../types';
import { selectPrototypes } from './selectPrototypes';

export const prototypesTask: TaskDefinition = {
  name: 'prototypes',
  title: 'Prototypes and criticisms',
  question: 'Which samples summarise the data, and which does it fail to cover?',
  datasets: {
    data: {
      required: true,
      labels: 'optional',
      hint: 'the dataset to summarise (with labels: per class; without: as a whole)',
    },
  },
  model: 'optional',
  defaultK: 20,
  scorers: [
    {
      name: 'contrastive',
      description:
        'greedy facility location on an RBF kNN similarity graph that also charges resemblance to other classes’ prototypes ' +
        '(λ = 0.5); score = similarity to the nearest other-class prototype − to the nearest own-class one',
    },
    {
      name: 'facility-location',
      description:
        'greedy facility location per class on an RBF kNN similarity graph, classes in turn; score = 1 − similarity to the nearest prototype',
    },
    {
      name: 'mmd-critic',
      description:
        'MMD-critic (Kim, Khanna & Koyejo, NeurIPS 2016): greedy MMD prototypes (per-class kernel with labels), criticisms by the ' +
        'witness function with the log-det regulariser; score = |witness|',
    },
    {
      name: 'margin',
      description:
        'MARGIN (Anirudh et al., case I): f(i) = MMD(X̄ᵢ, X̄ᵢ ∪ {xᵢ}) on the kNN graph, criticisms by high-pass influence I, ' +
        'prototypes among low-I samples by f; score = I',
    },
  ],
  defaultScorer: 'contrastive',
  columns: [
    {
      key: 'label',
      title: 'Label',
      kind: 'label',
      description: 'the label the dataset gives (prototypes are chosen within it)',
    },
    {
      key: 'role',
      title: 'Role',
      kind: 'text',
      description: 'prototype or criticism, when the sample is in one of the lists',
    },
    {
      key: 'place',
      title: 'Place',
      kind: 'text',
      description: 'the sample’s position in its list (1 = first)',
    },
    {
      key: 'nearestPrototype',
      title: 'Nearest prototype',
      kind: 'text',
      description: 'the prototype of its class that represents the sample best',
    },
    {
      key: 'coverage',
      title: 'Coverage',
      kind: 'number',
      description: 'RBF similarity to that prototype (1 = a prototype, 0 = not represented)',
    },
  ],
  run: selectPrototypes,
};
