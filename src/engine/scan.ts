import { dirname, resolve } from 'node:path';
import { stageTimer } from './stageTimer';
import { InputError, ParameterError } from '../core/errors';
import { openDataset } from '../data/open';
import { ortGram } from '../model';
import type { Dataset } from '../data/types';
import type {
  ClassProbability,
  DatasetRole,
  DatasetSpec,
  DatasetSummary,
  SampleResult,
  ScanParams,
  ScanResult,
} from '../protocol/engine';
import { calibratedScorer, withCalibrationNotice } from './calibrate/recommendationStore';
import { MarginCache } from './cache';
import { stageOptions, type JobContext } from './context';
import { contentDigest, datasetFingerprint, hashJson } from './fingerprint';
import { NeighbourSearch, readGivenGraph } from './neighbours';
import { computeRepresentation } from './representation';
import { sampleMap } from './sampleMap';
import { DataGraphRecorder } from './sampleNeighbours';
import { topClassesByIndex } from './sampleProbabilities';
import { findTask, resolveScorer, type TaskDefinition } from './tasks';
import type { ResolvedScanParams, TaskDataset, TaskOutput } from './tasks/types';

const DEFAULT_BATCH_SIZE = 256;
/**
 * Bumped whenever a result's shape or a task's ranking changes, so old cached results are not served.
 * 3: samples carry `line` and `neighbours`, results a `map`, dataset summaries `manifest`, `labelColumn`, `root`.
 * 4: samples carry the model's `probabilities`.
 */
const RESULT_VERSION = 4;

/** Paths made absolute (so cache keys and messages do not depend on the cwd) and every default filled in. */
export function resolveParams(
  params: ScanParams,
  task: TaskDefinition,
  cwd: string,
  calibratedScorer?: string,
): ResolvedScanParams {
  const absolute = (path: string | undefined) => (path ? resolve(cwd, path) : undefined);
  const datasets = (params.datasets ?? []).map((spec): DatasetSpec => {
    const resolved: DatasetSpec = { ...spec, path: resolve(cwd, spec.path), labels: absolute(spec.labels) };
    if (resolved.labels === undefined) delete resolved.labels;
    return resolved;
  });
  const resolved: ResolvedScanParams = {
    ...params,
    datasets,
    model: absolute(params.model),
    knnGraph: absolute(params.knnGraph),
    k: params.k ?? task.defaultK,
    scorer: resolveScorer(task, params.scorer, calibratedScorer),
    operator: params.operator ?? 'normalized',
    variant: params.variant ?? 'algorithm-1',
    batchSize: params.batchSize ?? DEFAULT_BATCH_SIZE,
    cacheRoot: absolute(params.cacheRoot) ?? cwd,
  };
  for (const key of Object.keys(resolved) as (keyof ResolvedScanParams)[]) {
    if (resolved[key] === undefined) delete resolved[key];
  }
  return resolved;
}

export function validateParams(params: ResolvedScanParams, task: TaskDefinition): void {
  const positive = (name: string, value: number | undefined) => {
    if (value !== undefined && (!Number.isInteger(value) || value < 1)) {
      throw new ParameterError(name, `must be a positive integer, got ${value}`);
    }
  };
  positive('k', params.k);
  positive('batchSize', params.batchSize);
  positive('count', params.count);
  if (params.knn !== undefined && !['auto', 'exact', 'approximate'].includes(params.knn))
    throw new ParameterError('knn', `must be auto, exact or approximate, got ${params.knn}`);

  const roles = params.datasets.map((spec) => spec.role);
  for (const role of new Set(roles)) {
    if (roles.filter((other) => other === role).length > 1)
      throw new ParameterError(role, 'was given more than once');
    if (!(role in task.datasets)) {
      throw new ParameterError(
        role,
        `is not used by the ${task.name} task (it takes: ${Object.keys(task.datasets).join(', ')})`,
      );
    }
  }
  for (const [role, spec] of Object.entries(task.datasets)) {
    if (spec.required && !roles.includes(role as DatasetRole)) {
      throw new ParameterError(role, `is required by the ${task.name} task: ${spec.hint}`);
    }
  }
  if (task.model === 'required' && !params.model) {
    throw new ParameterError('model', `is required by the ${task.name} task (an ONNX classifier)`);
  }
  const scorer = task.scorers.find((candidate) => candidate.name === params.scorer)!;
  if (scorer.needs?.model && !params.model) {
    throw new ParameterError('scorer', `${scorer.name} needs a model: give one, or choose another scorer`);
  }
  if (scorer.needs?.reference && !roles.includes('reference')) {
    throw new ParameterError(
      'scorer',
      `${scorer.name} needs a labelled reference set: give one, or choose another scorer`,
    );
  }
}

