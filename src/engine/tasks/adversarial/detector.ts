/**
 * Fitting the detectors on a clean labelled reference, and scoring data under
 * test with them. The reference is split in two folds: each fold's class
 * means, covariances, LID mini-batches and KDE samples score the OTHER fold's
 * samples (so reference scores are honest out-of-fold values, for z-scores,
 * the fused detector's training and the histogram), and the data under test
 * gets the mean of its scores under both folds.
 *
 * Only reference samples the model classifies as their label are used (the
 * standard protocol's "clean, correctly classified"): this also drops most
 * mislabelled references. The data's labels are never read.
 */
import { graphFromKnn } from '../../../core/csr';
import { InputError } from '../../../core/errors';
import { fitTiedGaussians, type TiedGaussians } from '../../../core/adversarial/mahalanobis';
import { sampleWithoutReplacement, seededUniform } from '../../../core/random';
import { logisticDecision } from '../../../core/logisticRegression';
import { highPassInfluence } from '../../../core/margin';
import type { DenseMatrix, KnnSearch } from '../../../core/types';
import { ortKnn } from '../../../model';
import type { FilterVariant, ShiftOperator } from '../../../protocol/engine';
import { stageOptions, type JobContext } from '../../context';
import type { AdversarialModel } from './adversarialModel';
import {
  closestClass,
  fitFoldStats,
  foldFeatures,
  type FeatureFamily,
  type Features,
  type FoldStats,
} from './features';
import { fitFusedDetector, FUSED_FAMILIES, type FusedDetector, type TrainingAttack } from './fused';
import { probeInputs, subsetProbe, type Probe } from './probe';
import { adversarialScorer, SCORER_SQUEEZERS } from './scorers';

export const FOLDS = 2;
/** Fewer usable reference samples than this cannot fill two folds with class statistics. */
export const MIN_REFERENCE = 20;

export interface ReferenceSet {
  /** Model inputs, n × sampleSize. */
  x: Float32Array;
  n: number;
  /** Model class index of each sample's label; −1 for none. */
  classes: Int32Array;
  /** Names the reference in error messages. */
  source: string;
  /** The model's class names, for messages. */
  classNames?: string[];
}

export interface FittedDetectors {
  model: AdversarialModel;
  folds: FoldStats[];
  /** The usable reference samples (rows of the given reference), their fold and out-of-fold features. */
  reference: { rows: Int32Array; probe: Probe; fold: Int32Array; features: Features };
  families: Set<FeatureFamily>;
  zscore: Map<string, { mean: number; sd: number }>;
  fused?: FusedDetector;
  /** Class Gaussians of the penultimate layer on the whole usable reference, for the "closest class" column. */
  closest: TiedGaussians;
  seed: number;
  /** How many reference samples were dropped, and why. */
  dropped: { unlabelled: number; misclassified: number };
}

export interface FitOptions {
  scorers: string[];
  seed?: number;
  attacks?: TrainingAttack[];
}

export async function fitDetectors(
  model: AdversarialModel,
  reference: ReferenceSet,
  options: FitOptions,
  context: JobContext,
): Promise<FittedDetectors> {
  const seed = options.seed ?? 0;
  const families = familiesFor(options.scorers);
  const wantsFused = options.scorers.some((name) => adversarialScorer(name).needsGradients);
  const fullProbe = await probeInputs(model, reference.x, reference.n, context, 'reference');

  let unlabelled = 0;
  let misclassified = 0;
  const usable: number[] = [];
  for (let i = 0; i < reference.n; i++) {
    if (reference.classes[i] < 0) unlabelled++;
    else if (reference.classes[i] !== fullProbe.predicted[i]) misclassified++;
    else usable.push(i);
  }
  const rows = Int32Array.from(usable);
  checkReference(reference, rows, unlabelled, misclassified);
  const probe = subsetProbe(fullProbe, rows);
  const classes = Int32Array.from(rows, (row) => reference.classes[row]);

  // Folds: a seeded shuffle dealt round-robin.
  const order = sampleWithoutReplacement(rows.length, rows.length, seededUniform(seed + 17));
  const fold = new Int32Array(rows.length);
  order.forEach((row, position) => (fold[row] = position % FOLDS));
  const folds: FoldStats[] = [];
  for (let f = 0; f < FOLDS; f++) {
    const members = indicesWhere(fold, (value) => value !== f);
    folds.push(
      fitFoldStats(
        subsetProbe(probe, members),
        Int32Array.from(members, (i) => classes[i]),
        model.embeddingLayer,
      ),
    );
  }
  context.progress('scoring the reference', 0, FOLDS);
  const features = await outOfFold(probe, fold, folds, families, seed, context);
  context.progress('scoring the reference', FOLDS, FOLDS);

  const zscore = new Map<string, { mean: number; sd: number }>();
  for (const [name, values] of features) zscore.set(name, meanAndSd(values));

  const fitted: FittedDetectors = {
    model,
    folds,
    reference: { rows, probe, fold, features },
    families,
    zscore,
    closest: fitTiedGaussians(probe.layers[model.embeddingLayer], classes),
    seed,
    dropped: { unlabelled, misclassified },
  };
  if (wantsFused) {
    const x = new Float32Array(rows.length * model.space.sampleSize);
    rows.forEach((row, i) =>
      x.set(
        reference.x.subarray(row * model.space.sampleSize, (row + 1) * model.space.sampleSize),
        i * model.space.sampleSize,
      ),
    );
    const fusedFeatures = new Map([...features].filter(([name]) => name !== 'mmd-global'));
    fitted.fused = await fitFusedDetector(
      model,
      { x, n: rows.length, predicted: probe.predicted, fold, features: fusedFeatures },
      folds,
      seed,
      context,
      options.attacks,
    );
  }
  return fitted;
}

