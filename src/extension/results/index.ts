/**
 * Wires the results panels to the review store: every panel shows the
 * decisions of its samples, and again whenever one changes. The panels read
 * through ReviewSource (reviewSource.ts), so this is the only file of the
 * folder that knows the review module.
 */
import type * as vscode from 'vscode';
import type { ExtensionServices } from '../commands/services';
import { reviewFor } from '../review';
import type { ReviewSource } from './reviewSource';

/** Call after registerReview: it reads the review that registered. */
export function registerResultsReview(context: vscode.ExtensionContext, services: ExtensionServices): void {
  const review = reviewFor(services);
  if (!review) {
    services.log.warn('results panel: no review store registered; decisions will not show in the panel');
    return;
  }
  const { stores } = review;
  const source: ReviewSource = {
    // A store per folder holding .margin/: the one of the latest result on this dataset.
    decision: (datasetKey, sampleId) => {
      for (const entry of services.results.all())
        if (entry.result.dataset.source === datasetKey) {
          const found = stores.decision(entry.cacheRoot, datasetKey, sampleId);
          if (found) return found;
        }
      return undefined;
    },
    onDidChange: stores.onDidChange,
  };
  context.subscriptions.push(services.panels.setReviewSource(source));
}
