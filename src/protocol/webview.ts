/**
 * Messages between the extension host and the results webview: one union per
 * direction with a literal `type` (STYLE.md habit 1).
 */
import type { ScanResult, TaskName } from './engine';

/** One row as the panel shows it; `thumbnail` is an asWebviewUri string. */
export interface ResultRow {
  index: number;
  rank: number;
  id: string;
  label?: string;
  suggested?: string;
  predicted?: string;
  score: number;
  thumbnail?: string;
  /** Whether a click can open a file for this row. */
  openable: boolean;
}

export interface ResultsPayload {
  task: TaskName;
  title: string;
  dataset: ScanResult['dataset'];
  rows: ResultRow[];
  skipped: ScanResult['skipped'];
  metrics?: Record<string, number>;
}

export type HostToWebview = { type: 'results'; payload: ResultsPayload };

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'openSample'; index: number };