export interface GraphOptions {
  k: number;
  operator: ShiftOperator;
  variant: FilterVariant;
  /**
   * The scan's kNN search (absent: exact search, `ortKnn`). The MARGIN graph
   * joins the reference to the data, so a graph given for the data alone
   * never serves it; the search still picks exact or approximate by size.
   */
  search?: KnnSearch;
}

export interface DataScores {
  /** Per scorer: the data's scores (mean over the folds). */
  scores: Map<string, Float64Array>;
  /** Per scorer: the usable reference samples' out-of-fold scores. */
  referenceScores: Map<string, Float64Array>;
  /** Closest class (Mahalanobis, penultimate layer) of each data sample. */
  closest: Int32Array;
  /** The data's features under each fold's statistics (for evaluations that fit other combinations). */
  features: Features[];
}

export async function scoreData(
  fitted: FittedDetectors,
  probe: Probe,
  scorers: string[],
  graph: GraphOptions,
  context: JobContext,
): Promise<DataScores> {
  const families = familiesFor(scorers);
  const perFold: Features[] = [];
  for (let f = 0; f < fitted.folds.length; f++) {
    context.progress('scoring the data', f, fitted.folds.length);
    perFold.push(
      await foldFeatures(probe, fitted.folds[f], families, fitted.seed + 50_000 + f, {
        signal: context.signal,
      }),
    );
  }
  context.progress('scoring the data', fitted.folds.length, fitted.folds.length);
  const scores = new Map<string, Float64Array>();
  const referenceScores = new Map<string, Float64Array>();
  for (const name of scorers) {
    const scorer = adversarialScorer(name);
    if (scorer.marginOver) continue;
    const folds = perFold.map((features) => scorerValues(name, features, fitted));
    scores.set(name, meanOf(folds));
    referenceScores.set(name, scorerValues(name, fitted.reference.features, fitted));
  }
  for (const name of scorers) {
    const base = adversarialScorer(name).marginOver;
    if (!base) continue;
    const data = scores.get(base) ?? meanOf(perFold.map((features) => scorerValues(base, features, fitted)));
    const reference = referenceScores.get(base) ?? scorerValues(base, fitted.reference.features, fitted);
    const influence = await marginInfluence(
      fitted.reference.probe.layers[fitted.model.embeddingLayer],
      probe.layers[fitted.model.embeddingLayer],
      reference,
      data,
      graph,
      context,
    );
    referenceScores.set(name, influence.subarray(0, reference.length));
    scores.set(name, influence.slice(reference.length));
  }
  return {
    scores,
    referenceScores,
    closest: closestClass(probe, fitted.closest, fitted.model.embeddingLayer),
    features: perFold,
  };
}

/** A scorer's value per sample from one fold's features. */
export function scorerValues(name: string, features: Features, fitted: FittedDetectors): Float64Array {
  const layers = fitted.model.layerNames.length;
  const hidden = Array.from({ length: layers - 1 }, (_, layer) => layer);
  const column = (key: string) => {
    const values = features.get(key);
    if (!values) throw new Error(`feature ${key} was not computed`);
    return values;
  };
  switch (name) {
    case 'mahalanobis':
      return zSum(
        hidden.map((layer) => `mahalanobis@${layer}`),
        features,
        fitted,
      );
    case 'mahalanobis-last':
      return column(`mahalanobis@${fitted.model.embeddingLayer}`);
    case 'lid':
      return zSum(
        hidden.map((layer) => `lid@${layer}`),
        features,
        fitted,
      );
    case 'lid-last':
      return column(`lid@${fitted.model.embeddingLayer}`);
    case 'kde':
    case 'mmd-global':
    case 'residual':
      return column(name);
    case 'squeezing': {
      const [a, b] = SCORER_SQUEEZERS.map((squeezer) => column(`squeeze:${squeezer}`));
      return a.map((value, i) => Math.max(value, b[i]));
    }
    case 'fused': {
      const fused = fitted.fused!;
      const n = column(fused.featureNames[0]).length;
      const dim = fused.featureNames.length;
      const x = new Float64Array(n * dim);
      fused.featureNames.forEach((key, j) => column(key).forEach((value, i) => (x[i * dim + j] = value)));
      return logisticDecision(fused.logistic, x, n);
    }
    default:
      throw new RangeError(`no adversarial scorer "${name}"`);
  }
}

