/**
 * Hosts the calibration webview: one panel, reused by later calibrations,
 * with the results panel's handshake (PanelHost). Its button runs Find Label
 * Issues on the same data and model, where `auto` now means the recommended
 * scorer.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import type {
  CalibrateHostToWebview,
  CalibrateWebviewToHost,
  CalibrationPayload,
} from '../../protocol/calibratePanel';
import type { CalibrationResult } from '../../protocol/engine';
import { Disposable } from '../dispose';
import { PanelHost } from '../results/panelHost';
import { buildResultsHtml, createNonce } from '../results/resultsHtml';
import { buildCalibrationPayload } from './calibratePayload';

export const CALIBRATION_VIEW_TYPE = 'margin.calibration';
const FIND_LABEL_ISSUES = 'margin.findLabelIssues';
const TITLE = 'MARGIN: Scorer calibration';

/** At most one calibration panel; the manager creates, reuses and forgets it. */
export class CalibrationPanels extends Disposable {
  private panel: CalibrationPanel | undefined;
  private latest: CalibrationPayload | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    super();
  }

  show(result: CalibrationResult): CalibrationPayload {
    if (!this.panel) {
      const created = this._register(new CalibrationPanel(this.extensionUri, this.log));
      created.onDidDispose(() => {
        if (this.panel === created) this.panel = undefined;
      });
      this.panel = created;
    }
    this.latest = this.panel.setResult(result);
    return this.latest;
  }

  /** The last payload shown (the in-host tests read it). */
  lastCalibration(): CalibrationPayload | undefined {
    return this.latest;
  }
}

class CalibrationPanel extends PanelHost<CalibrateHostToWebview> {
  private result: CalibrationResult | undefined;

  constructor(extensionUri: vscode.Uri, log: vscode.LogOutputChannel) {
    super({
      viewType: CALIBRATION_VIEW_TYPE,
      title: TITLE,
      localResourceRoots: [
        vscode.Uri.joinPath(extensionUri, 'dist', 'webview'),
        vscode.Uri.joinPath(extensionUri, 'media'),
        vscode.Uri.joinPath(extensionUri, 'node_modules', '@vscode', 'codicons', 'dist'),
      ],
      iconPath: vscode.Uri.joinPath(extensionUri, 'media', 'margin.svg'),
      log,
      name: 'calibration panel',
    });
    const webview = this.panel.webview;
    const asset = (...segments: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
    this.setDocument(
      buildResultsHtml({
        cspSource: webview.cspSource,
        nonce: createNonce(),
        scriptUri: asset('dist', 'webview', 'calibrate.js'),
        styleUri: asset('media', 'calibrate.css'),
        codiconsUri: asset('node_modules', '@vscode', 'codicons', 'dist', 'codicon.css'),
        title: TITLE,
      }),
    );
  }

  setResult(result: CalibrationResult): CalibrationPayload {
    this.result = result;
    const payload = buildCalibrationPayload(result);
    this.panel.title = `${TITLE} · ${basename(result.dataset.source)}`;
    this.postLatest({ type: 'calibration', payload });
    this.panel.reveal(undefined, false);
    return payload;
  }

  protected onMessage(raw: unknown): void {
    const message = raw as Partial<CalibrateWebviewToHost> | null;
    if (message?.type === 'findLabelIssues' && this.result) {
      const { params } = this.result;
      const data = params.datasets.find((spec) => spec.role === 'data')?.path;
      void vscode.commands.executeCommand(FIND_LABEL_ISSUES, { data, model: params.model });
      return;
    }
    this.ignore(raw);
  }
}
