/**
 * Hosts the calibration webview: one panel, reused by later calibrations,
 * on the shared panel base (webviewHost/panelHost.ts). Its button runs Find
 * Label Issues on the same data and model, where `auto` now means the
 * recommended scorer.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import {
  isCalibrateWebviewMessage,
  type CalibrateHostToWebview,
  type CalibrateWebviewToHost,
  type CalibrationPayload,
} from '../../protocol/calibratePanel';
import type { CalibrationResult } from '../../protocol/engine';
import { PanelHost } from '../webviewHost/panelHost';
import { PanelRegistry } from '../webviewHost/panelRegistry';
import type { MessageHandlers, PanelMessage } from '../webviewHost/webviewChannel';
import { buildCalibrationPayload } from './calibratePayload';

export const CALIBRATION_VIEW_TYPE = 'margin.calibration';
const FIND_LABEL_ISSUES = 'margin.findLabelIssues';
const TITLE = 'MARGIN: Scorer calibration';

/** At most one calibration panel: every calibration shows in it, created or revealed. */
export class CalibrationPanels extends PanelRegistry<'calibration', CalibrationResult, CalibrationPayload> {
  constructor(extensionUri: vscode.Uri, log: vscode.LogOutputChannel) {
    super({ keyOf: () => 'calibration', create: () => new CalibrationPanel(extensionUri, log) });
  }

  /** The last payload shown (the in-host tests read it). */
  lastCalibration(): CalibrationPayload | undefined {
    return this.lastShown();
  }
}

class CalibrationPanel extends PanelHost<CalibrateHostToWebview, CalibrateWebviewToHost> {
  private result: CalibrationResult | undefined;

  protected readonly handlers: MessageHandlers<PanelMessage<CalibrateWebviewToHost>> = {
    findLabelIssues: () => this.findLabelIssues(),
  };

  constructor(extensionUri: vscode.Uri, log: vscode.LogOutputChannel) {
    super({
      viewType: CALIBRATION_VIEW_TYPE,
      title: TITLE,
      extensionUri,
      bundle: 'calibrate',
      isMessage: isCalibrateWebviewMessage,
      log,
      name: 'calibration panel',
    });
    this.render();
  }

  show(result: CalibrationResult): CalibrationPayload {
    this.result = result;
    const payload = buildCalibrationPayload(result);
    this.panel.title = `${TITLE} · ${basename(result.dataset.source)}`;
    this.postLatest({ type: 'calibration', payload });
    this.reveal();
    return payload;
  }

  private findLabelIssues(): void {
    if (!this.result) return;
    const { params } = this.result;
    const data = params.datasets.find((spec) => spec.role === 'data')?.path;
    void vscode.commands.executeCommand(FIND_LABEL_ISSUES, { data, model: params.model });
  }
}