function zSum(keys: string[], features: Features, fitted: FittedDetectors): Float64Array {
  const n = features.get(keys[0])!.length;
  const out = new Float64Array(n);
  for (const key of keys) {
    const { mean, sd } = fitted.zscore.get(key)!;
    const values = features.get(key)!;
    for (let i = 0; i < n; i++) out[i] += (values[i] - mean) / sd;
  }
  return out;
}

/**
 * MARGIN over a detector score (the paper's case V): one kNN graph on the
 * penultimate features of the reference and data samples together, f = the
 * score on every node, influence |f − A f|. Returns the influence of the
 * reference nodes, then of the data nodes.
 */
async function marginInfluence(
  reference: DenseMatrix,
  data: DenseMatrix,
  referenceScores: Float64Array,
  dataScores: Float64Array,
  graph: GraphOptions,
  context: JobContext,
): Promise<Float64Array> {
  const points: DenseMatrix = {
    rows: reference.rows + data.rows,
    dim: reference.dim,
    data: new Float32Array((reference.rows + data.rows) * reference.dim),
  };
  points.data.set(reference.data, 0);
  points.data.set(data.data, reference.data.length);
  if (points.rows <= graph.k) {
    throw new InputError(
      'k',
      `k = ${graph.k} needs more than ${graph.k} samples in the reference and the data together; there are ${points.rows}`,
    );
  }
  const search = graph.search ?? ortKnn;
  const knn = await search(points, graph.k, stageOptions(context, 'building the kNN graph'));
  const signal = new Float64Array(points.rows);
  signal.set(referenceScores, 0);
  signal.set(dataScores, reference.rows);
  return Float64Array.from(
    highPassInfluence(graphFromKnn(knn), signal, { operator: graph.operator, variant: graph.variant }),
  );
}

async function outOfFold(
  probe: Probe,
  fold: Int32Array,
  folds: FoldStats[],
  families: Set<FeatureFamily>,
  seed: number,
  context: JobContext,
): Promise<Features> {
  const merged: Features = new Map();
  for (let f = 0; f < folds.length; f++) {
    const members = indicesWhere(fold, (value) => value === f);
    const features = await foldFeatures(subsetProbe(probe, members), folds[f], families, seed + 10_000 + f, {
      signal: context.signal,
    });
    for (const [name, values] of features) {
      if (!merged.has(name)) merged.set(name, new Float64Array(probe.n));
      const target = merged.get(name)!;
      members.forEach((row, i) => (target[row] = values[i]));
    }
  }
  return merged;
}

function familiesFor(scorers: string[]): Set<FeatureFamily> {
  const families = new Set<FeatureFamily>();
  for (const name of scorers) {
    const scorer = adversarialScorer(name);
    for (const family of scorer.needsGradients ? FUSED_FAMILIES : scorer.families) families.add(family);
  }
  return families;
}

function checkReference(
  reference: ReferenceSet,
  rows: Int32Array,
  unlabelled: number,
  misclassified: number,
): void {
  if (rows.length < MIN_REFERENCE) {
    throw new InputError(
      reference.source,
      `has ${rows.length} samples the model classifies as their label (${misclassified} others misclassified, ${unlabelled} unlabelled); ` +
        `the detectors need at least ${MIN_REFERENCE} clean, correctly classified reference samples`,
    );
  }
  const present = new Set(Array.from(rows, (row) => reference.classes[row]));
  if (present.size < 2) {
    throw new InputError(
      reference.source,
      `holds one class only (${className(reference, [...present][0])}) among its correctly classified samples; the detectors compare a sample with ` +
        'the clean samples of every class, so the reference needs at least two classes (ideally all the model knows)',
    );
  }
}

function className(reference: ReferenceSet, code: number): string {
  return reference.classNames?.[code] ?? `class ${code}`;
}

function indicesWhere(values: Int32Array, keep: (value: number) => boolean): number[] {
  const out: number[] = [];
  values.forEach((value, i) => {
    if (keep(value)) out.push(i);
  });
  return out;
}

function meanOf(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays[0].length);
  for (const array of arrays) for (let i = 0; i < out.length; i++) out[i] += array[i] / arrays.length;
  return out;
}

function meanAndSd(values: Float64Array): { mean: number; sd: number } {
  let mean = 0;
  for (const v of values) mean += v / values.length;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2 / values.length;
  const sd = Math.sqrt(variance);
  return { mean, sd: sd > 0 ? sd : 1 };
}
