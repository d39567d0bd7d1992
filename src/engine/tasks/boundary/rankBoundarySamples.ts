import {
  entropyScores,
  leastConfidenceScores,
  linearisedBoundaryCloseness,
  marginGapScores,
  softmaxRows,
  topTwo,
  type TopTwo,
} from '../../../core/boundary';
import { graphFromKnn } from '../../../core/csr';
import { InputError, ParameterError } from '../../../core/errors';
import { labelDisagreement } from '../../../core/labels';
import { highPassInfluence } from '../../../core/margin';
import { auroc } from '../../../core/metrics';
import type { KnnSearch } from '../../../core/types';
import { ortKnn } from '../../../model';
import { stageOptions, type JobContext } from '../../context';
import { encodeLabels } from '../labelSpace';
import type { TaskDataset, TaskInput, TaskOutput, TaskSample } from '../types';
import { logitGapGradients } from './boundaryDistance';
import { classIndexOf, classNamesOf, labelledReference } from './classes';
import { combinedScorer, trustScorer, type ScorerOutcome } from './referenceEvidence';
import { SCORERS_USING_REFERENCE } from './scorers';

export interface BoundaryOptions {
  /** Seed of the reference sample the combination is fitted on (a reference larger than 10,000). */
  seed?: number;
  maxFitSamples?: number;
}

/**
 * MARGIN case IV: which samples lie near the model's decision boundary, i.e.
 * which predictions should a person check first? Every scorer ranks the
 * data's readable samples; the reference (labelled, e.g. the training set)
 * adds evidence to the scorers that use it.
 */
export function rankBoundarySamples(input: TaskInput, context: JobContext): Promise<TaskOutput> {
  return scoreBoundary(input, context);
}

export async function scoreBoundary(
  { params, data, reference, neighbours = ortKnn }: TaskInput,
  context: JobContext,
  options: BoundaryOptions = {},
): Promise<TaskOutput> {
  const { dataset, representation } = data;
  const logits = representation.logits;
  if (!logits) {
    throw new InputError(
      dataset.source,
      "holds features, not images the model can take; the boundary task ranks the model's predictions, so give images (or a model over these features)",
    );
  }
  const names = classNamesOf(representation.classNames, logits.dim);
  const probabilities = softmaxRows(logits);
  const top = topTwo(logits);
  const doubt = leastConfidenceScores(probabilities, names.length, top);
  const notices: string[] = [];
  const usesReference = SCORERS_USING_REFERENCE.includes(params.scorer);
  const labelled = reference && usesReference ? labelledReference(reference, names) : undefined;
  if (reference && !usesReference) notices.push(`the ${params.scorer} scorer does not use the reference set`);
  if (labelled && labelled.unlabelled > 0)
    notices.push(`${labelled.unlabelled} unlabelled reference samples were left out`);

  let outcome: ScorerOutcome;
  switch (params.scorer) {
    case 'confidence':
      outcome = plain(doubt);
      break;
    case 'entropy':
      outcome = plain(entropyScores(probabilities, names.length));
      break;
    case 'margin-gap':
      outcome = plain(marginGapScores(probabilities, names.length, top));
      break;
    case 'margin':
      outcome = plain(await marginInfluence(data, top, names, params, neighbours, context));
      break;
    case 'boundary-distance': {
      const { gap, gradientNorm } = await logitGapGradients(
        params.model!,
        dataset,
        representation.keptIndices,
        top,
        params.batchSize,
        context,
      );
      outcome = plain(linearisedBoundaryCloseness(gap, gradientNorm).score);
      break;
    }
    case 'trust-score':
      outcome = await trustScorer(representation.points, top.first, labelled!, names, context, neighbours);
      break;
    case 'combined':
      if (labelled) {
        outcome = await combinedScorer(representation.points, top.first, doubt, labelled, names, context, {
          ...options,
          knn: neighbours,
        });
      } else {
        outcome = plain(doubt);
        notices.push(
          'without a reference set, the combined scorer ranks by 1 − p(predicted) (give a labelled reference, e.g. the training set, to add its evidence)',
        );
      }
      break;
    default:
      throw new ParameterError('scorer', `the boundary task has no scorer "${params.scorer}"`);
  }
  notices.push(...outcome.notices);

  const given = Array.from(representation.keptIndices, (index) => dataset.labels[index]);
  const display = encodeLabels(given, representation.classNames).display;
  const samples: TaskSample[] = [];
  for (let row = 0; row < representation.keptIndices.length; row++) {
    samples.push({
      index: representation.keptIndices[row],
      score: outcome.scores[row],
      predicted: names[top.first[row]],
      runnerUp: names[top.second[row]],
      confidence: probabilities[row * names.length + top.first[row]],
      label: display[row],
    });
  }
  return {
    samples,
    labelNames: names,
    notices,
    metrics: { ...summaryMetrics(top, probabilities, names, given, outcome.scores), ...outcome.metrics },
  };
}

