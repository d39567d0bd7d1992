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
}

export type ResultsHostToWebview = { type: 'results'; payload: ResultsPayload };

/**
 * `openSample`: open the file of the sample with this ResultRow.index;
 * `explainSample`: explain the model's prediction for it (MARGIN: Explain Prediction).
 */
export type ResultsWebviewToHost =
  | ReadyMessage
  | { type: 'openSample'; index: number }
  | { type: 'explainSample'; index: number };

/**
 * The host is trusted and the payload can hold 60,000 rows: the guard checks
 * the envelope and that the rows are a list, not every row.
 */
export function isResultsHostMessage(value: unknown): value is ResultsHostToWebview {
  return hasType(value, 'results') && isRecord(value.payload) && Array.isArray(value.payload.rows);
}

export function isResultsWebviewMessage(value: unknown): value is ResultsWebviewToHost {
  return (
    isReadyMessage(value) ||
    ((hasType(value, 'openSample') || hasType(value, 'explainSample')) && isIndex(value.index))
  );
}
