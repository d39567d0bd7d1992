/**
 * The base of every MARGIN webview panel. It owns one WebviewPanel; renders
 * the CSP-safe shell around the panel's bundle (dist/webview/<bundle>.js,
 * media/<bundle>.css, the codicons); posts nothing until the document says
 * `ready` and keeps the latest message for that moment (WebviewChannel);
 * checks what the webview sends with the protocol's guard and hands each
 * message to the handler of its type; and tells its owner when the user
 * closes it. A subclass declares `handlers`, calls `render()` and sends with
 * `postLatest`.
 */
import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { realFolder } from './realFolder';
import { grantResourceRoots, refusedRootsMessage, type GrantedRoots } from './resourceRoots';
import { thumbnailAccess } from './thumbnailAccess';
import { dispatchByType, WebviewChannel, type MessageHandlers, type PanelMessage } from './webviewChannel';
import { buildWebviewHtml, createNonce } from './webviewHtml';

export interface PanelHostOptions<WebviewMessage> {
  viewType: string;
  /** The tab's first title, and the document's. */
  title: string;
  extensionUri: vscode.Uri;
  /** The webview bundle's name: dist/webview/<bundle>.js and media/<bundle>.css (esbuild.mjs). */
  bundle: string;
  /** The panel protocol's guard for what the webview sends, `ready` included. */
  isMessage: (raw: unknown) => raw is WebviewMessage;
  log: vscode.LogOutputChannel;
  /** How the log names this panel, e.g. "results panel". */
  name: string;
  /** `.margin/` folders outside the workspace whose files the panel may show (the global-storage fallback). */
  marginFolders?: readonly string[];
}

export abstract class PanelHost<HostMessage, WebviewMessage extends { type: string }> extends Disposable {
  protected readonly panel: vscode.WebviewPanel;
  protected readonly log: vscode.LogOutputChannel;
  private readonly channel: WebviewChannel<HostMessage, WebviewMessage>;
  private readonly disposeEmitter = this._register(new vscode.EventEmitter<void>());
  /** The folders the subclass last asked for (undefined before its first render), and those granted. */
  private extraRoots: readonly vscode.Uri[] | undefined;
  private grantedRoots: string[] = [];
  readonly onDidDispose = this.disposeEmitter.event;

  /** One handler per message type of the webview (but `ready`, which the host answers). */
  protected abstract readonly handlers: MessageHandlers<PanelMessage<WebviewMessage>>;

  constructor(private readonly options: PanelHostOptions<WebviewMessage>) {
    super();
    this.log = options.log;
    this.panel = vscode.window.createWebviewPanel(
      options.viewType,
      options.title,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      { enableScripts: true, localResourceRoots: this.resourceRoots([], false) },
    );
    this.panel.iconPath = vscode.Uri.joinPath(options.extensionUri, 'media', 'margin.svg');
    this.channel = new WebviewChannel({
      port: this.panel.webview,
      isMessage: options.isMessage,
      // `handlers` is a subclass field: read at dispatch time, when it is set.
      onMessage: (message) => dispatchByType(this.handlers, message),
      log: options.log,
      name: options.name,
    });
    this._register(this.panel.webview.onDidReceiveMessage((raw: unknown) => this.channel.receive(raw)));
    this._register(
      this.panel.onDidChangeViewState(() => {
        // A hidden webview loses its document; it says `ready` again when shown.
        if (!this.panel.visible) this.channel.documentGone();
      }),
    );
    // A folder the user allowed, added to the workspace or forgot: thumbnails appear (or go) without reopening.
    const grants = thumbnailAccess()?.grants;
    if (grants) this._register(grants.onDidChange(() => this.rootsMayHaveChanged()));
    this._register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.rootsMayHaveChanged()));
    this._register(
      this.panel.onDidDispose(() => {
        this.disposeEmitter.fire();
        this.dispose();
      }),
    );
  }

  /**
   * A fresh document (which says `ready` before it gets the latest message),
   * allowed to load the bundle, the media, the codicons and `extraRoots`
   * (e.g. the folders of a dataset's thumbnails).
   */
  protected render(extraRoots: readonly vscode.Uri[] = []): void {
    this.renderDocument(extraRoots, true);
  }

  /** `ask`: whether refused folders are put to the user (not when the roots changed under the panel). */
  private renderDocument(extraRoots: readonly vscode.Uri[], ask: boolean): void {
    const { extensionUri, bundle, title } = this.options;
    const webview = this.panel.webview;
    const asset = (...segments: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
    this.extraRoots = extraRoots;
    webview.options = { enableScripts: true, localResourceRoots: this.resourceRoots(extraRoots, ask) };
    this.channel.documentGone();
    webview.html = buildWebviewHtml({
      cspSource: webview.cspSource,
      nonce: createNonce(),
      scriptUri: asset('dist', 'webview', `${bundle}.js`),
      styleUri: asset('media', `${bundle}.css`),
      codiconsUri: asset(...CODICONS, 'codicon.css'),
      title,
    });
  }

  /** Sends `message` now if the webview listens, else when it says `ready`; only the latest is kept. */
  protected postLatest(message: HostMessage): void {
    this.channel.postLatest(message);
  }

  /** Brings the panel to the front in its column and gives it the focus. */
  reveal(): void {
    this.panel.reveal(undefined, false);
  }

  /**
   * The extension's own assets, and those of `extraRoots` that lie inside a
   * workspace folder, the extension's asset folders, a `.margin/` folder or a
   * folder the user allowed (resourceRoots.ts); the others are refused and logged, and, when
   * `ask`, put to the user (refusedFolderPrompt.ts: once per folder).
   */
  private resourceRoots(extraRoots: readonly vscode.Uri[], ask: boolean): vscode.Uri[] {
    const { granted, refused } = this.grantRoots(extraRoots);
    this.grantedRoots = granted;
    if (refused.length > 0) {
      this.log.warn(
        `${this.options.name}: not a webview root (outside the workspace): ${refused.join(', ')}`,
      );
      const prompt = thumbnailAccess()?.prompt;
      if (ask && prompt) void prompt.ask(refused);
      else if (ask) void vscode.window.showWarningMessage(refusedRootsMessage(refused));
    }
    return [...this.assetRoots(), ...granted.map((folder) => vscode.Uri.file(folder))];
  }

  /** The extension's folders a panel loads its own files from. */
  private assetRoots(): vscode.Uri[] {
    const { extensionUri } = this.options;
    return [
      vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
      vscode.Uri.joinPath(extensionUri, 'media'),
      vscode.Uri.joinPath(extensionUri, ...CODICONS),
    ];
  }

  private grantRoots(extraRoots: readonly vscode.Uri[]): GrantedRoots {
    return grantResourceRoots(
      extraRoots.map((uri) => uri.fsPath),
      {
        workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath),
        extensionAssets: this.assetRoots().map((uri) => uri.fsPath),
        marginFolders: this.options.marginFolders ?? [],
        userGrants: thumbnailAccess()?.grants.folders() ?? [],
        realPath: realFolder,
      },
    );
  }

  /** A fresh document with the new roots when the granted ones changed (its latest message is sent again). */
  private rootsMayHaveChanged(): void {
    if (this.isDisposed || this.extraRoots === undefined) return;
    const { granted } = this.grantRoots(this.extraRoots);
    const same =
      granted.length === this.grantedRoots.length &&
      granted.every((folder, i) => folder === this.grantedRoots[i]);
    if (!same) this.renderDocument(this.extraRoots, false);
  }

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
  }
}

const CODICONS = ['node_modules', '@vscode', 'codicons', 'dist'];
