/**
 * Messages between the extension host and the results webview: one union per
 * direction with a literal `type` (STYLE.md habit 1), and a type guard for
 * each, used by the side that receives.
 */
import type { ColumnValue, ResultColumn, ScanResult, TaskName } from './engine';
import { hasType, isIndex, isReadyMessage, isRecord, type ReadyMessage } from './webviewPanel';

/** One row as the panel shows it; `thumbnail` is an asWebviewUri string. */
export interface ResultRow {
  index: number;
  rank: number;
  id: string;
  score: number;
  /** The task's columns (ResultsPayload.columns), by key; absent values are left out. */
  values: Record<string, ColumnValue>;
  thumbnail?: string;
  /** Whether a click can open a file for this row. */
  openable: boolean;
  /** Dataset indices (ResultRow.index) of the sample's nearest neighbours, nearest first: why it scored as it did. */
  neighbours?: number[];
  /** The model's top classes for the sample, most probable first (SampleResult.probabilities). */
  probabilities?: ClassProbability[];
}

/** One of the model's top classes for a sample, as SampleResult.probabilities holds it. */
export interface ClassProbability {
  label: string;
  p: number;
}

/** A person's decision on a sample, as the panel shows it (the review store keeps more: who, when, from). */
export type ReviewMark = { state: 'ok' } | { state: 'relabelled'; to: string };

/** Decisions by sample id (ResultRow.id); samples without one are left out. */
export type ReviewMarks = Record<string, ReviewMark>;

