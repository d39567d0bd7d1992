/**
 * What every MARGIN webview panel does the same way: it owns one
 * WebviewPanel, posts nothing until the webview says `ready` (and again after
 * VS Code recreates a hidden webview), keeps the latest message for that
 * moment, and tells its owner when the user closes it. Subclasses set the
 * document (`setDocument`), send with `postLatest`, and handle their other
 * messages.
 */
import * as vscode from 'vscode';
import { Disposable } from '../dispose';

export interface PanelHostOptions {
  viewType: string;
  title: string;
  localResourceRoots: vscode.Uri[];
  iconPath: vscode.Uri;
  log: vscode.LogOutputChannel;
  /** How the log names this panel, e.g. "results panel". */
  name: string;
}

export abstract class PanelHost<HostMessage> extends Disposable {
  protected readonly panel: vscode.WebviewPanel;
  protected readonly log: vscode.LogOutputChannel;
  private readonly name: string;
  private readonly disposeEmitter = this._register(new vscode.EventEmitter<void>());
  readonly onDidDispose = this.disposeEmitter.event;
  /** True between the webview's `ready` and the moment its document goes away. */
  private webviewReady = false;
  private latest: HostMessage | undefined;

  constructor(options: PanelHostOptions) {
    super();
    this.log = options.log;
    this.name = options.name;
    this.panel = vscode.window.createWebviewPanel(
      options.viewType,
      options.title,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: true, localResourceRoots: options.localResourceRoots },
    );
    this.panel.iconPath = options.iconPath;
    this._register(this.panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)));
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

  /** A fresh document, which will say `ready` before it gets the latest message. */
  protected setDocument(html: string): void {
    this.webviewReady = false;
    this.panel.webview.html = html;
  }

  /** Sends `message` now if the webview listens, else when it says `ready`; only the latest is kept. */
  protected postLatest(message: HostMessage): void {
    this.latest = message;
    this.flush();
  }

  /** Any message but `ready`, as the webview sent it: unchecked, so check before use. */
  protected abstract onMessage(raw: unknown): void;

  /** For a message no subclass knows. */
  protected ignore(raw: unknown): void {
    this.log.warn(`${this.name}: ignored an unknown message ${JSON.stringify(raw)?.slice(0, 200)}`);
  }

  private flush(): void {
    if (!this.webviewReady || this.latest === undefined) return;
    void this.panel.webview.postMessage(this.latest).then((delivered) => {
      if (!delivered)
        this.log.warn(`${this.name}: the webview did not take the message (it was hidden or closed)`);
    });
  }

  private receive(raw: unknown): void {
    if ((raw as { type?: unknown } | null)?.type !== 'ready') return this.onMessage(raw);
    this.webviewReady = true;
    this.flush();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
  }
}
