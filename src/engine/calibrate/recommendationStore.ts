/**
 * Where a calibration's recommendation lives: `.margin/calibration/<key>.json`.
 * A recommendation holds for what it was measured on: the task, the dataset
 * as given (path, labels file, columns) and the model as it is now, by its
 * path and its content's SHA-256. The file is found by the first three (no
 * model is hashed unless a recommendation may apply); the model's hash, kept
 * in the file, must match too, so a retrained model does not inherit the old
 * choice. `margin calibrate` again replaces it.
 *
 * The file is input like a cache entry (cacheSchema.ts): truncated, edited
 * or overwritten, it is checked field by field before use. One that does not
 * validate, was filed under another key, names a scorer that no longer
 * exists or cannot run here is ignored and said so in one line: a scan with
 * `--scorer auto` then runs with the task's default, never fails. Writes are
 * atomic.
 */
import { readFile } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import type { CalibrationRecall, DatasetSpec } from '../../protocol/engine';
import { writeFileAtomic } from '../atomicWrite';
import { count, listOf, optional, shape, string } from '../cacheSchema';
import { contentDigest, hashJson } from '../fingerprint';
import type { ResolvedScanParams, TaskDefinition } from '../tasks/types';

/** 2: the model's content hash joined the key. A file of another version is ignored, and said so. */
const STORE_VERSION = 2;

export interface StoredRecommendation {
  version: typeof STORE_VERSION;
  task: string;
  scorer: string;
  data: Omit<DatasetSpec, 'role'>;
  model: string | null;
  /** SHA-256 (hex) of the model file's bytes when it was calibrated; null without a model. */
  modelSha256: string | null;
  k: number;
  fraction: number;
  seeds: number;
  /** The recommended scorer's recall at each fraction, over the seeds. */
  recall: CalibrationRecall[];
  /** ISO time of the calibration. */
  calibratedAt: string;
}

/**
 * What a scan learns from a stored calibration: the scorer `auto` means here
 * and a notice saying so, or (no scorer) a notice saying why the file was ignored.
 */
export interface CalibratedChoice {
  scorer?: string;
  notice: string;
}

type Check = (value: unknown, name: string) => string | undefined;

const nullable =
  (check: Check): Check =>
  (value, name) =>
    value === null ? undefined : check(value, name);
const within =
  (low: number, high: number, lowOpen = false): Check =>
  (value, name) =>
    typeof value === 'number' && (lowOpen ? value > low : value >= low) && value <= high
      ? undefined
      : `${name} is not a number in ${lowOpen ? '(' : '['}${low}, ${high}]`;
const positive: Check = (value, name) =>
  Number.isInteger(value) && (value as number) >= 1 ? undefined : `${name} is not a whole number ≥ 1`;
const hex: Check = (value, name) =>
  typeof value === 'string' && /^[0-9a-f]{64}$/.test(value) ? undefined : `${name} is not a SHA-256`;
const isoTime: Check = (value, name) =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? undefined : `${name} is not a date`;

/** Every field a scan reads, with the ranges calibration writes (a recall is a share, a flip fraction at most ½). */
const storedShape = shape({
  version: count,
  task: string,
  scorer: string,
  data: shape({
    path: string,
    labels: optional(string),
    textColumn: optional(string),
    labelColumn: optional(string),
    pathColumn: optional(string),
  }),
  model: nullable(string),
  modelSha256: nullable(hex),
  k: positive,
  fraction: within(0, 0.5, true),
  seeds: positive,
  recall: listOf(
    shape({
      fraction: within(0, 1, true),
      mean: within(0, 1),
      sd: within(0, 1),
      perSeed: optional(listOf(within(0, 1))),
    }),
  ),
  calibratedAt: isoTime,
});

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
  value: Omit<StoredRecommendation, 'version' | 'task' | 'data' | 'model' | 'modelSha256'>,
): Promise<string> {
  const path = recommendationPath(task, params)!;
  const stored: StoredRecommendation = {
    version: STORE_VERSION,
    task,
    data: dataOf(params)!,
    model: params.model ?? null,
    modelSha256: params.model ? await contentDigest(params.model) : null,
    ...value,
  };
  await ensureCacheIgnored(params.cacheRoot);
  await writeFileAtomic(path, JSON.stringify(stored, null, 2) + '\n');
  return path;
}