/** 2-D coordinates of every sample by dataset index (ResultRow.index), for the embedding map. */
export interface EmbeddingMap {
  method: string;
  /** Lists on the host; the webview reads the typed arrays the message brought (PackedEmbeddingMap). */
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

export interface ResultsPayload {
  task: TaskName;
  title: string;
  scorer: string;
  /** The task's columns that have a value in at least one row, in display order. */
  columns: ResultColumn[];
  dataset: ScanResult['dataset'];
  reference?: ScanResult['reference'];
  rows: ResultRow[];
  skipped: ScanResult['skipped'];
  metrics?: Record<string, number>;
  notices: string[];
  /** Sample indices (ResultRow.index), best first. */
  prototypes?: number[];
  criticisms?: number[];
  distribution?: ScanResult['distribution'];
  map?: EmbeddingMap;
  /** Review decisions known when the results were sent; later ones come as `review` messages. */
  reviewed?: ReviewMarks;
}

/**
 * A task column's value for every row, in ResultsPayload.rows order, as sent:
 * `numbers` when every value is a number (NaN: absent), else `codes` into a
 * dictionary of the distinct values (-1: absent), so 60,000 labels cross as
 * one Int32Array and ten strings.
 */
export type PackedColumn =
  | { encoding: 'numbers'; values: Float64Array }
  | { encoding: 'codes'; codes: Int32Array; dictionary: (string | number | boolean)[] };

/**
 * ResultsPayload.rows column-wise, as the results message carries them. The
 * browser clones 60,000 row objects in ~0.7 s but a typed array at memcpy
 * speed: one array per field, typed where numeric. The webview rebuilds the
 * rows (webview/results/unpackRows.ts); src/extension/results/packRows.ts packs them.
 */
export interface PackedRows {
  count: number;
  index: Int32Array;
  rank: Float64Array;
  score: Float64Array;
  id: string[];
  /** '' for rows without one. */
  thumbnail: string[];
  /** 1: a click can open a file for the row. */
  openable: Uint8Array;
  /** By column key (ResultsPayload.columns). */
  values: Record<string, PackedColumn>;
  /** Each row's number of neighbours (-1: none sent); their indices follow one another in `neighbours`. */
  neighbourCounts: Int32Array;
  neighbours: Int32Array;
  /** The rows' top classes the same way: counts (0: none), then a label code into `labels` and a p per class. */
  probabilities?: { counts: Int32Array; codes: Int32Array; p: Float64Array; labels: string[] };
}

/** EmbeddingMap as sent: the coordinates typed. */
export interface PackedEmbeddingMap {
  method: string;
  x: Float64Array;
  y: Float64Array;
}

/** ResultsPayload as the results message carries it: the rows and the map packed. */
export type PackedResultsPayload = Omit<ResultsPayload, 'rows' | 'map'> & {
  rows: PackedRows;
  map?: PackedEmbeddingMap;
};

/**
 * `results`: new results (the rows, once and packed: 60,000 rows are costly to clone);
 * `review`: the review decisions changed, here are all of them for these results.
 */
export type ResultsHostToWebview =
  { type: 'results'; payload: PackedResultsPayload } | { type: 'review'; reviewed: ReviewMarks };

/** The actions the webview asks the host for, each about the sample with this ResultRow.index. */
export const SAMPLE_ACTIONS = ['openSample', 'explainSample', 'markReviewed', 'relabelSample'] as const;
export type SampleAction = (typeof SAMPLE_ACTIONS)[number];

/**
 * `openSample`: open the sample's file; `explainSample`: MARGIN: Explain
 * Prediction for it; `markReviewed` / `relabelSample`: the commands
 * margin.markReviewed / margin.relabelSample for it (resultsPanel.ts,
 * SampleCommandArgument).
 */
export type ResultsWebviewToHost = ReadyMessage | { type: SampleAction; index: number };

/**
 * The host is trusted and the payload can hold 60,000 rows: the guard checks
 * the envelope and that every packed array is of its type and holds one entry
 * per row (so unpacking cannot read past an end), not every value.
 */
export function isResultsHostMessage(value: unknown): value is ResultsHostToWebview {
  if (hasType(value, 'review')) return isRecord(value.reviewed);
  return (
    hasType(value, 'results') &&
    isRecord(value.payload) &&
    Array.isArray(value.payload.columns) &&
    isPackedRows(value.payload.rows) &&
    (value.payload.map === undefined || isPackedMap(value.payload.map))
  );
}

function isPackedRows(rows: unknown): rows is PackedRows {
  if (!isRecord(rows) || !isIndex(rows.count)) return false;
  const count = rows.count;
  const sized = (array: unknown, type: { new (length: number): ArrayLike<number> } | ArrayConstructor) =>
    array instanceof type && (array as ArrayLike<unknown>).length === count;
  return (
    sized(rows.index, Int32Array) &&
    sized(rows.rank, Float64Array) &&
    sized(rows.score, Float64Array) &&
    sized(rows.id, Array) &&
    sized(rows.thumbnail, Array) &&
    sized(rows.openable, Uint8Array) &&
    isRecord(rows.values) &&
    Object.values(rows.values).every((column) => isPackedColumn(column, count)) &&
    sized(rows.neighbourCounts, Int32Array) &&
    rows.neighbours instanceof Int32Array &&
    sumOfCounts(rows.neighbourCounts as Int32Array) === rows.neighbours.length &&
    (rows.probabilities === undefined || isPackedProbabilities(rows.probabilities, count))
  );
}

function isPackedColumn(column: unknown, count: number): column is PackedColumn {
  if (!isRecord(column)) return false;
  if (column.encoding === 'numbers') return column.values instanceof Float64Array && column.values.length === count;
  return (
    column.encoding === 'codes' &&
    column.codes instanceof Int32Array &&
    column.codes.length === count &&
    Array.isArray(column.dictionary) &&
    column.codes.every((code) => code >= -1 && code < (column.dictionary as unknown[]).length)
  );
}

function isPackedProbabilities(value: unknown, count: number): value is PackedRows['probabilities'] {
  if (!isRecord(value) || !(value.counts instanceof Int32Array) || value.counts.length !== count) return false;
  const total = sumOfCounts(value.counts);
  return (
    value.codes instanceof Int32Array &&
    value.codes.length === total &&
    value.p instanceof Float64Array &&
    value.p.length === total &&
    Array.isArray(value.labels) &&
    value.codes.every((code) => code >= 0 && code < (value.labels as unknown[]).length)
  );
}

function isPackedMap(map: unknown): map is PackedEmbeddingMap {
  return (
    isRecord(map) &&
    typeof map.method === 'string' &&
    map.x instanceof Float64Array &&
    map.y instanceof Float64Array &&
    map.x.length === map.y.length
  );
}

/** Σ max(count, 0): the length of the flat list the counts describe (-1 counts none). */
function sumOfCounts(counts: Int32Array): number {
  let total = 0;
  for (const count of counts) total += Math.max(count, 0);
  return total;
}

export function isResultsWebviewMessage(value: unknown): value is ResultsWebviewToHost {
  return (
    isReadyMessage(value) ||
    (isRecord(value) &&
      SAMPLE_ACTIONS.includes(value.type as SampleAction) &&
      isIndex((value as { index?: unknown }).index))
  );
}
