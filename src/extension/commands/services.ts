import type * as vscode from 'vscode';
import type { EngineClient } from '../engine/engineClient';
import type { ResultsPanels } from '../results/resultsPanel';

/** What the commands share, created once in activate(). */
export interface ExtensionServices {
  log: vscode.LogOutputChannel;
  engine: EngineClient;
  panels: ResultsPanels;
  /** Where `.margin/` goes when no workspace folder is open. */
  fallbackCacheRoot: string;
}
