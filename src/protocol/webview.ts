/**
 * Messages between the extension host and the results webview: one union per
 * direction with a literal `type` (STYLE.md habit 1).
 */
import type { ColumnValue, ResultColumn, ScanResult, TaskName } from './engine';

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

export type HostToWebview = { type: 'results'; payload: ResultsPayload };

export type WebviewToHost = { type: 'ready' } | { type: 'openSample'; index: number };
