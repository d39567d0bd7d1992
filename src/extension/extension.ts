/**
 * MARGIN Lens: VS Code glue. The heavy work runs in the engine process; this
 * host registers commands, starts the engine on demand and shows results.
 */
import * as vscode from 'vscode';
import type { MarginLensApi } from './api';
import { CalibrationPanels } from './calibrate/calibratePanel';
import { CALIBRATE_COMMAND, runCalibrateCommand } from './commands/calibrateCommand';
import { EXPLAIN_COMMAND, runExplainCommand } from './commands/explainCommand';
import { PENDING_COMMANDS, notAvailableYet } from './commands/notAvailableYet';
import type { ExtensionServices } from './commands/services';
import { TASK_COMMANDS, runTaskCommand } from './commands/taskCommands';
import { EngineClient } from './engine/engineClient';
import { ResultsPanels } from './results/resultsPanel';
import { registerResultsReview } from './results';
import { registerReview } from './review';
import { SaliencyPanels } from './saliency/saliencyPanel';
import { registerSidePanel } from './sidebar';
import { LatestResults } from './state/latestResults';
import { registerThumbnailGrants } from './webviewHost/thumbnailAccess';

export type { MarginLensApi } from './api';

let engine: EngineClient | undefined;

export function activate(context: vscode.ExtensionContext): MarginLensApi {
  // First, so everything after can log.
  const log = vscode.window.createOutputChannel('MARGIN Lens', { log: true });
  context.subscriptions.push(log);

  engine = new EngineClient({
    enginePath: vscode.Uri.joinPath(context.extensionUri, 'dist', 'engine.js').fsPath,
    cwd: context.extensionUri.fsPath,
    log,
  });
  const client = engine;
  context.subscriptions.push({ dispose: () => client.dispose() });

  const panels = new ResultsPanels(context.extensionUri, log);
  context.subscriptions.push(panels);
  const calibrations = new CalibrationPanels(context.extensionUri, log);
  context.subscriptions.push(calibrations);
  const saliency = new SaliencyPanels(context.extensionUri, client, log);
  context.subscriptions.push(saliency);

  const results = new LatestResults();
  context.subscriptions.push(results);

  const services: ExtensionServices = {
    log,
    engine: client,
    panels,
    results,
    fallbackCacheRoot: context.globalStorageUri.fsPath,
  };
  context.subscriptions.push(
    ...TASK_COMMANDS.map((spec) =>
      vscode.commands.registerCommand(spec.command, (arg?: unknown) => runTaskCommand(services, spec, arg)),
    ),
    vscode.commands.registerCommand(CALIBRATE_COMMAND, (arg?: unknown) =>
      runCalibrateCommand(services, calibrations, arg),
    ),
    vscode.commands.registerCommand(EXPLAIN_COMMAND, (arg?: unknown) =>
      runExplainCommand(services, saliency, arg),
    ),
    vscode.commands.registerCommand('margin.showLog', () => log.show()),
    ...Object.keys(PENDING_COMMANDS).map((command) =>
      vscode.commands.registerCommand(command, () => notAvailableYet(command)),
    ),
  );

  // Each feature module registers itself here (one line each): registerX(context, services);
  registerThumbnailGrants(context);
  registerReview(context, services);
  registerResultsReview(context, services);
  const sidePanel = registerSidePanel(context, services);

  log.info(`MARGIN Lens ${String(context.extension.packageJSON.version ?? '')} activated`);
  return {
    lastResults: () => panels.lastResults(),
    lastCalibration: () => calibrations.lastCalibration(),
    engineLog: () => client.engineLog(),
    sidePanel: sidePanel.tree,
  };
}

export function deactivate(): void {
  // context.subscriptions dispose the engine too; doing it here first ends the process even if VS Code skips them.
  engine?.dispose();
  engine = undefined;
}
