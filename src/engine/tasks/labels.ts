import { graphFromKnn } from '../../core/csr';
import { InputError } from '../../core/errors';
import { labelDisagreement, neighbourMajority, rankByScore } from '../../core/labelIssues';
import { highPassInfluence } from '../../core/margin';
import { ortKnn } from '../../model';
import type { Dataset } from '../../data/types';
import type { SampleResult, ScanParams } from '../../protocol/engine';
import { stageOptions, type JobContext } from '../context';
import type { Representation } from '../representation';
import { encodeLabels, predictedClass } from './labelSpace';

/**
 * MARGIN case III: f(i) = share of i's neighbours whose label differs from
 * i's; the high-pass response |f − A f| singles out samples that disagree with
 * a neighbourhood that otherwise agrees, which is what a flipped label looks
 * like. Suggested label = the neighbours' majority label.
 */
export async function rankLabelIssues(
  dataset: Dataset,
  representation: Representation,
  params: ScanParams,
  context: JobContext,
): Promise<{ samples: SampleResult[]; labelNames: string[]; metrics: Record<string, number> }> {
  const { points, keptIndices } = representation;
  const given = keptIndices.length ? Array.from(keptIndices, (index) => dataset.labels[index]) : [];
  const space = encodeLabels(given, representation.classNames);
  if (space.known === 0) {
    throw new InputError(dataset.source, 'has no labels; give them with --labels, or name the label column with --label-column');
  }
  if (points.rows <= params.k) {
    throw new InputError('--k', `k = ${params.k} needs more than ${params.k} readable samples; ${dataset.source} has ${points.rows}`);
  }

  const knn = await ortKnn(points, params.k, stageOptions(context, 'building the kNN graph'));
  context.progress('filtering', 0, 1);
  const graph = graphFromKnn(knn);
  const disagreement = labelDisagreement(graph, space.codes);
  const influence = highPassInfluence(graph, disagreement, { operator: params.operator, variant: params.variant });
  const suggestedCodes = neighbourMajority(graph, space.codes, space.names.length);
  const order = rankByScore(influence);
  context.progress('filtering', 1, 1);

  const predicted = representation.logits ? predictedClass(representation.logits, representation.classNames) : undefined;
  const samples: SampleResult[] = Array.from(order, (row, position) => {
    const index = keptIndices[row];
    const sample = dataset.samples[index];
    return {
      index,
      id: sample.id,
      path: sample.path,
      label: space.display[row],
      predicted: predicted?.[row],
      suggested: suggestedCodes[row] >= 0 ? space.names[suggestedCodes[row]] : undefined,
      score: influence[row],
      rank: position + 1,
    };
  });

  let disagreeing = 0;
  for (let row = 0; row < points.rows; row++) {
    if (space.codes[row] >= 0 && suggestedCodes[row] >= 0 && suggestedCodes[row] !== space.codes[row]) disagreeing++;
  }
  return {
    samples,
    labelNames: space.names,
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
