import { graphFromKnn } from '../../../core/csr';
import { InputError, ParameterError } from '../../../core/errors';
import { labelDisagreement, neighbourMajority, rankByScore } from '../../../core/labelIssues';
import { highPassInfluence } from '../../../core/margin';
import { ortKnn } from '../../../model';
import { stageOptions, type JobContext } from '../../context';
import { encodeLabels, predictedClass } from '../labelSpace';
import type { TaskInput, TaskOutput, TaskSample } from '../types';

/**
 * MARGIN case III: f(i) = share of i's neighbours whose label differs from
 * i's; the high-pass response |f − A f| singles out samples that disagree with
 * a neighbourhood that otherwise agrees, which is what a flipped label looks
 * like. Suggested label = the neighbours' majority label.
 *
 * Unlabelled samples take part in the graph (they are neighbours of others)
 * but carry no signal and are not ranked: a notice says how many.
 */
export async function rankLabelIssues({ params, data }: TaskInput, context: JobContext): Promise<TaskOutput> {
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

  const knn = await ortKnn(points, params.k, stageOptions(context, 'building the kNN graph'));
  context.progress('filtering', 0, 1);
  const graph = graphFromKnn(knn);
  const disagreement = labelDisagreement(graph, space.codes);
  const influence = highPassInfluence(graph, disagreement, {
    operator: params.operator,
    variant: params.variant,
  });
  const suggestedCodes = neighbourMajority(graph, space.codes, space.names.length);
  context.progress('filtering', 1, 1);

  const predicted = representation.logits
    ? predictedClass(representation.logits, representation.classNames)
    : undefined;
  const samples: TaskSample[] = [];
  let disagreeing = 0;
  for (const row of rankByScore(influence)) {
    if (space.codes[row] < 0) continue;
    const suggested = suggestedCodes[row];
    if (suggested >= 0 && suggested !== space.codes[row]) disagreeing++;
    samples.push({
      index: keptIndices[row],
      score: influence[row],
      label: space.display[row],
      suggested: suggested >= 0 ? space.names[suggested] : undefined,
      predicted: predicted?.[row],
    });
  }
  const unlabelled = points.rows - space.known;
  return {
    samples,
    labelNames: space.names,
    notices:
      unlabelled > 0
        ? [`${unlabelled} unlabelled samples were not ranked (they still count as neighbours)`]
        : [],
    metrics: {
      samples: points.rows,
      edges: graph.indices.length / 2,
      suggestedDiffersFromGiven: disagreeing,
      meanDisagreement: mean(disagreement),
    },
  };
}

function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return values.length ? sum / values.length : 0;
}
