import {
  boundaryFeatures,
  chooseCombination,
  densityFilter,
  leastConfidenceScores,
  referenceAgreement,
  sampleRows,
  softmaxRows,
  subsetRows,
  topTwo,
  trustScores,
  type TrustScoreResult,
} from '../../../core/boundary';
import { InputError } from '../../../core/errors';
import { logisticDecision } from '../../../core/logisticRegression';
import type { DenseMatrix, KnnSearch } from '../../../core/types';
import { ortKnn } from '../../../model';
import { stageOptions, type JobContext } from '../../context';
import type { LabelledReference } from './classes';
import { ortCrossKnn } from '../../../model';

/** Neighbourhood sizes of the reference-agreement features (capped by the reference's size). */
export const AGREEMENT_KS = [10, 30, 100];
/** Reference samples the combination is fitted on (a seeded sample of a larger reference). */
export const MAX_FIT_SAMPLES = 10_000;

export interface ScorerOutcome {
  scores: Float64Array;
  notices: string[];
  metrics: Record<string, number>;
}

/**
 * The α-filtered reference of the trust score (once per scan: it depends on
 * the reference only). Its kNN searches are within each class of the
 * reference, with the scan's search (`knn`): exact up to its limit,
 * approximate with measured recall above; never the data's given graph.
 */
export function trustFilter(
  reference: LabelledReference,
  numClasses: number,
  context: JobContext,
  knn: KnnSearch = ortKnn,
): Promise<Uint8Array> {
  return densityFilter(reference.points, reference.labels, numClasses, {
    knn,
    ...stageOptions(context, 'filtering the reference (trust score)'),
  });
}

export async function trustScoreOf(
  points: DenseMatrix,
  predicted: Int32Array,
  reference: LabelledReference,
  kept: Uint8Array,
  numClasses: number,
  context: JobContext,
  exclude?: Int32Array,
): Promise<TrustScoreResult> {
  return trustScores(points, predicted, reference.points, reference.labels, numClasses, {
    kept,
    exclude,
    crossKnn: ortCrossKnn,
    ...stageOptions(context, 'trust score: nearest reference samples of each class'),
  });
}

/** The trust-score scorer: 1 / (1 + trust), with notices on what the reference lacks. */
export async function trustScorer(
  points: DenseMatrix,
  predicted: Int32Array,
  reference: LabelledReference,
  names: string[],
  context: JobContext,
  knn: KnnSearch = ortKnn,
): Promise<ScorerOutcome> {
  const kept = await trustFilter(reference, names.length, context, knn);
  const result = await trustScoreOf(points, predicted, reference, kept, names.length, context);
  return {
    scores: result.score,
    notices: missingClassNotices(result, predicted, names),
    metrics: { referenceKeptByDensityFilter: kept.reduce((sum, k) => sum + k, 0) },
  };
}

/**
 * The combined scorer with a reference: fit the logistic combination of the
 * model's doubt and the reference evidence on the reference's own mistakes
 * (each reference sample's evidence leaves the sample itself out), keep it
 * only when cross-validation on the reference says it beats the doubt alone,
 * then score the data with it (the estimated probability of a mistake).
 */
