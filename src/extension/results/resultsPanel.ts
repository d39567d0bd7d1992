/**
 * Hosts the results webview: one panel per task, reused by later scans. The
 * host posts nothing until the webview says `ready` (and again after VS Code
 * recreates a hidden webview), then sends the rows; a click opens the sample.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type { ScanResult, TaskName } from '../../protocol/engine';
import {
  isResultsWebviewMessage,
  type PackedResultsPayload,
  type ResultsHostToWebview,
  type ResultsPayload,
  type ResultsWebviewToHost,
} from '../../protocol/resultsPanel';
import { PanelHost } from '../webviewHost/panelHost';
import { PanelRegistry } from '../webviewHost/panelRegistry';
import type { MessageHandlers, PanelMessage } from '../webviewHost/webviewChannel';
import { packResultsPayload } from './packRows';
import { buildResultsPayload, reviewMarks, thumbnailRoots } from './resultsPayload';
import type { ReviewSource, SampleCommandArgument } from './reviewSource';

export const RESULTS_VIEW_TYPE = 'margin.results';
/** MARGIN: Explain Prediction (commands/explainCommand.ts), by id: results and saliency panels do not import each other. */
const EXPLAIN_COMMAND = 'margin.explainPrediction';
/** The review commands (src/extension/review/), by id, with a SampleCommandArgument. */
const MARK_REVIEWED_COMMAND = 'margin.markReviewed';
const RELABEL_COMMAND = 'margin.relabelSample';

/** One panel per task: `show(result)` shows it in its task's panel, created or revealed. */
export class ResultsPanels extends PanelRegistry<TaskName, ScanResult, ResultsPayload> {
  private reviewSource: ReviewSource | undefined;
  private readonly open = new Set<ResultsPanel>();

  constructor(extensionUri: vscode.Uri, log: vscode.LogOutputChannel) {
    super({
      keyOf: (result) => result.task,
      create: (result) => {
        const panel = new ResultsPanel(extensionUri, result.title, log, () => this.reviewSource);
        this.open.add(panel);
        panel.onDidDispose(() => this.open.delete(panel));
        return panel;
      },
    });
  }

  /**
   * Where review decisions come from (the review store). Every open panel
   * shows its decisions now and again whenever they change.
   */
  setReviewSource(source: ReviewSource): vscode.Disposable {
    this.reviewSource = source;
    const refresh = () => {
      for (const panel of this.open) panel.refreshReview();
    };
    refresh();
    return source.onDidChange(refresh);
  }

  /** The last payload shown, in any panel (the test API reads it). */
  lastResults(): ResultsPayload | undefined {
    return this.lastShown();
  }
}

class ResultsPanel extends PanelHost<ResultsHostToWebview, ResultsWebviewToHost> {
  private payload: ResultsPayload | undefined;
  /** The payload as the latest results message carries it (packed, PackedRows). */
  private packed: PackedResultsPayload | undefined;
  private result: ScanResult | undefined;
  private samplePaths = new Map<number, string>();
  /** The model the scan used: the one an explanation of a row should use too. */
  private model: string | undefined;
  /** Thumbnail folders the current document was allowed; undefined before the first results. */
  private roots: string[] | undefined;

  protected readonly handlers: MessageHandlers<PanelMessage<ResultsWebviewToHost>> = {
    openSample: ({ index }) => void this.openSample(index),
    explainSample: ({ index }) => void this.explainSample(index),
    markReviewed: ({ index }) => void this.runSampleCommand(MARK_REVIEWED_COMMAND, index),
    relabelSample: ({ index }) => void this.runSampleCommand(RELABEL_COMMAND, index),
  };

  constructor(
    extensionUri: vscode.Uri,
    title: string,
    log: vscode.LogOutputChannel,
    private readonly reviewSource: () => ReviewSource | undefined,
  ) {
    super({
      viewType: RESULTS_VIEW_TYPE,
      title: `MARGIN: ${title}`,
      extensionUri,
      bundle: 'results',
      isMessage: isResultsWebviewMessage,
      log,
      name: 'results panel',
    });
  }

  show(result: ScanResult): ResultsPayload {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath);
    const roots = thumbnailRoots(result, folders);
    const webview = this.panel.webview;
    const payload = buildResultsPayload(result, roots, (path) =>
      webview.asWebviewUri(vscode.Uri.file(path)).toString(),
    );
    const source = this.reviewSource();
    if (source) payload.reviewed = reviewMarks(result, (key, id) => source.decision(key, id));
    this.payload = payload;
    this.result = result;
    this.model = result.params.model;
    this.samplePaths = new Map();
    for (const sample of result.samples)
      if (sample.path !== undefined) this.samplePaths.set(sample.index, sample.path);
    this.panel.title = `MARGIN: ${result.title} · ${basename(result.dataset.source)}`;

    if (!this.roots || !sameFolders(roots, this.roots)) {
      // New thumbnail folders: new options, and a fresh document that will say `ready`.
      this.roots = roots;
      this.render(roots.map((root) => vscode.Uri.file(root)));
    }
    // Packed: the browser clones 60,000 row objects in ~0.7 s, a few typed arrays in milliseconds.
    this.packed = packResultsPayload(payload);
    this.postLatest({ type: 'results', payload: this.packed });
    this.reveal();
    return payload;
  }

  /** Sends the review decisions of the shown results again (the review store changed). */
  refreshReview(): void {
    const source = this.reviewSource();
    if (!this.result || !this.payload || !source) return;
    const reviewed = reviewMarks(this.result, (key, id) => source.decision(key, id));
    // The channel's latest message holds this payload: a recreated webview gets the decisions with the rows.
    this.payload.reviewed = reviewed;
    if (this.packed) this.packed.reviewed = reviewed;
    // The document that has the rows gets only the decisions, not the 60,000 rows again.
    const message: ResultsHostToWebview = { type: 'review', reviewed };
    void this.panel.webview.postMessage(message);
  }

  /** margin.markReviewed / margin.relabelSample for one sample: the review module owns what they do. */
  private async runSampleCommand(command: string, index: number): Promise<void> {
    const sample = this.result?.samples.find((candidate) => candidate.index === index);
    if (!sample || !this.result) return;
    const argument: SampleCommandArgument = {
      task: this.result.task,
      index: sample.index,
      id: sample.id,
      datasetSource: this.result.dataset.source,
    };
    if (sample.path !== undefined) argument.path = sample.path;
    try {
      await vscode.commands.executeCommand(command, argument);
    } catch (error) {
      this.log.error(`${command} on ${sample.id}: ${(error as Error).message}`);
      void vscode.window.showErrorMessage(`MARGIN: ${(error as Error).message}`);
    }
  }

  /** A row's image in the saliency panel, with the scan's model (else the one the command finds). */
  private async explainSample(index: number): Promise<void> {
    const path = this.samplePaths.get(index);
    if (path === undefined) return;
    try {
      await vscode.commands.executeCommand(EXPLAIN_COMMAND, { image: path, model: this.model });
    } catch (error) {
      this.log.error(`could not explain ${path}: ${(error as Error).message}`);
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
}

function sameFolders(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((folder, i) => folder === b[i]);
}