/** One scan, start to end: datasets → representations → task → ranked samples. */
export async function runScan(
  input: ScanParams,
  context: JobContext,
  cwd = process.cwd(),
): Promise<ScanResult> {
  const task = findTask(input.task);
  // `auto` is the scorer `margin calibrate` chose for this dataset and model, once it has run.
  const calibration = await calibratedScorer(task, resolveParams(input, task, cwd), input.scorer);
  const params = resolveParams(input, task, cwd, calibration?.scorer);
  validateParams(params, task);
  const { timings, timed } = stageTimer();

  context.progress('reading the dataset', 0, 1);
  const opened = await timed('dataset', () =>
    Promise.all(
      params.datasets.map((spec) => openRole(spec, task.datasets[spec.role]!.labels !== 'required')),
    ),
  );
  for (const { spec, dataset } of opened) {
    context.log(
      'info',
      `${spec.role}: ${dataset.source}: ${dataset.samples.length} samples (${dataset.kind})`,
    );
  }
  const cache = params.noCache ? undefined : new MarginCache(params.cacheRoot);

  const resultKey = cache && (await resultCacheKey(params, opened));
  const cachedResult = resultKey ? await cache!.readResult(resultKey) : undefined;
  if (cachedResult) {
    context.log('info', 'result read from the cache');
    return withCalibrationNotice(
      { ...cachedResult, params, cached: { embeddings: true, result: true } },
      calibration,
    );
  }

  const prepared: TaskDataset[] = [];
  for (const { spec, dataset } of opened) {
    const representation = await timed('representation', () =>
      computeRepresentation(dataset, params, context, cache),
    );
    prepared.push({ role: spec.role, dataset, representation });
  }
  const data = prepared.find((entry) => entry.role === 'data')!;
  const reference = prepared.find((entry) => entry.role === 'reference');
  if (reference) checkComparable(data, reference);
  const { dataset: dataSet, representation: dataPoints } = data;
  const given = params.knnGraph
    ? await timed('graph file', () =>
        readGivenGraph(params.knnGraph!, dataSet.samples.length, dataSet.source, dataPoints),
      )
    : undefined;
  const neighbours = new NeighbourSearch(params.knn, given, cache?.indexStore());
  const dataGraph = new DataGraphRecorder(dataPoints.points, neighbours.search);

  const output = await timed('task', () =>
    task.run({ params, data, reference, cache, neighbours: dataGraph.search }, context),
  );
  const knnNotices = neighbours.finish(task.name);
  const map = await timed('map', () =>
    sampleMap(dataPoints, dataSet.samples.length, {
      gram: ortGram,
      ...stageOptions(context, 'placing the samples on a map'),
    }),
  );
  const neighbourLists = dataGraph.neighboursByIndex(dataPoints.keptIndices, dataSet.samples.length);
  const topClasses = topClassesByIndex(dataPoints, dataSet.samples.length);
  const result: ScanResult = {
    task: task.name,
    title: task.title,
    params,
    scorer: params.scorer,
    columns: task.columns,
    dataset: summary(data.dataset, output.labelNames),
    ...(reference ? { reference: summary(reference.dataset, output.labelNames) } : {}),
    samples: rankSamples(output, data.dataset, neighbourLists, topClasses),
    skipped: data.representation.skipped,
    metrics:
      Object.keys(neighbours.metrics).length || data.representation.metrics
        ? { ...output.metrics, ...neighbours.metrics, ...data.representation.metrics }
        : output.metrics,
    notices: [
      ...knnNotices,
      ...prepared.flatMap((entry) => entry.representation.notices ?? []),
      ...(output.notices ?? []),
    ],
    ...(output.prototypes ? { prototypes: output.prototypes } : {}),
    ...(output.criticisms ? { criticisms: output.criticisms } : {}),
    ...(output.distribution ? { distribution: output.distribution } : {}),
    ...(map ? { map } : {}),
    timings,
    cached: { embeddings: prepared.every((entry) => entry.representation.cached), result: false },
  };
  if (resultKey) await cache!.writeResult(resultKey, result);
  // Not cached with the result: the same ranking may come from an explicit --scorer, and the
  // cache entries found damaged (and rebuilt) concern this run only.
  const damaged = cache?.notices ?? [];
  return withCalibrationNotice({ ...result, notices: [...damaged, ...result.notices!] }, calibration);
}

