import { graphFromKnn } from '../../../core/csr';
import { InputError, ParameterError } from '../../../core/errors';
import {
  countLabelIssues,
  fitNoisyChannel,
  labelDisagreement,
  neighbourLabelShares,
} from '../../../core/labels';
import { pickRows } from '../../../core/rows';
import { ortKnn } from '../../../model';
import { stageOptions, type JobContext } from '../../context';
import { encodeLabels, predictedClass } from '../labelSpace';
import type { TaskInput, TaskOutput, TaskSample } from '../types';
import { classProbabilities } from './classProbabilities';
import { scoreLabels, type LabelEvidence } from './scoreLabels';

/**
 * Which samples are most likely mislabeled. Every scorer reads the same
 * evidence: the kNN graph with its neighbours' labels, and class probabilities
 * (the model's softmax; without a model, an out-of-fold logistic regression on
 * the points). A noisy-channel fit of the given labels to that evidence is
 * always made: it is the `fused` scorer, and its expected number of flipped
 * labels is the estimate the ranking is cut at (`metrics.estimatedIssues`).
 *
 * Unlabelled samples take part in the graph (they are neighbours of others)
 * but carry no signal and are not ranked: a notice says how many.
 */
export async function rankLabelIssues(
  { params, data, neighbours = ortKnn }: TaskInput,
  context: JobContext,
): Promise<TaskOutput> {
  const { dataset, representation } = data;
  const { points, keptIndices } = representation;
  const given = Array.from(keptIndices, (index) => dataset.labels[index]);
  const space = encodeLabels(given, representation.classNames);
  if (space.known === 0) {
    throw new InputError(
      dataset.source,
      'has no labels; give them with --labels, or name the label column with --label-column',
    );
  }
  if (points.rows <= params.k) {
    throw new ParameterError(
      'k',
      `k = ${params.k} needs more than ${params.k} readable samples; ${dataset.source} has ${points.rows}`,
    );
  }

  const knn = await neighbours(points, params.k, stageOptions(context, 'building the kNN graph'));
  const graph = graphFromKnn(knn);
  const C = space.names.length;
  const probabilities = await classProbabilities(representation, space, context);
  const rows = Int32Array.from(space.codes.keys()).filter((row) => space.codes[row] >= 0);
  const labels = Int32Array.from(rows, (row) => space.codes[row]);
  const probabilitiesOfRows = pickRows(probabilities.values, rows, C);
  const shares = pickRows(neighbourLabelShares(graph, space.codes, C), rows, C);
  const channel = await fitNoisyChannel(
    shares,
    labels,
    C,
    probabilitiesOfRows,
    stageOptions(context, 'fitting the label noise'),
  );
  const evidence: LabelEvidence = {
    graph,
    codes: space.codes,
    C,
    rows,
    labels,
    probabilities: probabilitiesOfRows,
    channel,
  };
  const scored = await scoreLabels(params.scorer, evidence, params, stageOptions(context, 'scoring'));

  const predicted = representation.logits
    ? predictedClass(representation.logits, representation.classNames)
    : undefined;
  const samples: TaskSample[] = [];
  let disagreeing = 0;
  rows.forEach((row, r) => {
    const suggested = scored.suggested[r];
    if (suggested >= 0 && suggested !== labels[r]) disagreeing++;
    samples.push({
      index: keptIndices[row],
      score: scored.score[r],
      label: space.display[row],
      suggested: suggested >= 0 ? space.names[suggested] : undefined,
      predicted: predicted?.[row],
    });
  });
  const unlabelled = points.rows - space.known;
  const notices: string[] = [];
  if (unlabelled > 0)
    notices.push(`${unlabelled} unlabelled samples were not ranked (they still count as neighbours)`);
  if (probabilities.notice) notices.push(probabilities.notice);
  const confidentJoint = countLabelIssues(probabilitiesOfRows, labels, C);
  return {
    samples,
    labelNames: space.names,
    notices,
    metrics: {
      samples: points.rows,
      edges: graph.indices.length / 2,
      estimatedIssues: Math.round(channel.expectedIssues),
      estimatedNoiseRate: channel.fit.noiseRate,
      confidentJointIssues: confidentJoint.offDiagonal,
      suggestedDiffersFromGiven: disagreeing,
      meanDisagreement: mean(labelDisagreement(graph, space.codes)),
      ...scored.metrics,
    },
  };
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length ? sum / values.length : 0;
}
