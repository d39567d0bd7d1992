/**
 * Hosts the results webview: one panel per task, reused by later scans. The
 * host posts nothing until the webview says `ready` (and again after VS Code
 * recreates a hidden webview), then sends the rows; a click opens the sample.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { ScanResult, TaskName } from '../../protocol/engine';
import type { HostToWebview, ResultsPayload, WebviewToHost } from '../../protocol/webview';
import { Disposable } from '../dispose';
import { PanelHost } from './panelHost';
import { buildResultsHtml, createNonce } from './resultsHtml';
import { buildResultsPayload, thumbnailRoots } from './resultsPayload';

export const RESULTS_VIEW_TYPE = 'margin.results';

/** One panel per task; the manager creates, reuses and forgets them. */
export class ResultsPanels extends Disposable {
  private readonly panels = new Map<TaskName, ResultsPanel>();
  private latest: ResultsPayload | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  /** Shows `result` in its task's panel (created or revealed) and returns what the webview gets. */
  show(result: ScanResult): ResultsPayload {
    let panel = this.panels.get(result.task);
    if (!panel) {
      panel = new ResultsPanel(this.extensionUri, result.title, this.log);
      this.panels.set(result.task, panel);
      const created = panel;
      created.onDidDispose(() => {
        if (this.panels.get(result.task) === created) this.panels.delete(result.task);
      });
      this._register(created);
    }
    this.latest = panel.setResults(result);
    return this.latest;
  }

  /** The last payload shown, in any panel (the test API reads it). */
  lastResults(): ResultsPayload | undefined {
    return this.latest;
  }

  override dispose(): void {
    this.panels.clear();
    super.dispose();
  }
}

class ResultsPanel extends PanelHost<HostToWebview> {
  private payload: ResultsPayload | undefined;
  private samplePaths = new Map<number, string>();
  /** Thumbnail folders the current document was allowed; undefined before the first results. */
  private roots: string[] | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly title: string,
    log: vscode.LogOutputChannel,
  ) {
    super({
      viewType: RESULTS_VIEW_TYPE,
      title: `MARGIN: ${title}`,
      localResourceRoots: resourceRoots(extensionUri, []),
      iconPath: vscode.Uri.joinPath(extensionUri, 'media', 'margin.svg'),
      log,
      name: 'results panel',
    });
  }

  setResults(result: ScanResult): ResultsPayload {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    const roots = thumbnailRoots(result, folders);
    const webview = this.panel.webview;
    const payload = buildResultsPayload(result, roots, (path) =>
      webview.asWebviewUri(vscode.Uri.file(path)).toString(),
    );
    this.payload = payload;
    this.samplePaths = new Map();
    for (const sample of result.samples)
      if (sample.path !== undefined) this.samplePaths.set(sample.index, sample.path);
    this.panel.title = `MARGIN: ${result.title} · ${basename(result.dataset.source)}`;

    if (!this.roots || !sameFolders(roots, this.roots)) {
      // New thumbnail folders: new options, and a fresh document that will say `ready`.
      this.roots = roots;
      webview.options = { enableScripts: true, localResourceRoots: resourceRoots(this.extensionUri, roots) };
      this.render();
    }
    this.postLatest({ type: 'results', payload });
    this.panel.reveal(undefined, false);
    return payload;
  }

  private render(): void {
    const webview = this.panel.webview;
    const asset = (...segments: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...segments)).toString();
    this.setDocument(
      buildResultsHtml({
        cspSource: webview.cspSource,
        nonce: createNonce(),
        scriptUri: asset('dist', 'webview', 'results.js'),
        styleUri: asset('media', 'results.css'),
        codiconsUri: asset('node_modules', '@vscode', 'codicons', 'dist', 'codicon.css'),
        title: `MARGIN: ${this.title}`,
      }),
    );
  }

  protected onMessage(raw: unknown): void {
    const message = raw as Partial<WebviewToHost> | null;
    if (message?.type === 'openSample') {
      const index = (message as { index?: unknown }).index;
      if (typeof index === 'number' && Number.isInteger(index)) void this.openSample(index);
      return;
    }
    this.ignore(raw);
  }

  private async openSample(index: number): Promise<void> {
    const path = this.samplePaths.get(index);
    if (path === undefined) {
      const row = this.payload?.rows.find((candidate) => candidate.index === index);
      if (row)
        void vscode.window.showInformationMessage(
          `MARGIN: sample ${row.id} is a row of ${basename(this.payload!.dataset.source)}, not a file of its own.`,
        );
      return;
    }
    try {
      // Beside the results, so the list stays in view while samples are reviewed.
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(path), {
        viewColumn: vscode.ViewColumn.Beside,
        preview: true,
      } satisfies vscode.TextDocumentShowOptions);
    } catch (error) {
      this.log.error(`could not open ${path}: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`MARGIN: could not open ${path}: ${(error as Error).message}`);
    }
  }
}

/** What a results document may load: the bundles, media, codicons and the thumbnail folders. */
function resourceRoots(extensionUri: vscode.Uri, datasetRoots: readonly string[]): vscode.Uri[] {
  return [
    vscode.Uri.joinPath(extensionUri, 'dist'),
    vscode.Uri.joinPath(extensionUri, 'media'),
    vscode.Uri.joinPath(extensionUri, 'node_modules', '@vscode', 'codicons', 'dist'),
    ...datasetRoots.map((root) => vscode.Uri.file(root)),
  ];
}

function sameFolders(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((folder, i) => folder === b[i]);
}
