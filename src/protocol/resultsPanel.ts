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
}

/** A person's decision on a sample, as the panel shows it (the review store keeps more: who, when, from). */
export type ReviewMark = { state: 'ok' } | { state: 'relabelled'; to: string };

/** Decisions by sample id (ResultRow.id); samples without one are left out. */
export type ReviewMarks = Record<string, ReviewMark>;

/** 2-D coordinates of every sample by dataset index (ResultRow.index), for the embedding map. */
export interface EmbeddingMap {
  method: string;
  x: number[];
  y: number[];
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
 * `results`: new results (the rows, once: 60,000 rows are costly to clone);
 * `review`: the review decisions changed, here are all of them for these results.
 */
export type ResultsHostToWebview =
  { type: 'results'; payload: ResultsPayload } | { type: 'review'; reviewed: ReviewMarks };

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
 * the envelope and that the rows are a list, not every row.
 */
export function isResultsHostMessage(value: unknown): value is ResultsHostToWebview {
  if (hasType(value, 'review')) return isRecord(value.reviewed);
  return hasType(value, 'results') && isRecord(value.payload) && Array.isArray(value.payload.rows);
}

export function isResultsWebviewMessage(value: unknown): value is ResultsWebviewToHost {
  return (
    isReadyMessage(value) ||
    (isRecord(value) &&
      SAMPLE_ACTIONS.includes(value.type as SampleAction) &&
      isIndex((value as { index?: unknown }).index))
  );
}
