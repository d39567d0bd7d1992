/**
 * One ReviewStore per folder that holds `.margin/` (a workspace folder, or the
 * fallback when none is open), opened on first use, and one event for a change
 * in any of them.
 */
import * as vscode from 'vscode';
import { ReviewStore, type ReviewDecision } from './reviewStore';

export class ReviewStores implements vscode.Disposable {
  private readonly opening = new Map<string, Promise<ReviewStore>>();
  private readonly opened = new Map<string, ReviewStore>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when a store was read from disk or a decision changed. */
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {}

  /** The store of `cacheRoot`, read from disk the first time. */
  storeFor(cacheRoot: string): Promise<ReviewStore> {
    let store = this.opening.get(cacheRoot);
    if (!store) {
      store = ReviewStore.open(cacheRoot, { warn: (message) => this.log.warn(message) }).then((opened) => {
        this.opened.set(cacheRoot, opened);
        this.subscriptions.push(opened.onDidChange(() => this.changed.fire()));
        this.changed.fire();
        return opened;
      });
      this.opening.set(cacheRoot, store);
      store.catch((error: unknown) => {
        this.opening.delete(cacheRoot);
        this.log.error(`could not read the review of ${cacheRoot}: ${(error as Error).message}`);
      });
    }
    return store;
  }

  /** The store of `cacheRoot` if it has been read (synchronous, for providers). */
  loaded(cacheRoot: string): ReviewStore | undefined {
    return this.opened.get(cacheRoot);
  }

  decision(cacheRoot: string, datasetKey: string, sampleId: string): ReviewDecision | undefined {
    return this.opened.get(cacheRoot)?.decision(datasetKey, sampleId);
  }

  /** Every store read so far, by cache root. */
  all(): [string, ReviewStore][] {
    return [...this.opened.entries()];
  }

  dispose(): void {
    for (const store of this.opened.values()) store.dispose();
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.changed.dispose();
  }
}
