/**
 * Messages between the extension host and the calibration webview, one union
 * per direction with a literal `type` (STYLE.md habit 1) and a type guard for
 * each. The panel shows one CalibrationResult as a table: a row per scorer, a
 * cell per top fraction.
 */
import type { DatasetSummary } from './engine';
import { hasType, isReadyMessage, isRecord, type ReadyMessage } from './webviewPanel';

/** Recall of the flips in the top `fraction` of the ranking, over the seeds. */
export interface CalibrationCell {
  fraction: number;
  mean: number;
  sd: number;
  perSeed: number[];
}

export interface CalibrationRow {
  scorer: string;
  description: string;
  /** One per CalibrationPayload.fractions; empty when the scorer could not run. */
  cells: CalibrationCell[];
  recommended: boolean;
  unavailable?: string;
}

export interface CalibrationPayload {
  dataset: DatasetSummary;
  /** Absolute path of the model, when one was used. */
  model?: string;
  labelled: number;
  flips: number;
  /** Share of labels flipped per seed. */
  fraction: number;
  seeds: number[];
  k: number;
  fractions: number[];
  rows: CalibrationRow[];
  recommended: string;
  recommendationFile: string;
  notices: string[];
  skipped: number;
  cachedEmbeddings: boolean;
}

export type CalibrateHostToWebview = { type: 'calibration'; payload: CalibrationPayload };

/** `findLabelIssues`: scan the same data and model with the recommended scorer (the `auto` choice). */
export type CalibrateWebviewToHost = ReadyMessage | { type: 'findLabelIssues' };

/** The host is trusted: the guard checks the envelope and that the rows are a list. */
export function isCalibrateHostMessage(value: unknown): value is CalibrateHostToWebview {
  return hasType(value, 'calibration') && isRecord(value.payload) && Array.isArray(value.payload.rows);
}

export function isCalibrateWebviewMessage(value: unknown): value is CalibrateWebviewToHost {
  return isReadyMessage(value) || hasType(value, 'findLabelIssues');
}
