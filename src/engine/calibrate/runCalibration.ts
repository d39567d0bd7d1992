/**
 * `margin calibrate`: how well does each scorer of the labels task find label
 * errors on *this* dataset with *this* model? Flip a known share of the data's
 * own labels (several seeds), rank with every scorer, and count the flips in
 * the top of each ranking. The representation is computed once (from the
 * .margin/ cache when it holds the embeddings); each seed and scorer then
 * costs graph work only. The best scorer is stored for `--scorer auto`.
 */
import { stageTimer } from '../stageTimer';
import { InputError, isInputError, ParameterError, throwIfAborted } from '../../core/errors';
import type {
  CalibrateParams,
  CalibrationResult,
  CalibrationScorer,
  ScanParams,
} from '../../protocol/engine';
import type { Dataset } from '../../data/types';
import { MarginCache } from '../cache';
import type { JobContext } from '../context';
import { NeighbourSearch } from '../neighbours';
import { computeRepresentation, type Representation } from '../representation';
import { openRole, rankSamples, resolveParams, validateParams } from '../scan';
import { findTask } from '../tasks';
import type { ResolvedScanParams, ScorerSpec, TaskDefinition } from '../tasks/types';
import { checkFlipFraction, drawLabelFlips } from './flipLabels';
import { RECALL_FRACTIONS, recallAtFractions, recommendScorer, summariseRecall } from './recallSummary';
import { writeRecommendation } from './recommendationStore';
import { shareNeighbours } from './sharedNeighbours';

/** The task calibration measures: finding wrong labels. */
const CALIBRATED_TASK = 'labels';
export const DEFAULT_FLIP_FRACTION = 0.1;
export const DEFAULT_SEED_COUNT = 3;
/** More seeds than this add time, not information. */
const MAX_SEED_COUNT = 100;
export const SCORING_STAGE = 're-scoring with flipped labels';

export async function runCalibration(
  input: CalibrateParams,
  context: JobContext,
  cwd = process.cwd(),
): Promise<CalibrationResult> {
  const fraction = input.fraction ?? DEFAULT_FLIP_FRACTION;
  const seedCount = input.seeds ?? DEFAULT_SEED_COUNT;
  checkFlipFraction(fraction);
  if (!Number.isInteger(seedCount) || seedCount < 1 || seedCount > MAX_SEED_COUNT)
    throw new ParameterError('seeds', `must be an integer from 1 to ${MAX_SEED_COUNT}, got ${seedCount}`);
  const task = findTask(CALIBRATED_TASK);
  const { fraction: _fraction, seeds: _seeds, ...scan } = input;
  const params = resolveParams({ ...scan, task: task.name } satisfies ScanParams, task, cwd);
  // The task's default scorer may need what this run lacks (a model); any scorer it can run validates the rest.
  validateParams({ ...params, scorer: runnableScorer(task, params)?.name ?? params.scorer }, task);

  const { timings, timed } = stageTimer();

  context.progress('reading the dataset', 0, 1);
  const dataSpec = params.datasets.find((spec) => spec.role === 'data')!;
  const { dataset } = await timed('dataset', () => openRole(dataSpec, false));
  context.log('info', `data: ${dataset.source}: ${dataset.samples.length} samples (${dataset.kind})`);
  const cache = new MarginCache(params.cacheRoot);
  const representation = await timed('representation', () =>
    computeRepresentation(dataset, params, context, cache),
  );

  const classes = labelClasses(dataset, representation);
  const seeds = Array.from({ length: seedCount }, (_, i) => i + 1);
  const flipsBySeed = seeds.map((seed) =>
    drawLabelFlips(classes.codes, classes.names.length, fraction, seed),
  );
  const notices = new Set<string>();
  const scorers = await timed('scoring', () =>
    scoreEverySeed(task, params, dataset, representation, classes, flipsBySeed, cache, context, notices),
  );
  const recommended = recommendScorer(scorers)!;

  const recommendationFile = await writeRecommendation(task.name, params, {
    scorer: recommended,
    k: params.k,
    fraction,
    seeds: seedCount,
    recall: scorers.find((entry) => entry.scorer === recommended)!.recall,
    calibratedAt: new Date().toISOString(),
  });
  if (representation.cached) notices.add('embeddings read from the cache: the model did not run again');

  return {
    task: task.name,
    params: {
      datasets: params.datasets,
      ...(params.model ? { model: params.model } : {}),
      k: params.k,
      fraction,
      seeds: seedCount,
      batchSize: params.batchSize,
      cacheRoot: params.cacheRoot,
      ...(params.standardize === false ? { standardize: false } : {}),
      ...(params.knn ? { knn: params.knn } : {}),
    },
    dataset: {
      kind: dataset.kind,
      source: dataset.source,
      count: dataset.samples.length,
      labelNames: classes.names,
    },
    labelled: classes.labelled,
    flips: flipsBySeed[0].rows.length,
    seeds,
    fractions: [...RECALL_FRACTIONS],
    scorers,
    recommended,
    recommendationFile,
    skipped: representation.skipped,
    notices: [...notices],
    timings,
    cached: { embeddings: representation.cached },
  };
}

/** The data's given labels as class codes over the readable rows; the classes are those present. */
interface LabelClasses {
  names: string[];
  /** One per representation row; −1 unlabelled. */
  codes: Int32Array;
  labelled: number;
}

