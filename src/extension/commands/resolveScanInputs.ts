/**
 * Decides what a scan command scans: the command argument first, then the
 * `margin.*` settings, then the model and dataset chosen for this workspace
 * (side panel, Choose Model…/Dataset…), then what the workspace holds (asking
 * when it holds several, or nothing). A task that compares with a reference set gets one the
 * same way; a required one is asked for, an optional one is used when given.
 */
import * as vscode from 'vscode';
import { findDatasetCandidates, findModelCandidates } from '../discovery/workspaceSearch';
import { pickDataset, pickModel, type DatasetQuestion } from '../discovery/pickTarget';
import type { RememberedTargets } from '../discovery/rememberedTargets';
import { parseScanArgs, resolveUserPath } from '../discovery/scanArguments';
import { readScanSettings, type ScanSettings } from '../settings';

export type ReferenceUse = 'none' | 'optional' | 'required';

export interface ScanInputs {
  data: string;
  reference?: string;
  model?: string;
  /** The workspace folder that holds `.margin/`. */
  cacheRoot: string;
  settings: ScanSettings;
}

const REFERENCE_QUESTION: DatasetQuestion = {
  title: 'MARGIN: which clean reference set?',
  placeHolder:
    'Pick a clean, labelled dataset to compare with (set margin.referencePath to skip this question)',
  takeSingle: false,
};

/** undefined when the user backed out or a setting is invalid (already reported). */
export async function resolveScanInputs(
  arg: unknown,
  fallbackCacheRoot: string,
  log: vscode.LogOutputChannel,
  referenceUse: ReferenceUse = 'none',
  remembered?: RememberedTargets,
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
  const datasetCandidates = () => withSearchProgress('MARGIN: looking for datasets', findDatasetCandidates);

  const data =
    given(args.data, 'dataset') ??
    given(settings.dataPath, 'margin.dataPath') ??
    remembered?.get('dataset') ??
    (await pickDataset(await datasetCandidates()));
  if (!data) return undefined;

  let reference: string | undefined;
  if (referenceUse !== 'none') {
    reference =
      given(args.reference, 'reference set') ?? given(settings.referencePath, 'margin.referencePath');
    if (!reference && referenceUse === 'required') {
      const others = (await datasetCandidates()).filter((candidate) => candidate.path !== data);
      reference = await pickDataset(others, REFERENCE_QUESTION);
      if (!reference) return undefined;
    }
  }

  let model =
    given(args.model, 'model') ?? given(settings.modelPath, 'margin.modelPath') ?? remembered?.get('model');
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
  return { data, reference, model, cacheRoot: folder, settings };
}

function withSearchProgress<T>(
  title: string,
  search: (token: vscode.CancellationToken) => Promise<T>,
): Thenable<T> {
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title }, (_progress, token) =>
    search(token),
  );
}
