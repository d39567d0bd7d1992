/**
 * The results' metrics as sentences a reviewer reads, not the engine's keys.
 * Pure. Known metrics get a sentence of their own (in a fixed order, the ones
 * that say most first); any other key is humanised ("meanDisagreement" →
 * "Mean disagreement: 0.3438"), so a new metric still reads as words.
 */
import { formatMetric } from './format';

export interface MetricSentence {
  /** The metric's key (the engine's name), for tests and tooltips. */
  key: string;
  text: string;
}

type Metrics = Readonly<Record<string, number>>;

const count = (value: number) => Math.round(value).toLocaleString('en-US');
const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
const plural = (value: number, singular: string, many = `${singular}s`) =>
  `${count(value)} ${Math.round(value) === 1 ? singular : many}`;

/** Sentence of each known metric; `all` holds every metric (some sentences compare two). */
const SENTENCES: Record<string, (value: number, all: Metrics) => string> = {
  estimatedIssues: (value, all) =>
    `Estimated label issues: ${count(value)}${all.samples !== undefined ? ` of ${count(all.samples)}` : ''} (cut-off marked in the list)`,
  estimatedNoiseRate: (value) => `Estimated share of wrong labels: ${percent(value)}`,
  suggestedDiffersFromGiven: (value) =>
    `${plural(value, 'sample')}: the suggested label differs from the given one`,
  confidentJointIssues: (value) => `Confident learning counts ${plural(value, 'likely label issue')}`,
  confidentLearningFlagged: (value) => `Confident learning flags ${plural(value, 'sample')}`,
  meanDisagreement: (value) => `On average ${percent(value)} of a sample's neighbours carry another label`,
  predictionDiffersFromLabel: (value) =>
    `${plural(value, 'sample')}: the model's prediction differs from the given label`,
  aurocForPredictionDiffersFromLabel: (value) =>
    `The score finds those disagreements with an AUROC of ${value.toFixed(3)}`,
  meanConfidence: (value) => `Mean confidence of the model: ${percent(value)}`,
  predictedClasses: (value) => `The model predicts ${plural(value, 'class', 'classes')}`,
  samples: (value) => `${plural(value, 'sample')} scored`,
  labelled: (value) => `${plural(value, 'labelled sample')}`,
  unlabelled: (value) => `${plural(value, 'unlabelled sample')}`,
  batch: (value) => `Batch to label next: ${plural(value, 'sample')}`,
  meanBatchConfidence: (value) => `Mean confidence of the suggestions in the batch: ${percent(value)}`,
  duplicates: (value) => `${plural(value, 'near-duplicate')} found`,
  spreadingIterations: (value) => `Label spreading took ${plural(value, 'iteration')}`,
  classes: (value) => `${plural(value, 'class', 'classes')}`,
  edges: (value) => `${plural(value, 'neighbour link')} in the kNN graph`,
  referenceSamples: (value) => `${plural(value, 'reference sample')}`,
  referenceUsed: (value) => `${plural(value, 'reference sample')} used to fit the detector`,
  referenceMisclassified: (value) => `${plural(value, 'reference sample')} the model misclassifies, left out`,
  referenceKeptByDensityFilter: (value) => `${plural(value, 'reference sample')} kept by the density filter`,
  hiddenLayers: (value) => `${plural(value, 'hidden layer')} read`,
  kdeBandwidth: (value) => `Density bandwidth: ${formatMetric(value)}`,
  fusedTrainingAttacks: (value) => `${plural(value, 'successful training attack')} fused into the detector`,
  prototypes: (value) => `${plural(value, 'prototype')}`,
  criticisms: (value) => `${plural(value, 'criticism')}`,
};

const ORDER = Object.keys(SENTENCES);

/** "meanDisagreement" → "Mean disagreement", "predicted T-shirt" → "Predicted T-shirt". */
export function humaniseKey(key: string): string {
  const words = key
    // A capital that starts a camelCase word becomes a space and its lower case; runs of capitals (AUROC) stay.
    .replace(/(?<=[a-z0-9])([A-Z])(?=[a-z])/g, (capital: string) => ` ${capital.toLowerCase()}`)
    .replace(/(?<=[a-z0-9])(?=[A-Z])/g, ' ')
    .replace(/_+/g, ' ')
    .trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Every metric as a sentence: known ones in ORDER, then the others as they came. */
export function describeMetrics(metrics: Metrics | undefined): MetricSentence[] {
  if (!metrics) return [];
  const keys = Object.keys(metrics);
  const known = ORDER.filter((key) => key in metrics);
  const others = keys.filter((key) => !(key in SENTENCES));
  return [
    ...known.map((key) => ({ key, text: SENTENCES[key](metrics[key], metrics) })),
    ...others.map((key) => ({ key, text: `${humaniseKey(key)}: ${formatMetric(metrics[key])}` })),
  ];
}
