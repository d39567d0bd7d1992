/**
 * Explorer badges on flagged image files and the folders that hold them, and
 * the `margin.flaggedPaths` context key that shows Relabel… and Mark OK in
 * the Explorer's context menu on exactly those files.
 */
import * as vscode from 'vscode';
import type { FlagIndex, FlagState } from './flagIndex';

export const FLAGGED_PATHS_CONTEXT = 'margin.flaggedPaths';

export class FlaggedFileDecorations implements vscode.FileDecorationProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<undefined>();
  readonly onDidChangeFileDecorations = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly flags: FlagIndex) {
    this.subscriptions = [
      vscode.window.registerFileDecorationProvider(this),
      flags.onDidChange((state) => this.update(state)),
    ];
    this.update(flags.current());
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    const state = this.flags.current();
    if (!state || uri.scheme !== 'file') return undefined;
    const flag = state.byPath.get(uri.fsPath);
    if (flag) {
      const decoration = new vscode.FileDecoration(
        '!',
        flag.message,
        new vscode.ThemeColor(flag.warning ? 'list.warningForeground' : 'list.deemphasizedForeground'),
      );
      return decoration;
    }
    const count = state.folders.get(uri.fsPath);
    if (count === undefined) return undefined;
    return new vscode.FileDecoration(
      // A badge holds two characters; the tooltip has the exact count.
      count > 99 ? '99' : String(count),
      `MARGIN: ${count} flagged ${count === 1 ? 'sample' : 'samples'} in this folder`,
      new vscode.ThemeColor('list.warningForeground'),
    );
  }

  dispose(): void {
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.changed.dispose();
  }

  private update(state: FlagState | undefined): void {
    // All decorations change together with the flags: a full refresh is simplest and cheap here.
    this.changed.fire(undefined);
    void vscode.commands.executeCommand(
      'setContext',
      FLAGGED_PATHS_CONTEXT,
      state ? [...state.byPath.keys()] : [],
    );
  }
}
