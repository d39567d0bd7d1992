/**
 * Type guards for what the .margin/ cache reads back. A cache file is input
 * like any other: it may be truncated, hand-edited or overwritten with
 * anything, so every field the engine relies on is checked before use. Each
 * check returns the first problem as a short phrase ("samples is not a
 * list"), or undefined when the value is well formed.
 */
import type { ScanResult } from '../protocol/engine';

type Problem = string | undefined;
type Check = (value: unknown, name: string) => Problem;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const string: Check = (value, name) => (typeof value === 'string' ? undefined : `${name} is not text`);
export const boolean: Check = (value, name) =>
  typeof value === 'boolean' ? undefined : `${name} is not true/false`;
/** JSON has no NaN or Infinity: JSON.stringify writes them as null, so null stands for a non-finite number. */
export const number: Check = (value, name) =>
  typeof value === 'number' || value === null ? undefined : `${name} is not a number`;
export const count: Check = (value, name) =>
  Number.isInteger(value) && (value as number) >= 0 ? undefined : `${name} is not a whole number ≥ 0`;

export const optional =
  (check: Check): Check =>
  (value, name) =>
    value === undefined ? undefined : check(value, name);

export const listOf =
  (check: Check): Check =>
  (value, name) => {
    if (!Array.isArray(value)) return `${name} is not a list`;
    for (let i = 0; i < value.length; i++) {
      const problem = check(value[i], `${name}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  };

export const recordOf =
  (check: Check): Check =>
  (value, name) => {
    if (!isObject(value)) return `${name} is not an object`;
    for (const [key, item] of Object.entries(value)) {
      const problem = check(item, `${name}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  };

export const shape =
  (fields: Record<string, Check>): Check =>
  (value, name) => {
    if (!isObject(value)) return `${name} is not an object`;
    for (const [key, check] of Object.entries(fields)) {
      const problem = check(value[key], name ? `${name}.${key}` : key);
      if (problem) return problem;
    }
    return undefined;
  };

export const oneOf =
  (...allowed: unknown[]): Check =>
  (value, name) =>
    allowed.includes(value) ? undefined : `${name} is not one of ${allowed.join(', ')}`;

const columnValue: Check = (value, name) =>
  value === undefined || value === null || ['string', 'number', 'boolean'].includes(typeof value)
    ? undefined
    : `${name} is not a cell value`;

const summary = shape({
  kind: string,
  source: string,
  count,
  labelNames: listOf(string),
  manifest: optional(string),
  labelColumn: optional(string),
  root: optional(string),
});

/** A probability: a number from 0 to 1, or null (JSON's NaN, from a model whose logits overflowed). */
const probability: Check = (value, name) =>
  value === null || (typeof value === 'number' && value >= 0 && value <= 1)
    ? undefined
    : `${name} is not a probability`;

/** The fields of a sample that are lists; every other field is a cell of the task's columns. */
const sampleLists = new Map<string, Check>([
  ['neighbours', listOf(count)],
  ['probabilities', listOf(shape({ label: string, p: probability }))],
]);

/** A sample: the task's cells by key, and the fields that are lists (`neighbours`, `probabilities`). */
const sampleRecord: Check = (value, name) => {
  if (!isObject(value)) return `${name} is not an object`;
  for (const [key, item] of Object.entries(value)) {
    const problem = (sampleLists.get(key) ?? columnValue)(item, `${name}.${key}`);
    if (problem) return problem;
  }
  return undefined;
};

export const skippedSample = shape({ index: count, file: string, problem: string });

const scanResultShape = shape({
  task: string,
  title: string,
  params: shape({ task: string, datasets: listOf(shape({ role: string, path: string })) }),
  scorer: string,
  columns: listOf(
    shape({
      key: string,
      title: string,
      kind: oneOf('label', 'number', 'text'),
      description: optional(string),
      contrastWith: optional(string),
    }),
  ),
  dataset: summary,
  reference: optional(summary),
  samples: listOf(sampleRecord),
  skipped: listOf(skippedSample),
  metrics: optional(recordOf(number)),
  notices: optional(listOf(string)),
  prototypes: optional(listOf(count)),
  criticisms: optional(listOf(count)),
  distribution: optional(
    shape({ title: string, series: listOf(shape({ name: string, values: listOf(number) })) }),
  ),
  map: optional(shape({ method: oneOf('pca'), x: listOf(number), y: listOf(number) })),
  timings: recordOf(number),
  cached: shape({ embeddings: boolean, result: boolean }),
});

const sampleFields = shape({
  index: count,
  id: string,
  path: optional(string),
  score: number,
  rank: count,
  line: optional(count),
});

/**
 * A cached scan result: every field of `ScanResult`, and the facts the CLI
 * table, the CSV and the panel take for granted: samples in rank order 1, 2, …,
 * and every sample index inside the dataset.
 */
export function scanResultProblem(value: unknown): Problem {
  const problem = scanResultShape(value, '');
  if (problem) return problem;
  const result = value as ScanResult;
  const size = result.dataset.count;
  for (let i = 0; i < result.samples.length; i++) {
    const sample = result.samples[i];
    const fields = sampleFields(sample, `samples[${i}]`);
    if (fields) return fields;
    if (sample.rank !== i + 1) return `samples[${i}] has rank ${sample.rank}, expected ${i + 1}`;
    if (sample.index >= size)
      return `samples[${i}].index ${sample.index} is outside the dataset (${size} samples)`;
    const outside = sample.neighbours?.find((index) => index >= size);
    if (outside !== undefined)
      return `samples[${i}].neighbours lists sample ${outside}, outside the dataset (${size} samples)`;
  }
  if (result.map && (result.map.x.length !== size || result.map.y.length !== size))
    return `map has ${result.map.x.length} × ${result.map.y.length} coordinates, expected ${size} each`;
  for (const list of ['prototypes', 'criticisms'] as const) {
    const outside = result[list]?.find((index) => index >= size);
    if (outside !== undefined)
      return `${list} lists sample ${outside}, outside the dataset (${size} samples)`;
  }
  return undefined;
}
