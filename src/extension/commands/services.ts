import type * as vscode from 'vscode';
import type { EngineClient } from '../engine/engineClient';
import type { ResultsPanels } from '../results/resultsPanel';
import type { RememberedTargets } from '../discovery/rememberedTargets';
import type { LatestResults } from '../state/latestResults';

/** What the commands share, created once in activate(). */
export interface ExtensionServices {
  log: vscode.LogOutputChannel;
  engine: EngineClient;
  panels: ResultsPanels;
  /** The latest result of each task; every view that shows results listens to it. */
  results: LatestResults;
  /**
   * The model and dataset chosen for this workspace (set by the side panel's
   * registerSidePanel; absent before it runs): the scans use them after settings.
   */
  targets?: RememberedTargets;
  /** Where `.margin/` goes when no workspace folder is open. */
  fallbackCacheRoot: string;
}
