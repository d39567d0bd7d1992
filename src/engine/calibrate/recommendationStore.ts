/**
 * Where a calibration's recommendation lives: `.margin/calibration/<key>.json`,
 * keyed by the task, the dataset as given (path, labels file, columns) and the
 * model's path. Paths, not contents: a recommendation describes the data and
 * the model, and stays valid while a few files change; `margin calibrate`
 * again replaces it. Written atomically; a file that does not validate is
 * ignored and said so, never an error.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CalibrationRecall, DatasetSpec } from '../../protocol/engine';
import { writeFileAtomic } from '../atomicWrite';
import { hashJson } from '../fingerprint';
import type { ResolvedScanParams, TaskDefinition } from '../tasks/types';

const STORE_VERSION = 1;

export interface StoredRecommendation {
  version: typeof STORE_VERSION;
  task: string;
  scorer: string;
  data: Omit<DatasetSpec, 'role'>;
  model: string | null;
  k: number;
  fraction: number;
  seeds: number;
  /** The recommended scorer's recall at 10% and 30%, over the seeds. */
  recall: CalibrationRecall[];
  /** ISO time of the calibration. */
  calibratedAt: string;
}

/** What a scan learns from a stored calibration: the scorer `auto` means here, and a notice saying so. */
export interface CalibratedChoice {
  scorer?: string;
  notice: string;
}

/** The `data` dataset of resolved params, without its role: what a recommendation is keyed by. */
function dataOf(params: ResolvedScanParams): Omit<DatasetSpec, 'role'> | undefined {
  const spec = params.datasets.find((candidate) => candidate.role === 'data');
  if (!spec) return undefined;
  const { role: _role, ...data } = spec;
  return data;
}

/** undefined when the params name no data (the scan then refuses them itself). */
export function recommendationPath(task: string, params: ResolvedScanParams): string | undefined {
  const data = dataOf(params);
  if (!data) return undefined;
  const key = hashJson({ version: STORE_VERSION, task, data, model: params.model ?? null });
  return join(params.cacheRoot, '.margin', 'calibration', `${key}.json`);
}

export async function writeRecommendation(
  task: string,
  params: ResolvedScanParams,
  value: Omit<StoredRecommendation, 'version' | 'task' | 'data' | 'model'>,
): Promise<string> {
  const path = recommendationPath(task, params)!;
  const stored: StoredRecommendation = {
    version: STORE_VERSION,
    task,
    data: dataOf(params)!,
    model: params.model ?? null,
    ...value,
  };
  await ensureCacheIgnored(params.cacheRoot);
  await writeFileAtomic(path, JSON.stringify(stored, null, 2) + '\n');
  return path;
}

/**
 * For a scan whose scorer is `auto` (or not given): the scorer calibration
 * chose for this dataset and model, if it has run. `params` are the scan's,
 * resolved; `requested` is the scorer the user asked for.
 */
export async function calibratedScorer(
  task: TaskDefinition,
  params: ResolvedScanParams,
  requested: string | undefined,
): Promise<CalibratedChoice | undefined> {
  if (requested !== undefined && requested !== 'auto') return undefined;
  const path = recommendationPath(task.name, params);
  if (!path) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  const stored = parseStored(text, task.name);
  if (!stored)
    return {
      notice: `ignored ${path}: not a calibration this version can read (run margin calibrate again)`,
    };
  if (!task.scorers.some((scorer) => scorer.name === stored.scorer))
    return {
      notice: `ignored the calibration's choice "${stored.scorer}": the ${task.name} task has no such scorer now (run margin calibrate again)`,
    };
  const at10 = stored.recall.find((entry) => entry.fraction === 0.1);
  const figure = at10 ? `, recall@10% ${at10.mean.toFixed(3)} ± ${at10.sd.toFixed(3)}` : '';
  return {
    scorer: stored.scorer,
    notice:
      `scorer ${stored.scorer} chosen by calibration on this dataset and model ` +
      `(${stored.seeds} seeds, ${Math.round(stored.fraction * 100)}% of labels flipped${figure}; ${stored.calibratedAt.slice(0, 10)})`,
  };
}

/** A result with the calibration's notice first (kept out of cached results: the ranking alone is cached). */
export function withCalibrationNotice<T extends { notices?: string[] }>(
  result: T,
  choice: CalibratedChoice | undefined,
): T {
  return choice ? { ...result, notices: [choice.notice, ...(result.notices ?? [])] } : result;
}

function parseStored(text: string, task: string): StoredRecommendation | undefined {
  let value: Partial<StoredRecommendation>;
  try {
    value = JSON.parse(text) as Partial<StoredRecommendation>;
  } catch {
    return undefined;
  }
  const valid =
    value !== null &&
    typeof value === 'object' &&
    value.version === STORE_VERSION &&
    value.task === task &&
    typeof value.scorer === 'string' &&
    typeof value.seeds === 'number' &&
    typeof value.fraction === 'number' &&
    typeof value.calibratedAt === 'string' &&
    Array.isArray(value.recall) &&
    value.recall.every(
      (entry) =>
        typeof entry?.fraction === 'number' && typeof entry.mean === 'number' && typeof entry.sd === 'number',
    );
  return valid ? (value as StoredRecommendation) : undefined;
}

/** The same `.gitignore` the cache writes, so a calibration alone does not land in the user's commits. */
async function ensureCacheIgnored(root: string): Promise<void> {
  const ignore = join(root, '.margin', '.gitignore');
  try {
    await readFile(ignore);
  } catch {
    await writeFileAtomic(ignore, '# MARGIN Lens cache: safe to delete\n*\n');
  }
}
