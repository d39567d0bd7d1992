import {
  degreeOrder,
  facilityLocationOrder,
  knnDensity,
  marginAcquisitionOrder,
  nearestLabelOrder,
  maxCoverageOrder,
  orderByScore,
  randomOrder,
  rowEntropy,
  uncertaintyDensityOrder,
  type AcquisitionOrder,
  type Spreading,
} from '../../../core/acquire';
import type { FilterVariant, ShiftOperator } from '../../../core/margin';
import type { ComputeOptions } from '../../../core/types';
import type { ScorerSpec } from '../types';
import type { AcquisitionGraphs } from './graphs';

/** The seed of the `random` scorer, so that the same scan gives the same batch. */
export const RANDOM_SEED = 20240611;

export const ACQUIRE_SCORERS: ScorerSpec[] = [
  {
    name: 'nearest-label',
    description:
      'greedy expected accuracy of the nearest label: each sample takes the label of its most similar labelled (or picked) sample, ' +
      "and each pick raises the expected number of right labels the most, P(same class) from the model's class probabilities; " +
      'picks go where the nearest label is likely wrong (ours). Without a model: facility location',
  },
  {
    name: 'facility',
    description:
      'greedy facility location on Gaussian kNN similarities: each pick stands for the most unlabelled samples the labelled ones do not ' +
      "yet stand for; per predicted class when a model gives class probabilities (Krause & Golovin 2014's greedy; class-aware coverage is ours)",
  },
  {
    name: 'coverage',
    description:
      'greedy maximum coverage of kNN neighbourhoods, ProbCover-style (Yehuda et al. 2022); covered twice counts half',
  },
  {
    name: 'margin',
    description:
      'MARGIN: high-pass influence of the spread label signal (where the suggested label changes) × how little of the labelled set reaches the sample; ' +
      'no two neighbours per pass',
  },
  {
    name: 'uncertainty-density',
    description: 'entropy of label spreading × local kNN density; no two neighbours per pass',
  },
  { name: 'uncertainty', description: 'entropy of label spreading (Zhou et al. 2004), highest first' },
  { name: 'degree', description: 'degree in the kNN graph, highest first' },
  { name: 'random', description: `a seeded random order (seed ${RANDOM_SEED})` },
];

/** The model's view of the classes, for the class-aware facility location. */
export interface ClassProbabilities {
  /** n × G softmax of the model's logits. */
  values: Float64Array;
  numGroups: number;
  /** Model class of every labelled node, −1 for unlabelled ones. */
  labelledGroup: Int32Array;
}

export interface AcquisitionInputs extends AcquisitionGraphs {
  /** Class code of every node, −1 when unlabelled. */
  labels: Int32Array;
  spreading: Spreading;
  classProbabilities?: ClassProbabilities;
  operator?: ShiftOperator;
  variant?: FilterVariant;
  seed?: number;
}

/** The order in which `scorer` would have the unlabelled nodes labelled, best first. */
export async function acquisitionOrder(
  scorer: string,
  inputs: AcquisitionInputs,
  options: ComputeOptions = {},
): Promise<AcquisitionOrder> {
  const { graph, similarity, knn, labels, spreading } = inputs;
  switch (scorer) {
    case 'nearest-label': {
      const model = inputs.classProbabilities;
      // Without the model's class probabilities, facility location's plain coverage measured better
      // than nearest-label on label spreading's probabilities (docs/results.md, "without a model").
      if (!model) return acquisitionOrder('facility', inputs, options);
      return nearestLabelOrder(similarity, model.labelledGroup, {
        ...options,
        classProbabilities: model.values,
        numGroups: model.numGroups,
      });
    }
    case 'facility': {
      const model = inputs.classProbabilities;
      if (!model)
        return facilityLocationOrder(
          similarity,
          labels.map((label) => (label >= 0 ? 0 : -1)),
          options,
        );
      return facilityLocationOrder(similarity, model.labelledGroup, {
        ...options,
        classProbabilities: model.values,
        numGroups: model.numGroups,
      });
    }
    case 'coverage':
      return maxCoverageOrder(graph, labels, options);
    case 'margin':
      return marginAcquisitionOrder(graph, spreading, labels, {
        operator: inputs.operator,
        variant: inputs.variant,
        signal: options.signal,
      });
    case 'uncertainty-density':
      return uncertaintyDensityOrder(graph, entropyOf(spreading), knnDensity(knn), labels);
    case 'uncertainty':
      return orderByScore(entropyOf(spreading), labels);
    case 'degree':
      return degreeOrder(graph, labels);
    case 'random':
      return randomOrder(labels, inputs.seed ?? RANDOM_SEED);
    default:
      throw new RangeError(`unknown acquire scorer '${scorer}'`);
  }
}

function entropyOf(spreading: Spreading): Float64Array {
  return rowEntropy(spreading.probabilities, spreading.n, spreading.numClasses);
}