export async function openRole(
  spec: DatasetSpec,
  labelsOptional: boolean,
): Promise<{ spec: DatasetSpec; dataset: Dataset }> {
  const dataset = await openDataset(spec.path, {
    labelsOptional,
    labelsPath: spec.labels,
    labelColumn: spec.labelColumn,
    pathColumn: spec.pathColumn,
    textColumn: spec.textColumn,
  });
  return { spec, dataset };
}

/** A reference set is only useful in the data's space: same representation, same width. */
function checkComparable(data: TaskDataset, reference: TaskDataset): void {
  const a = data.representation;
  const b = reference.representation;
  if (a.source !== b.source || a.points.dim !== b.points.dim) {
    throw new InputError(
      reference.dataset.source,
      `cannot be compared with ${data.dataset.source}: its samples become ${b.points.dim} ${describe(b.source)}, ` +
        `the data's ${a.points.dim} ${describe(a.source)}; give a reference of the same kind and size`,
    );
  }
}

function describe(source: string): string {
  return source === 'model-embeddings'
    ? 'model features'
    : source === 'pixels-pca'
      ? 'pixel components'
      : 'features';
}

/**
 * Highest score first (NaN last), ties in dataset order; rank 1 is the most deserving of review.
 * `neighbours` (by dataset index) are the lists of the data's kNN graph, when the task built one;
 * `probabilities` (by dataset index) the model's top classes, when a model ran.
 */
export function rankSamples(
  output: TaskOutput,
  dataset: Dataset,
  neighbours?: (number[] | undefined)[],
  probabilities?: (ClassProbability[] | undefined)[],
): SampleResult[] {
  const ordered = [...output.samples].sort((a, b) => {
    const aNaN = Number.isNaN(a.score);
    const bNaN = Number.isNaN(b.score);
    if (aNaN || bNaN) return aNaN === bNaN ? a.index - b.index : aNaN ? 1 : -1;
    return b.score - a.score || a.index - b.index;
  });
  return ordered.map((scored, position) => {
    const { index, score } = scored;
    const sample = dataset.samples[index];
    const result: SampleResult = { index, id: sample.id, score, rank: position + 1 };
    if (sample.path !== undefined) result.path = sample.path;
    if (sample.line !== undefined) result.line = sample.line;
    // The task's columns, in its order; a loop over keys, not a rest copy and an entries array per sample.
    for (const key in scored) {
      const value = scored[key];
      if (key !== 'index' && key !== 'score' && value !== undefined) result[key] = value;
    }
    const listed = neighbours?.[index];
    if (listed) result.neighbours = listed;
    const topClasses = probabilities?.[index];
    if (topClasses) result.probabilities = topClasses;
    return result;
  });
}

export function summary(dataset: Dataset, labelNames: string[]): DatasetSummary {
  const result: DatasetSummary = {
    kind: dataset.kind,
    source: dataset.source,
    count: dataset.samples.length,
    labelNames,
  };
  if (dataset.table) {
    result.manifest = dataset.table.file;
    if (dataset.table.labelColumn !== undefined) result.labelColumn = dataset.table.labelColumn;
    result.root = dirname(dataset.table.file);
  } else if (dataset.kind === 'image-folder') {
    result.root = dataset.source;
  }
  return result;
}

/** Results depend on everything that changes the ranking, labels included. */
async function resultCacheKey(
  params: ResolvedScanParams,
  opened: { spec: DatasetSpec; dataset: Dataset }[],
): Promise<string> {
  const { noCache: _noCache, cacheRoot: _cacheRoot, batchSize: _batchSize, ...ranking } = params;
  // The model file and its sidecar (class names, preprocessing) both shape the result: keyed by
  // their bytes, since a model re-exported over itself may keep its size and modification time.
  const model = params.model
    ? [
        await contentDigest(params.model),
        await contentDigest(params.model.replace(/\.onnx$/i, '') + '.margin.json'),
      ]
    : null;
  const graph = params.knnGraph ? await contentDigest(params.knnGraph) : null;
  const datasets = [];
  for (const { spec, dataset } of opened) {
    datasets.push({ role: spec.role, data: await datasetFingerprint(dataset), labels: dataset.labels });
  }
  return hashJson({ version: RESULT_VERSION, ranking, model, graph, datasets });
}