function plain(scores: Float64Array): ScorerOutcome {
  return { scores, notices: [], metrics: {} };
}

/**
 * The paper's scorer: f(i) = share of i's kNN neighbours whose predicted
 * class differs from i's; I = |f − A f|, normalised by its maximum. The graph
 * is searched on the representation's own points, so a scan's `knnGraph`
 * serves it.
 */
async function marginInfluence(
  data: TaskDataset,
  top: TopTwo,
  names: string[],
  { k, operator, variant }: TaskInput['params'],
  search: KnnSearch,
  context: JobContext,
): Promise<Float64Array> {
  const { points } = data.representation;
  if (points.rows <= k) {
    throw new ParameterError(
      'k',
      `k = ${k} needs more than ${k} readable samples; ${data.dataset.source} has ${points.rows}`,
    );
  }
  const first = top.first[0];
  if (top.first.every((c) => c === first)) {
    throw new InputError(
      data.dataset.source,
      `the model predicts ${names[first]} for every sample, so there is no boundary between its predictions for the margin scorer to find; choose another scorer (e.g. --scorer confidence)`,
    );
  }
  const knn = await search(points, k, stageOptions(context, 'building the kNN graph'));
  context.progress('filtering', 0, 1);
  const graph = graphFromKnn(knn);
  const influence = highPassInfluence(graph, labelDisagreement(graph, top.first), { operator, variant });
  context.progress('filtering', 1, 1);
  return influence;
}

/** What a reviewer may want at a glance: how many samples, what the model predicts, how its predictions compare with given labels. */
function summaryMetrics(
  top: TopTwo,
  probabilities: Float64Array,
  names: string[],
  given: (string | undefined)[],
  scores: Float64Array,
): Record<string, number> {
  const n = top.first.length;
  const metrics: Record<string, number> = { samples: n };
  let confidence = 0;
  for (let row = 0; row < n; row++) confidence += probabilities[row * names.length + top.first[row]];
  metrics.meanConfidence = n > 0 ? confidence / n : 0;
  const counts = names.map(() => 0);
  top.first.forEach((c) => counts[c]++);
  metrics.predictedClasses = counts.filter((count) => count > 0).length;
  names.forEach((name, c) => (metrics[`predicted ${name}`] = counts[c]));

  // With given labels (as the model's classes): how often the prediction differs, and how well the score finds those.
  const labelled: number[] = [];
  const differs: boolean[] = [];
  given.forEach((label, row) => {
    const code = classIndexOf(label, names);
    if (code < 0) return;
    labelled.push(row);
    differs.push(code !== top.first[row]);
  });
  if (labelled.length > 0) {
    metrics.labelled = labelled.length;
    metrics.predictionDiffersFromLabel = differs.filter(Boolean).length;
    const found = auroc(
      labelled.map((row) => scores[row]),
      differs,
    );
    if (Number.isFinite(found)) metrics.aurocForPredictionDiffersFromLabel = found;
  }
  return metrics;
}
