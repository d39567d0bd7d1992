/**
 * What the results panels read review decisions from. The review store
 * (src/extension/review/reviewStore.ts) has this shape; the panels take it
 * through `ResultsPanels.setReviewSource`, so neither folder imports the other.
 */
import type * as vscode from 'vscode';
import type { StoredDecision } from './resultsPayload';

export interface ReviewSource {
  /** `datasetKey` is ScanResult.dataset.source; `sampleId` is SampleResult.id. */
  decision(datasetKey: string, sampleId: string): StoredDecision | undefined;
  onDidChange: vscode.Event<unknown>;
}

/**
 * The argument the panel passes to margin.markReviewed and margin.relabelSample
 * (and the side panel may pass the same): which sample of which result.
 */
export interface SampleCommandArgument {
  task: string;
  /** SampleResult.index: position in dataset order. */
  index: number;
  /** SampleResult.id. */
  id: string;
  /** SampleResult.path: the sample's file, when it is one. */
  path?: string;
  /** ScanResult.dataset.source: the review store's dataset key. */
  datasetSource: string;
}