/**
 * For a scan whose scorer is `auto` (or not given): the scorer calibration
 * chose for this dataset and model, if it has run. `params` are the scan's,
 * resolved; `requested` is the scorer the user asked for. Never throws for
 * what the file holds.
 */
export async function calibratedScorer(
  task: TaskDefinition,
  params: ResolvedScanParams,
  requested: string | undefined,
): Promise<CalibratedChoice | undefined> {
  if (requested !== undefined && requested !== 'auto') return undefined;
  const path = recommendationPath(task.name, params);
  if (!path) return undefined;
  const ignored = (problem: string): CalibratedChoice => ({
    notice: `ignored the calibration file ${relative(params.cacheRoot, path)} (${problem}); run margin calibrate again`,
  });

  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    // No file: calibration has not run on this data and model.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return ignored(`it cannot be read: ${(error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return ignored('it is not valid JSON (truncated or overwritten)');
  }
  const problem = storedProblem(value, task.name, params);
  if (problem) return ignored(problem);
  const stored = value as StoredRecommendation;

  const same = await sameModel(stored, params.model);
  // A model that cannot be read is the scan's to report, by its own message.
  if (same === undefined) return undefined;
  if (!same) return ignored(`${basename(params.model!)} has changed since it was calibrated`);

  const scorer = task.scorers.find((candidate) => candidate.name === stored.scorer);
  if (!scorer)
    return {
      notice: `ignored the calibration's choice "${stored.scorer}": the ${task.name} task has no such scorer now (run margin calibrate again)`,
    };
  const hasReference = params.datasets.some((spec) => spec.role === 'reference');
  const lacks =
    scorer.needs?.model && !params.model
      ? 'a model'
      : scorer.needs?.reference && !hasReference
        ? 'a labelled reference set'
        : undefined;
  if (lacks)
    return {
      notice: `ignored the calibration's choice "${stored.scorer}": it needs ${lacks}, which this scan does not have (run margin calibrate again)`,
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

/** The first reason the parsed file cannot be used for this scan, or undefined. */
function storedProblem(value: unknown, task: string, params: ResolvedScanParams): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'it does not hold a JSON object';
  const version = (value as { version?: unknown }).version;
  if (typeof version === 'number' && version !== STORE_VERSION)
    return `it was written by another version of MARGIN Lens (format ${version}, this one reads ${STORE_VERSION})`;
  const problem = storedShape(value, '');
  if (problem) return problem;
  const stored = value as StoredRecommendation;
  // Filed under this key but about something else (copied or edited by hand): not this calibration.
  const sameData =
    JSON.stringify(sortedEntries(stored.data)) === JSON.stringify(sortedEntries(dataOf(params)!));
  if (stored.task !== task || !sameData || stored.model !== (params.model ?? null))
    return 'it belongs to another task, dataset or model';
  if ((stored.model === null) !== (stored.modelSha256 === null))
    return stored.model === null ? 'it gives a model hash without a model' : 'it gives no hash of its model';
  return undefined;
}

/**
 * Whether the model's bytes are those calibrated (true without a model);
 * undefined when the model cannot be read.
 */
async function sameModel(
  stored: StoredRecommendation,
  model: string | undefined,
): Promise<boolean | undefined> {
  if (!model || stored.modelSha256 === null) return true;
  try {
    const digest = await contentDigest(model);
    return digest === 'missing' ? undefined : digest === stored.modelSha256;
  } catch {
    return undefined;
  }
}

/** A spec's defined fields in name order, so that a hand-reordered file still compares equal. */
function sortedEntries(spec: object): [string, unknown][] {
  return Object.entries(spec)
    .filter(([, value]) => value !== undefined)
    .sort(([a], [b]) => a.localeCompare(b));
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
