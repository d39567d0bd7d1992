/**
 * Hosts the saliency webview (MARGIN: Explain Prediction): one panel, reused
 * for every image. It keeps a SaliencySession per image and model, sends its
 * whole state to the webview on every change (at most every PROGRESS_POST_MS
 * while the engine reports progress), runs what the webview asks for behind a
 * cancellable notification, and exports maps through the engine's `out`.
 */
import { basename, dirname, extname, join } from 'node:path';
import * as vscode from 'vscode';
import type { ExplainMethod, ExplainResult } from '../../protocol/engine';
import {
  isSaliencyWebviewMessage,
  type SaliencyHostToWebview,
  type SaliencyOptions,
  type SaliencyRequest,
  type SaliencyState,
  type SaliencyWebviewToHost,
} from '../../protocol/saliencyPanel';
import type { EngineClient } from '../engine/engineClient';
import { StageProgress } from '../engine/stageProgress';
import { PanelHost } from '../webviewHost/panelHost';
import { PanelRegistry } from '../webviewHost/panelRegistry';
import type { MessageHandlers, PanelMessage } from '../webviewHost/webviewChannel';
import { ExplainCache } from './explainCache';
import { resultSize } from './saliencyMapView';
import { SaliencySession, type ProgressWrapper } from './saliencySession';
import { stampFile, subjectOf } from './saliencySubject';

export const SALIENCY_VIEW_TYPE = 'margin.saliency';
const TITLE = 'MARGIN: Explain Prediction';
/** Progress arrives per batch; the webview needs no more than this many redraws a second. */
const PROGRESS_POST_MS = 100;

/** The image and model a panel explains. */
export interface SaliencyTarget {
  input: string;
  model: string;
}

/** One saliency panel in all; the cache outlives panels, so a reopened panel answers from it. */
export class SaliencyPanels extends PanelRegistry<'saliency', SaliencyTarget, SaliencyPanel> {
  private readonly cache = new ExplainCache<ExplainResult>(resultSize);

  constructor(extensionUri: vscode.Uri, engine: EngineClient, log: vscode.LogOutputChannel) {
    super({
      keyOf: () => 'saliency',
      create: () => new SaliencyPanel(extensionUri, engine, this.cache, log),
    });
  }

  /** The panel last shown, for the command to run requests in. */
  lastPanel(): SaliencyPanel | undefined {
    return this.lastShown();
  }
}

export class SaliencyPanel extends PanelHost<SaliencyHostToWebview, SaliencyWebviewToHost> {
  private session: Promise<SaliencySession> | undefined;
  private target: SaliencyTarget | undefined;
  private lastPost = 0;
  private postTimer: NodeJS.Timeout | undefined;

  protected readonly handlers: MessageHandlers<PanelMessage<SaliencyWebviewToHost>> = {
    explain: ({ request }) => void this.explain(request),
    compare: ({ methods, target, options }) => void this.compare(methods, target, options),
    cancel: () => void this.session?.then((session) => session.cancel()),
    export: ({ view, where }) => void this.exportMap(view, where),
  };

  constructor(
    extensionUri: vscode.Uri,
    private readonly engine: EngineClient,
    private readonly cache: ExplainCache<ExplainResult>,
    log: vscode.LogOutputChannel,
  ) {
    super({
      viewType: SALIENCY_VIEW_TYPE,
      title: TITLE,
      extensionUri,
      bundle: 'saliency',
      isMessage: isSaliencyWebviewMessage,
      log,
      name: 'saliency panel',
    });
    this.render();
    this._register({ dispose: () => clearTimeout(this.postTimer) });
  }

  /** Shows `target` (a new session when the image or model changed) and reveals the panel. */
  show(target: SaliencyTarget): SaliencyPanel {
    const same = this.target?.input === target.input && this.target?.model === target.model;
    if (!same || !this.session) {
      void this.session?.then((old) => old.cancel());
      this.target = target;
      this.session = this.openSession(target);
      this.panel.title = `MARGIN: Explain · ${basename(target.input)}`;
    }
    this.reveal();
    return this;
  }

