/**
 * Runs one engine scan behind a cancellable notification whose bar follows
 * the engine's progress, and turns every failure into the right message.
 */
import * as vscode from 'vscode';
import type { ScanParams, ScanResult } from '../../protocol/engine';
import { classifyEngineFailure, describeFailure } from '../engine/engineFailure';
import type { EngineClient, ProgressListener } from '../engine/engineClient';
import { StageProgress } from '../engine/stageProgress';
import type { ExtensionServices } from './services';

const SHOW_LOG = 'Show Log';

/** The result, or undefined when the scan failed or was cancelled (already reported to the user). */
export async function runScanWithProgress(
  services: ExtensionServices,
  params: ScanParams,
  title: string,
): Promise<ScanResult | undefined> {
  const { log, engine } = services;
  const datasets = params.datasets.map((spec) => `${spec.role}=${spec.path}`).join(' ');
  log.info(`${params.task} scan: ${datasets} model=${params.model ?? '(none)'} k=${params.k ?? 'default'}`);
  try {
    const result = await withEngineProgress(engine, title, (token, onProgress) =>
      engine.scan(params, token, onProgress),
    );
    log.info(
      `${params.task} scan: ${result.samples.length} samples ranked, ${result.skipped.length} skipped` +
        (result.cached.result ? ' (from the cache)' : ''),
    );
    return result;
  } catch (error) {
    reportScanFailure(services.log, error);
    return undefined;
  }
}

/** Runs one engine job behind a cancellable notification whose bar follows the engine's stages. */
export function withEngineProgress<T>(
  engine: EngineClient,
  title: string,
  job: (token: vscode.CancellationToken, onProgress: ProgressListener) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title, cancellable: true },
    (progress, token) => {
      const bar = new StageProgress();
      progress.report({ message: engine.isRunning ? 'starting' : 'starting the engine' });
      return job(token, ({ stage, done, total }) => progress.report(bar.update(stage, done, total)));
    },
  );
}

export function reportScanFailure(log: vscode.LogOutputChannel, error: unknown): void {
  const failure = classifyEngineFailure(error);
  switch (failure.kind) {
    case 'cancelled':
      log.info('scan cancelled');
      vscode.window.setStatusBarMessage('MARGIN: scan cancelled', 4000);
      return;
    case 'notImplemented':
      void vscode.window.showInformationMessage(`MARGIN: ${failure.message}`);
      return;
    case 'input':
      log.warn(`input error: ${describeFailure(failure)}`);
      offerLog(log, vscode.window.showErrorMessage(`MARGIN: ${describeFailure(failure)}`, SHOW_LOG));
      return;
    case 'engineStopped':
      log.error(failure.message);
      offerLog(
        log,
        vscode.window.showErrorMessage(`MARGIN: ${failure.message}. The log may say why.`, SHOW_LOG),
      );
      return;
    case 'internal':
      log.error(`internal error: ${failure.detail ?? failure.message}`);
      offerLog(
        log,
        vscode.window.showErrorMessage(`MARGIN: the scan failed (${failure.message}).`, SHOW_LOG),
      );
      return;
  }
}

function offerLog(log: vscode.LogOutputChannel, choice: Thenable<string | undefined>): void {
  void Promise.resolve(choice).then((picked) => {
    if (picked === SHOW_LOG) log.show(true);
  });
}
