/**
 * Inline review: diagnostics, hovers and quick fixes on flagged manifest rows,
 * Explorer badges on flagged images, Relabel… / Mark OK / Export Review, and
 * the review store that remembers every decision (`.margin/review.json`).
 */
import * as vscode from 'vscode';
import type { ExtensionServices } from '../commands/services';
import { FlagIndex } from './flagIndex';
import { FlaggedFileDecorations } from './imageDecorations';
import { registerManifestDiagnostics } from './manifestDiagnostics';
import { registerReviewCodeActions } from './reviewCodeActions';
import { registerReviewCommands } from './reviewCommands';
import { ReviewStores } from './reviewStores';

export type { FlaggedSample, FlagState } from './flagIndex';
export { flaggedSamples, flagCut } from './flaggedSamples';
export { ReviewStore, reviewFile, type ReviewDecision } from './reviewStore';
export type { ReviewStores } from './reviewStores';

export interface Review {
  /** The review stores of this window (one per folder holding `.margin/`). */
  stores: ReviewStores;
  /** The flagged samples of the latest labels result, reviewed ones left out. */
  flags: FlagIndex;
}

const reviews = new WeakMap<ExtensionServices, Review>();

/** The window's review (stores and flags), for other views (side panel, results panel); undefined before registerReview. */
export function reviewFor(services: ExtensionServices): Review | undefined {
  return reviews.get(services);
}

export function registerReview(context: vscode.ExtensionContext, services: ExtensionServices): void {
  const stores = new ReviewStores(services.log);
  const flags = new FlagIndex(services.results, stores);
  const decorations = new FlaggedFileDecorations(flags);
  context.subscriptions.push(
    stores,
    flags,
    decorations,
    registerManifestDiagnostics(flags),
    registerReviewCodeActions(flags),
    registerReviewCommands(services, stores, flags, decorations),
  );
  reviews.set(services, { stores, flags });
  // Read back the decisions on start; .margin/ is the folder's content, read only once it is trusted.
  const readStores = () => {
    for (const folder of vscode.workspace.workspaceFolders ?? []) void stores.storeFor(folder.uri.fsPath);
  };
  if (vscode.workspace.isTrusted) readStores();
  else context.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(readStores));
}
