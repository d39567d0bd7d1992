/**
 * Decides what a scan command scans: the command argument first, then the
 * `margin.*` settings, then what the workspace holds (asking when it holds
 * several, or nothing).
 */
import * as vscode from 'vscode';
import { findDatasetCandidates, findModelCandidates } from '../discovery/workspaceSearch';
import { pickDataset, pickModel } from '../discovery/pickTarget';
import { parseScanArgs, resolveUserPath } from '../discovery/scanArguments';
import { readScanSettings, type ScanSettings } from '../settings';

export interface ScanInputs {
  data: string;
  model?: string;
  /** The workspace folder that holds `.margin/`. */
  cacheRoot: string;
  settings: ScanSettings;
}

/** undefined when the user backed out or a setting is invalid (already reported). */
export async function resolveScanInputs(
  arg: unknown,
  fallbackCacheRoot: string,
  log: vscode.LogOutputChannel,
): Promise<ScanInputs | undefined> {
  const config = vscode.workspace.getConfiguration('margin');
  const read = readScanSettings((key) => config.get(key));
  if (!read.ok) {
    void vscode.window.showErrorMessage(`MARGIN: setting ${read.setting} ${read.problem}.`);
    return undefined;
  }
  const { settings } = read;
  const args = parseScanArgs(arg);
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;

  const given = (value: string | undefined, what: string): string | undefined => {
    if (!value) return undefined;
    const path = resolveUserPath(value, root);
    if (!path) log.warn(`${what} "${value}" is relative but no workspace folder is open: ignored`);
    return path;
  };

  const data =
    given(args.data, 'dataset') ??
    given(settings.dataPath, 'margin.dataPath') ??
    (await pickDataset(await withSearchProgress('MARGIN: looking for datasets', findDatasetCandidates)));
  if (!data) return undefined;

  let model = given(args.model, 'model') ?? given(settings.modelPath, 'margin.modelPath');
  if (!model) {
    const picked = await pickModel(
      await withSearchProgress('MARGIN: looking for ONNX models', findModelCandidates),
    );
    if (picked === undefined) return undefined;
    if (picked === null)
      log.info(
        'no ONNX model chosen: the graph is built on raw pixels or features (set margin.modelPath to use one)',
      );
    model = picked ?? undefined;
  }

  const folder =
    vscode.workspace.getWorkspaceFolder(vscode.Uri.file(data))?.uri.fsPath ?? root ?? fallbackCacheRoot;
  return { data, model, cacheRoot: folder, settings };
}

function withSearchProgress<T>(
  title: string,
  search: (token: vscode.CancellationToken) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, (_progress, token) =>
    search(token),
  );
}