function labelClasses(dataset: Dataset, representation: Representation): LabelClasses {
  const given = Array.from(representation.keptIndices, (index) => dataset.labels[index]);
  const present = (label: string | undefined): label is string => label !== undefined && label !== '';
  const names = [...new Set(given.filter(present))].sort();
  const labelled = given.filter(present).length;
  if (labelled === 0)
    throw new InputError(
      dataset.source,
      'has no labels to calibrate on; give them with --labels, or name the label column with --label-column',
    );
  if (names.length < 2)
    throw new InputError(
      dataset.source,
      `has one class only ("${names[0]}"): calibration flips labels to another class, so it needs at least two`,
    );
  const codeOf = new Map(names.map((name, code) => [name, code]));
  const codes = Int32Array.from(given, (label) => (present(label) ? codeOf.get(label)! : -1));
  return { names, codes, labelled };
}

/** Each seed's flipped labels, ranked by each scorer; recall of the flips at every fraction. */
async function scoreEverySeed(
  task: TaskDefinition,
  params: ResolvedScanParams,
  dataset: Dataset,
  representation: Representation,
  classes: LabelClasses,
  flipsBySeed: ReturnType<typeof drawLabelFlips>[],
  cache: MarginCache,
  context: JobContext,
  notices: Set<string>,
): Promise<CalibrationScorer[]> {
  const runnable = task.scorers.filter((scorer) => unmetNeed(scorer, params, representation) === undefined);
  if (runnable.length === 0) throw noRunnableScorer(task, params, representation);
  const total = flipsBySeed.length * runnable.length;
  const recalls = new Map<string, number[][]>(runnable.map((scorer) => [scorer.name, []]));
  const failures = new Map<string, unknown>();
  // The scorers' own stages would flood the progress; their warnings are passed on once each.
  const logged = new Set<string>();
  const inner: JobContext = {
    signal: context.signal,
    progress: () => {},
    log: (level, message) => {
      if (level === 'info' || logged.has(message)) return;
      logged.add(message);
      context.log(level, message);
    },
  };
  // The scan's kNN search, each graph built once: the labels change between runs, the points do not.
  const neighbourSearch = new NeighbourSearch(params.knn);
  const neighbours = shareNeighbours(neighbourSearch.search).search;
  let done = 0;
  context.progress(SCORING_STAGE, 0, total);
  for (const flips of flipsBySeed) {
    const labels = [...dataset.labels];
    for (const row of flips.rows) labels[representation.keptIndices[row]] = classes.names[flips.codes[row]];
    const noisy: Dataset = { ...dataset, labels };
    const flipped = new Set(Array.from(flips.rows, (row) => representation.keptIndices[row]));
    for (const scorer of runnable) {
      throwIfAborted(context.signal);
      if (!failures.has(scorer.name)) {
        try {
          const output = await task.run(
            {
              params: { ...params, scorer: scorer.name },
              data: { role: 'data', dataset: noisy, representation },
              cache,
              neighbours,
            },
            inner,
          );
          for (const notice of output.notices ?? []) notices.add(notice);
          const ranked = rankSamples(output, noisy).map((sample) => sample.index);
          recalls.get(scorer.name)!.push(recallAtFractions(ranked, flipped));
        } catch (error) {
          // A scorer that cannot run on this data is reported as such; anything else is a real failure.
          if (!isInputError(error)) throw error;
          failures.set(scorer.name, error);
        }
      }
      context.progress(SCORING_STAGE, ++done, total);
    }
  }
  if (failures.size === runnable.length) throw failures.values().next().value;
  for (const notice of neighbourSearch.notices) notices.add(notice);

  return task.scorers.map((scorer): CalibrationScorer => {
    const unavailable =
      unmetNeed(scorer, params, representation) ?? (failures.get(scorer.name) as Error | undefined)?.message;
    if (unavailable !== undefined)
      return { scorer: scorer.name, description: scorer.description, recall: [], unavailable };
    return {
      scorer: scorer.name,
      description: scorer.description,
      recall: summariseRecall(recalls.get(scorer.name)!, RECALL_FRACTIONS),
    };
  });
}

/** Why a scorer cannot run here, or undefined when it can. */
function unmetNeed(
  scorer: ScorerSpec,
  params: ResolvedScanParams,
  representation: Representation,
): string | undefined {
  if (scorer.needs?.reference) return 'needs a labelled reference set, which calibration does not take';
  if (scorer.needs?.model && !params.model) return 'needs a model';
  if (scorer.needs?.model && !representation.logits)
    return "needs the model's outputs, which this dataset's samples do not give";
  return undefined;
}

function runnableScorer(task: TaskDefinition, params: ResolvedScanParams): ScorerSpec | undefined {
  return task.scorers.find((scorer) => !scorer.needs?.reference && (!scorer.needs?.model || params.model));
}

function noRunnableScorer(
  task: TaskDefinition,
  params: ResolvedScanParams,
  representation: Representation,
): Error {
  const reasons = task.scorers.map((scorer) => `${scorer.name} ${unmetNeed(scorer, params, representation)}`);
  return new ParameterError(
    'model',
    `no scorer of the ${task.name} task can run here: ${reasons.join('; ')}`,
  );
}
