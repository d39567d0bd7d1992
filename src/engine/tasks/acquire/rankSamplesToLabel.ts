import { spreadLabels } from '../../../core/acquire';
import { InputError, ParameterError } from '../../../core/errors';
import { stageOptions, type JobContext } from '../../context';
import { encodeLabels, predictedClass } from '../labelSpace';
import type { TaskInput, TaskOutput, TaskSample } from '../types';
import { modelClassProbabilities } from './classProbabilities';
import { acquisitionGraphs } from './graphs';
import { acquisitionOrder, type ClassProbabilities } from './scorers';

/** α of the label spreading behind the suggested labels (docs/results.md: 0.95 beat Zhou's 0.99 once labels grow). */
export const SPREADING_ALPHA = 0.95;
/** The scorers that use the model's class probabilities when the scan has a model. */
const MODEL_AWARE_SCORERS = new Set(['nearest-label', 'facility']);
/** The batch size when --count is not given. */
export const DEFAULT_BATCH = 100;

/**
 * MARGIN case VI: which unlabelled samples should be labelled next? Every
 * unlabelled sample is ranked (labelled ones are graph nodes and seeds, never
 * ranked); the first `count` are the batch, and every prefix of the ranking is
 * itself a batch chosen as well as the scorer can. Label spreading on the kNN
 * graph suggests a label for each, with its confidence.
 *
 * A `count` larger than the unlabelled samples is clamped, with a notice: the
 * batch is then all of them.
 */
export async function rankSamplesToLabel(
  { params, data, neighbours }: TaskInput,
  context: JobContext,
): Promise<TaskOutput> {
  const { dataset, representation } = data;
  const { points, keptIndices } = representation;
  const given = Array.from(keptIndices, (index) => dataset.labels[index]);
  const space = encodeLabels(given, representation.classNames);
  checkLabelling(dataset.source, space.known, points.rows, space.codes, space.names);
  if (points.rows <= params.k) {
    throw new ParameterError(
      'k',
      `k = ${params.k} needs more than ${params.k} readable samples; ${dataset.source} has ${points.rows}`,
    );
  }

  const graphs = await acquisitionGraphs(
    points,
    params.k,
    stageOptions(context, 'building the kNN graph'),
    neighbours,
  );
  context.progress('spreading the labels', 0, 1);
  const spreading = await spreadLabels(graphs.graph, space.codes, space.names.length, {
    alpha: SPREADING_ALPHA,
    signal: context.signal,
  });
  context.progress('spreading the labels', 1, 1);

  const notices: string[] = [];
  let classProbabilities: ClassProbabilities | undefined;
  if (MODEL_AWARE_SCORERS.has(params.scorer) && representation.logits) {
    const matched = modelClassProbabilities(representation.logits, representation.classNames, space);
    if ('unmatched' in matched) {
      notices.push(
        `the model's classes do not include ${matched.unmatched.map((name) => `"${name}"`).join(', ')}: ` +
          (params.scorer === 'nearest-label'
            ? "nearest-label needs the model's class probabilities, so it ranked by facility location (coverage) instead"
            : `${params.scorer} ranked without the model's class probabilities`),
      );
    } else {
      classProbabilities = matched;
    }
  } else if (params.scorer === 'nearest-label') {
    notices.push(
      "nearest-label needs a model's class probabilities (--model): without them it ranked by facility location (coverage)",
    );
  }
  const { order, value } = await acquisitionOrder(
    params.scorer,
    {
      ...graphs,
      labels: space.codes,
      spreading,
      classProbabilities,
      operator: params.operator,
      variant: params.variant,
    },
    stageOptions(context, 'choosing the batch'),
  );

  const unlabelled = order.length;
  const requested = params.count ?? DEFAULT_BATCH;
  const batch = Math.min(requested, unlabelled);
  if (requested > unlabelled) {
    notices.push(
      `--count ${requested} is more than the ${unlabelled} unlabelled samples: the batch is all of them`,
    );
  }
  const duplicates = countDuplicates(graphs.knn.distances, graphs.knn.k);
  if (duplicates > 0) {
    notices.push(
      `${duplicates} samples have an exact duplicate (distance 0): a labelled sample stands for its duplicates, so they rank late`,
    );
  }
  const unreached = spreading.predicted.reduce(
    (count, code, row) => count + (code < 0 && space.codes[row] < 0 ? 1 : 0),
    0,
  );
  if (unreached > 0)
    notices.push(
      `${unreached} unlabelled samples are not connected to any labelled one: no label is suggested for them`,
    );

  const predicted = representation.logits
    ? predictedClass(representation.logits, representation.classNames)
    : undefined;
  const C = space.names.length;
  const samples: TaskSample[] = Array.from(order, (row, position) => {
    const suggested = spreading.predicted[row];
    return {
      index: keptIndices[row],
      // Strictly decreasing along the order, so sorting by score keeps it.
      score: (unlabelled - position) / unlabelled,
      batch: position < batch ? 'yes' : undefined,
      suggested: suggested >= 0 ? space.names[suggested] : undefined,
      confidence: suggested >= 0 ? spreading.probabilities[row * C + suggested] : undefined,
      predicted: predicted?.[row],
      // random has no value of its own.
      value: params.scorer === 'random' ? undefined : value[position],
    };
  });
  return {
    samples,
    labelNames: space.names,
    notices,
    metrics: {
      samples: points.rows,
      labelled: space.known,
      unlabelled,
      batch,
      classes: C,
      edges: graphs.graph.indices.length / 2,
      duplicates,
      spreadingIterations: spreading.iterations,
      meanBatchConfidence: meanOf(samples.slice(0, batch).map((sample) => Number(sample.confidence ?? 0))),
    },
  };
}

/** The errors the brief asks for: something labelled, something not, and two classes at least. */
function checkLabelling(
  source: string,
  known: number,
  rows: number,
  codes: Int32Array,
  names: string[],
): void {
  if (known === 0) {
    throw new InputError(
      source,
      'has no labelled sample: label a few samples of each class (e.g. 5) and leave the rest empty, so the task has labels to spread',
    );
  }
  if (known === rows) {
    throw new InputError(
      source,
      `every one of its ${rows} samples is labelled, so there is nothing to rank: leave the labels to suggest empty ` +
        '(an empty CSV cell, null in JSONL, −1 in a .npy labels file)',
    );
  }
  const present = new Set<number>();
  for (const code of codes) if (code >= 0) present.add(code);
  if (present.size < 2) {
    const only = names[[...present][0]];
    throw new InputError(
      source,
      `all ${known} labelled samples are "${only}": label samples of at least two classes, or every suggestion would be "${only}"`,
    );
  }
}

/** Rows whose nearest neighbour is at distance 0. */
function countDuplicates(distances: Float32Array, k: number): number {
  let count = 0;
  for (let row = 0; row * k < distances.length; row++) if (distances[row * k] === 0) count++;
  return count;
}

function meanOf(values: number[]): number {
  return values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : 0;
}
