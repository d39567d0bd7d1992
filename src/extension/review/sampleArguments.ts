/**
 * What the review commands accept as "a sample": a Uri from the Explorer (an
 * image file), a sample of a result (from the side panel or the results
 * panel, with or without its result), or a `{ datasetKey, sampleId }` key.
 */
import * as vscode from 'vscode';
import type { SampleResult, ScanResult } from '../../protocol/engine';
import type { LatestResult, LatestResults } from '../state/latestResults';
import type { SampleTarget } from './reviewActions';

export const RELABEL_COMMAND = 'margin.relabelSample';
export const MARK_REVIEWED_COMMAND = 'margin.markReviewed';
export const EXPORT_REVIEW_COMMAND = 'margin.exportReview';
/** Internal (not in the palette): records the decision of a relabel quick fix after its edit. */
export const RECORD_RELABEL_COMMAND = 'margin.review.recordRelabel';
/** Internal: moves a relabelled image back (the Undo of the notification). */
export const UNDO_RELABEL_COMMAND = 'margin.review.undoRelabel';
/** Internal: the Explorer badge of a file or folder, as the decoration provider gives it (for tests). */
export const DECORATION_COMMAND = 'margin.review.decoration';

export interface SampleKey {
  datasetKey: string;
  sampleId: string;
}

/** The published result and sample an argument names, or undefined. Labels results are searched first. */
export function resolveSample(results: LatestResults, arg: unknown): SampleTarget | undefined {
  const entries = [
    results.get('labels'),
    ...results.all().filter((entry) => entry.result.task !== 'labels'),
  ].filter((entry): entry is LatestResult => entry !== undefined);
  const find = (match: (sample: SampleResult, result: ScanResult) => boolean) => {
    for (const entry of entries) {
      const sample = entry.result.samples.find((candidate) => match(candidate, entry.result));
      if (sample) return { entry, sample };
    }
    return undefined;
  };
  if (arg instanceof vscode.Uri) return find((sample) => sample.path === arg.fsPath);
  if (!isRecord(arg)) return undefined;
  if (typeof arg.datasetKey === 'string' && typeof arg.sampleId === 'string') {
    const { datasetKey, sampleId } = arg;
    return find((sample, result) => result.dataset.source === datasetKey && sample.id === sampleId);
  }
  const sample = isRecord(arg.sample) ? arg.sample : arg;
  if (typeof sample.id !== 'string') return undefined;
  const id = sample.id;
  const result = isRecord(arg.result) ? arg.result : undefined;
  // The side panel's sample items name their dataset as `datasetSource`; a result carries it in `dataset.source`.
  const source =
    typeof sample.datasetSource === 'string'
      ? sample.datasetSource
      : typeof result?.dataset === 'object'
        ? (result.dataset as { source?: unknown }).source
        : undefined;
  return find(
    (candidate, candidateResult) =>
      candidate.id === id && (source === undefined || candidateResult.dataset.source === source),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}