export async function combinedScorer(
  points: DenseMatrix,
  predicted: Int32Array,
  leastConfidence: Float64Array,
  reference: LabelledReference,
  names: string[],
  context: JobContext,
  options: { seed?: number; maxFitSamples?: number; knn?: KnnSearch } = {},
): Promise<ScorerOutcome> {
  if (!reference.logits) {
    throw new InputError(
      reference.source,
      "holds features the model was not run on; the combined scorer needs the model's predictions of the reference",
    );
  }
  const numClasses = names.length;
  const seed = options.seed ?? 1;
  const kept = await trustFilter(reference, numClasses, context, options.knn);

  const fitRows = sampleRows(reference.labels.length, options.maxFitSamples ?? MAX_FIT_SAMPLES, seed);
  const referenceTop = topTwo(reference.logits);
  const referenceDoubt = leastConfidenceScores(softmaxRows(reference.logits), numClasses, referenceTop);
  const fitPredicted = Int32Array.from(fitRows, (row) => referenceTop.first[row]);
  const mistakes = Uint8Array.from(fitRows, (row) =>
    referenceTop.first[row] !== reference.labels[row] ? 1 : 0,
  );
  const fitFeatures = await evidenceFeatures(
    subsetRows(reference.points, fitRows),
    fitPredicted,
    Float64Array.from(fitRows, (row) => referenceDoubt[row]),
    reference,
    kept,
    numClasses,
    context,
    fitRows,
  );
  context.progress('fitting the combination', 0, 1);
  const choice = chooseCombination(fitFeatures.features, mistakes, fitFeatures.width, { seed });
  context.progress('fitting the combination', 1, 1);
  const metrics: Record<string, number> = {
    combinationUsed: choice.useCombination ? 1 : 0,
    combinationFitSamples: fitRows.length,
    combinationFitMistakes: mistakes.reduce((sum, m) => sum + m, 0),
  };
  if (Number.isFinite(choice.crossValidatedAuroc))
    metrics.combinationCrossValidatedAuroc = choice.crossValidatedAuroc;
  if (Number.isFinite(choice.baselineAuroc)) metrics.confidenceAurocOnReference = choice.baselineAuroc;
  if (!choice.useCombination) {
    return {
      scores: leastConfidence,
      notices: [`ranked by 1 − p(predicted) alone: ${choice.reason}`],
      metrics,
    };
  }
  const dataFeatures = await evidenceFeatures(
    points,
    predicted,
    leastConfidence,
    reference,
    kept,
    numClasses,
    context,
  );
  const decision = logisticDecision(
    choice.model!,
    dataFeatures.features,
    dataFeatures.features.length / dataFeatures.width,
  );
  const scores = decision.map((z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))));
  return { scores, notices: missingClassNotices(dataFeatures.trust, predicted, names), metrics };
}

/** The combination's features (core/boundary boundaryFeatures) of some query rows against the reference. */
async function evidenceFeatures(
  queries: DenseMatrix,
  predicted: Int32Array,
  doubt: Float64Array,
  reference: LabelledReference,
  kept: Uint8Array,
  numClasses: number,
  context: JobContext,
  exclude?: Int32Array,
): Promise<{ features: Float64Array; width: number; trust: TrustScoreResult }> {
  const ks = agreementKs(reference.labels.length);
  const neighbours = await ortCrossKnn(queries, reference.points, ks[ks.length - 1], {
    exclude,
    ...stageOptions(
      context,
      exclude ? 'reference: nearest other reference samples' : 'nearest reference samples',
    ),
  });
  const agreements = ks.map((k) => referenceAgreement(neighbours, reference.labels, predicted, k));
  const trust = await trustScoreOf(queries, predicted, reference, kept, numClasses, context, exclude);
  return { features: boundaryFeatures(doubt, agreements, trust.trust), width: 2 + ks.length, trust };
}

/** AGREEMENT_KS capped at the reference samples a reference sample can have as neighbours (itself left out). */
export function agreementKs(referenceSize: number): number[] {
  const available = Math.max(1, referenceSize - 1);
  return [...new Set(AGREEMENT_KS.map((k) => Math.min(k, available)))];
}

function missingClassNotices(result: TrustScoreResult, predicted: Int32Array, names: string[]): string[] {
  const notices: string[] = [];
  const missing = result.missingClasses.filter((c) => predicted.includes(c));
  if (missing.length > 0) {
    notices.push(
      `the reference has no sample of ${missing.map((c) => names[c]).join(', ')}: predictions of ${missing.length === 1 ? 'that class' : 'those classes'} get no trust from it`,
    );
  }
  let conflicting = 0;
  for (let i = 0; i < result.trust.length; i++)
    if (result.trust[i] === 0 && !missing.includes(predicted[i])) conflicting++;
  if (conflicting > 0) {
    notices.push(
      `${conflicting} samples lie exactly on a reference sample of another class than the one predicted (trust 0)`,
    );
  }
  return notices;
}