  async explain(request: SaliencyRequest): Promise<SaliencyState> {
    const session = await this.requireSession();
    this.log.info(
      `explain: ${request.method} target=${request.target ?? 'predicted'} ${session.current.subject.input}`,
    );
    await session.explain(request);
    return session.current;
  }

  async compare(
    methods: ExplainMethod[],
    target: number | undefined,
    options: SaliencyOptions,
  ): Promise<SaliencyState> {
    const session = await this.requireSession();
    this.log.info(`explain: compare ${methods.join(', ')} ${session.current.subject.input}`);
    await session.compare(methods, target, options);
    return session.current;
  }

  /** The state now (the in-host tests read it). */
  async currentState(): Promise<SaliencyState | undefined> {
    return (await this.session)?.current;
  }

  /** Stops what runs. */
  async cancel(): Promise<void> {
    (await this.session)?.cancel();
  }

  private requireSession(): Promise<SaliencySession> {
    if (!this.session) throw new Error('the saliency panel has no image yet');
    return this.session;
  }

  private async openSession(target: SaliencyTarget): Promise<SaliencySession> {
    const { subject, layout } = await subjectOf(target.input, target.model);
    return new SaliencySession({
      subject,
      ...(layout ? { layout } : {}),
      explain: (params, token, onProgress) => this.engine.explain(params, token, onProgress),
      stamp: stampFile,
      cache: this.cache,
      onChange: (state) => this.post(state),
      withProgress: this.notificationProgress,
    });
  }

  /** Engine work behind a cancellable notification whose bar follows the engine's stages. */
  private readonly notificationProgress: ProgressWrapper = (title, work, cancel) =>
    Promise.resolve(
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        (progress, token) => {
          const bar = new StageProgress();
          const subscription = token.onCancellationRequested(cancel);
          progress.report({ message: this.engine.isRunning ? 'starting' : 'starting the engine' });
          return work((method, { stage, done, total }) =>
            progress.report(bar.update(stage.includes(method) ? stage : `${method}: ${stage}`, done, total)),
          ).finally(() => subscription.dispose());
        },
      ),
    );

  /** Sends the state: at once for a change of status, at most every PROGRESS_POST_MS for progress. */
  private post(state: SaliencyState): void {
    const message: SaliencyHostToWebview = { type: 'state', state };
    const progressOnly = state.views.some((view) => view.status === 'running');
    const wait = this.lastPost + PROGRESS_POST_MS - Date.now();
    clearTimeout(this.postTimer);
    if (!progressOnly || wait <= 0) {
      this.lastPost = Date.now();
      this.postLatest(message);
      return;
    }
    this.postTimer = setTimeout(() => {
      this.lastPost = Date.now();
      this.postLatest(message);
    }, wait);
  }

  private async exportMap(index: number, where: 'beside' | 'choose'): Promise<void> {
    const session = await this.session;
    const map = session?.current.views[index]?.map;
    if (!session || !map) return;
    const input = session.current.subject.input;
    const stem = `${basename(input, extname(input))}.${map.method}-${safeName(map.targetLabel)}`;
    let png = join(dirname(input), `${stem}.png`);
    if (where === 'choose') {
      const chosen = await vscode.window.showSaveDialog({
        title: 'MARGIN: save the saliency map (PNG overlay; the .npy goes beside it)',
        defaultUri: vscode.Uri.file(png),
        filters: { 'PNG overlay': ['png'] },
        saveLabel: 'Save map',
      });
      if (!chosen) return;
      png = extname(chosen.fsPath).toLowerCase() === '.png' ? chosen.fsPath : `${chosen.fsPath}.png`;
    }
    const npy = png.replace(/\.png$/i, '.npy');
    try {
      const written = await session.export(index, [png, npy]);
      this.log.info(`explain: exported ${written.join(', ')}`);
      vscode.window.setStatusBarMessage(
        `MARGIN: saved ${written.map((file) => basename(file)).join(' and ')}`,
        5000,
      );
    } catch (error) {
      const message = (error as Error).message;
      this.log.warn(`explain: export failed: ${message}`);
      session.setProblem(`Could not save the map to ${png}: ${message}`);
    }
  }
}

/** A class label as part of a file name. */
function safeName(label: string): string {
  return label.replace(/[^A-Za-z0-9_-]+/g, '_');
}
