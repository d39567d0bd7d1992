/**
 * The latest result of each task in this window, and an event when one
 * arrives. The results panel, the side panel, the diagnostics and the Explorer
 * badges all read from here, so a scan run from anywhere updates all of them.
 */
import * as vscode from 'vscode';
import type { ScanResult, TaskName } from '../../protocol/engine';

export interface LatestResult {
  result: ScanResult;
  /** When the result arrived in this window. */
  receivedAt: Date;
  /** Folder that holds `.margin/` for this result (the workspace folder, or the fallback). */
  cacheRoot: string;
}

export class LatestResults implements vscode.Disposable {
  private readonly byTask = new Map<TaskName, LatestResult>();
  private readonly changed = new vscode.EventEmitter<LatestResult>();
  /** Fires with each result published, after it is stored. */
  readonly onDidPublish = this.changed.event;

  publish(result: ScanResult, cacheRoot: string): void {
    const entry = { result, receivedAt: new Date(), cacheRoot };
    this.byTask.set(result.task, entry);
    this.changed.fire(entry);
  }

  get(task: TaskName): LatestResult | undefined {
    return this.byTask.get(task);
  }

  all(): LatestResult[] {
    return [...this.byTask.values()];
  }

  dispose(): void {
    this.changed.dispose();
  }
}
