import { InputError, ParameterError } from '../../../core/errors';
import { medianHeuristicGamma, nearestPrototypes, subsetRows } from '../../../core/prototypes';
import { stageOptions, type JobContext } from '../../context';
import { encodeLabels } from '../labelSpace';
import type { TaskInput, TaskOutput, TaskSample } from '../types';
import {
  contrastiveScorer,
  facilityLocationScorer,
  marginScorer,
  mmdCriticScorer,
  type Scorer,
} from './scorers';
import { COVERAGE_GAMMA_SCALE, DEFAULT_COUNT } from './settings';

const SCORERS: Record<string, Scorer> = {
  contrastive: contrastiveScorer,
  'facility-location': facilityLocationScorer,
  'mmd-critic': mmdCriticScorer,
  margin: marginScorer,
};

/**
 * Prototypes and criticisms (MARGIN case I). With labels, within each class
 * (unlabelled samples are left out, with a notice), the lists interleaving
 * the classes; without labels, over the whole dataset (a notice says so).
 */
export async function selectPrototypes(
  { params, data, neighbours }: TaskInput,
  context: JobContext,
): Promise<TaskOutput> {
  const { dataset, representation } = data;
  const { keptIndices } = representation;
  const given = Array.from(keptIndices, (index) => dataset.labels[index]);
  const space = encodeLabels(given, representation.classNames);
  const perClass = params.perClass !== false && space.known > 0;
  const notices: string[] = [];

  const rows = perClass
    ? Int32Array.from(space.codes.keys()).filter((row) => space.codes[row] >= 0)
    : Int32Array.from(space.codes.keys());
  const n = rows.length;
  if (n === 0) throw new InputError(dataset.source, 'has no readable samples to choose prototypes from');
  const unlabelled = keptIndices.length - n;
  if (!perClass) {
    notices.push(
      space.known > 0
        ? 'prototypes and criticisms are chosen over the whole dataset, as asked (labels not used)'
        : 'the data has no labels: prototypes and criticisms are chosen over the whole dataset',
    );
  } else if (unlabelled > 0) {
    notices.push(
      `${unlabelled} unlabelled samples were left out: prototypes and criticisms are chosen within each class`,
    );
  }

  if (params.count !== undefined && params.count > n) {
    const which = perClass && unlabelled > 0 ? 'labelled samples' : 'samples';
    throw new ParameterError(
      'count',
      `asks for ${params.count} prototypes, but ${dataset.source} has only ${n} ${which}`,
    );
  }
  const count = params.count ?? Math.min(DEFAULT_COUNT, n);
  if (params.count === undefined && n < DEFAULT_COUNT)
    notices.push(`${n} samples only: listing ${n} prototypes`);

  // Class codes compacted to 0 … C−1 over the classes present.
  let classes: Int32Array | undefined;
  if (perClass) {
    const present = [...new Set(rows.map((row) => space.codes[row]))].sort((a, b) => a - b);
    const compact = new Map(present.map((code, c) => [code, c]));
    classes = Int32Array.from(rows, (row) => compact.get(space.codes[row])!);
    if (present.length === 1)
      notices.push(`one class only (${space.names[present[0]]}): per class and global are the same`);
  }
  // The representation's own points when every readable sample takes part: the scan's search serves
  // those from a given graph (the graph over all classes, or with no classes); a subset is a copy.
  const points =
    n === representation.points.rows ? representation.points : subsetRows(representation.points, rows);

  const scorer = SCORERS[params.scorer];
  const selection = await scorer({ points, classes, count, params, context, search: neighbours });
  notices.push(...selection.notices);

  const nearest =
    selection.nearest ??
    (await nearestPrototypes(
      points,
      selection.prototypes,
      classes,
      stageOptions(context, 'nearest prototypes'),
    ));
  const coverageGamma = medianHeuristicGamma(points, { scale: COVERAGE_GAMMA_SCALE });
  const roles = new Map<number, [string, number]>();
  selection.prototypes.forEach((row, place) => roles.set(row, ['prototype', place + 1]));
  selection.criticisms.forEach((row, place) => roles.set(row, ['criticism', place + 1]));
  const indexOf = (row: number) => keptIndices[rows[row]];

  const samples: TaskSample[] = [];
  for (let row = 0; row < n; row++) {
    const role = roles.get(row);
    const own = nearest.own[row];
    samples.push({
      index: indexOf(row),
      score: selection.score[row],
      label: space.display[rows[row]],
      role: role?.[0],
      place: role?.[1],
      nearestPrototype: own >= 0 ? dataset.samples[indexOf(own)].id : undefined,
      coverage: own >= 0 ? Math.exp(-coverageGamma * nearest.ownDistance2[row]) : 0,
    });
  }
  return {
    samples,
    labelNames: space.names,
    notices,
    prototypes: Array.from(selection.prototypes, indexOf),
    criticisms: Array.from(selection.criticisms, indexOf),
    metrics: {
      samples: n,
      classes: classes ? new Set(classes).size : 0,
      prototypes: selection.prototypes.length,
      criticisms: selection.criticisms.length,
    },
  };
}
