import { resolve } from 'node:path';
import { InputError } from '../core/errors';
import { openDataset } from '../data/open';
import type { ScanParams, ScanResult, TaskName } from '../protocol/engine';
import { MarginCache } from './cache';
import type { JobContext } from './context';
import { datasetFingerprint, fileStamp, hashJson } from './fingerprint';
import { computeRepresentation } from './representation';
import { rankLabelIssues } from './tasks/labels';

/** Tasks whose issue has landed; the others answer "not available yet". */
const AVAILABLE_TASKS: readonly TaskName[] = ['labels'];

export class NotImplementedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotImplementedError';
  }
}

/** Paths in the params made absolute, so cache keys and messages do not depend on the cwd. */
export function normalizeParams(params: ScanParams, cwd: string): ScanParams {
  const absolute = (path: string | undefined) => (path ? resolve(cwd, path) : undefined);
  const normalized: ScanParams = {
    ...params,
    data: resolve(cwd, params.data),
    labels: absolute(params.labels),
    model: absolute(params.model),
    reference: absolute(params.reference),
    referenceLabels: absolute(params.referenceLabels),
    cacheRoot: absolute(params.cacheRoot) ?? cwd,
  };
  for (const key of Object.keys(normalized) as (keyof ScanParams)[]) {
    if (normalized[key] === undefined) delete normalized[key];
  }
  return normalized;
}

export function validateParams(params: ScanParams): void {
  if (!Number.isInteger(params.k) || params.k < 1) throw new InputError('--k', `must be a positive integer, got ${params.k}`);
  if (params.batchSize !== undefined && (!Number.isInteger(params.batchSize) || params.batchSize < 1)) {
    throw new InputError('--batch-size', `must be a positive integer, got ${params.batchSize}`);
  }
  if (!AVAILABLE_TASKS.includes(params.task)) {
    throw new NotImplementedError(`the ${params.task} task is not available yet in this version; only: ${AVAILABLE_TASKS.join(', ')}`);
  }
}

/** One scan, start to end: dataset → representation → task → ranked samples. */
export async function runScan(input: ScanParams, context: JobContext, cwd = process.cwd()): Promise<ScanResult> {
  const params = normalizeParams(input, cwd);
  validateParams(params);
  const timings: Record<string, number> = {};
  const timed = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      timings[stage] = Math.round(performance.now() - start);
    }
  };

  context.progress('reading the dataset', 0, 1);
  const dataset = await timed('dataset', () =>
    openDataset(params.data, {
      labelsPath: params.labels,
      labelColumn: params.labelColumn,
      pathColumn: params.pathColumn,
      textColumn: params.textColumn,
    }),
  );
  context.log('info', `${params.data}: ${dataset.samples.length} samples (${dataset.kind})`);
  const cache = params.noCache ? undefined : new MarginCache(params.cacheRoot!);

  const resultKey = cache && (await resultCacheKey(params, dataset));
  const cachedResult = resultKey ? await cache!.readResult(resultKey) : undefined;
  if (cachedResult) {
    context.log('info', 'result read from the cache');
    return { ...cachedResult, params, cached: { embeddings: true, result: true } };
  }

  const representation = await timed('representation', () => computeRepresentation(dataset, params, context, cache));
  const ranked = await timed('task', () => rankLabelIssues(dataset, representation, params, context));
  const result: ScanResult = {
    task: params.task,
    params,
    dataset: { kind: dataset.kind, source: dataset.source, count: dataset.samples.length, labelNames: ranked.labelNames },
    samples: ranked.samples,
    skipped: representation.skipped,
    metrics: ranked.metrics,
    timings,
    cached: { embeddings: representation.cached, result: false },
  };
  if (resultKey) await cache!.writeResult(resultKey, result);
  return result;
}

/** Results depend on everything that changes the ranking, labels included. */
async function resultCacheKey(params: ScanParams, dataset: Awaited<ReturnType<typeof openDataset>>): Promise<string> {
  const { noCache: _noCache, cacheRoot: _cacheRoot, batchSize: _batchSize, ...ranking } = params;
  // The model file and its sidecar (class names, preprocessing) both shape the result.
  const model = params.model
    ? [await fileStamp(params.model), await fileStamp(params.model.replace(/\.onnx$/i, '') + '.margin.json')]
    : null;
  return hashJson({
    version: 1,
    ranking,
    model,
    data: await datasetFingerprint(dataset),
    labels: dataset.labels,
  });
}
