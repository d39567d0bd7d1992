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

class ResultsPanel extends Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;
  /** True between the webview's `ready` and the moment its document goes away. */
  private webviewReady = false;
  private payload: ResultsPayload | undefined;
  private samplePaths = new Map<number, string>();
  /** Thumbnail folders the current document was allowed; undefined before the first results. */
  private roots: string[] | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly title: string,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
    this.panel = vscode.window.createWebviewPanel(
      RESULTS_VIEW_TYPE,
      `MARGIN: ${title}`,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: true, localResourceRoots: this.resourceRoots([]) },
    );
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'margin.svg');
    this._register(this.panel.webview.onDidReceiveMessage((message: unknown) => this.onMessage(message)));
    this._register(
      this.panel.onDidChangeViewState(() => {
        // A hidden webview loses its document; it says `ready` again when shown.
        if (!this.panel.visible) this.webviewReady = false;
      }),
    );
    this._register(
      this.panel.onDidDispose(() => {
        this.disposeEmitter.fire();
        this.dispose();
      }),
    );
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
      webview.options = { enableScripts: true, localResourceRoots: this.resourceRoots(roots) };
      this.render();
    } else {
      this.post();
    }
    this.panel.reveal(undefined, false);
    return payload;
  }

  private resourceRoots(datasetRoots: readonly string[]): vscode.Uri[] {
    return [
      vscode.Uri.joinPath(this.extensionUri, 'dist'),
      vscode.Uri.joinPath(this.extensionUri, 'media'),
      vscode.Uri.joinPath(this.extensionUri, 'node_modules', '@vscode', 'codicons', 'dist'),
      ...datasetRoots.map((root) => vscode.Uri.file(root)),
    ];
  }

  private render(): void {
    this.webviewReady = false;
    const webview = this.panel.webview;
    const asset = (...segments: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...segments)).toString();
    webview.html = buildResultsHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: asset('dist', 'webview', 'results.js'),
      styleUri: asset('media', 'results.css'),
      codiconsUri: asset('node_modules', '@vscode', 'codicons', 'dist', 'codicon.css'),
      title: `MARGIN: ${this.title}`,
    });
  }

  private post(): void {
    if (!this.webviewReady || !this.payload) return;
    const message: HostToWebview = { type: 'results', payload: this.payload };
    void this.panel.webview.postMessage(message).then((delivered) => {
      if (!delivered)
        this.log.warn('results panel: the webview did not take the results (it was hidden or closed)');
    });
  }

  private onMessage(raw: unknown): void {
    const message = raw as Partial<WebviewToHost> | null;
    switch (message?.type) {
      case 'ready':
        this.webviewReady = true;
        this.post();
        return;
      case 'openSample': {
        const index = (message as { index?: unknown }).index;
        if (typeof index === 'number' && Number.isInteger(index)) void this.openSample(index);
        return;
      }
      default:
        this.log.warn(`results panel: ignored an unknown message ${JSON.stringify(raw)?.slice(0, 200)}`);
    }
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

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
  }
}

function sameFolders(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((folder, i) => folder === b[i]);
}
