/**
 * MARGIN: Explain Prediction. Explains the image the command was given (the
 * Explorer or editor-title menu, a results row), else the active image
 * editor's, else one the user picks; with the model the argument names, else
 * margin.modelPath, else the workspace's ONNX model as the scans find it. The
 * saliency panel shows the map and runs what the user asks next.
 */
import * as vscode from 'vscode';
import type { SaliencyState } from '../../protocol/saliencyPanel';
import { findModelCandidates } from '../discovery/workspaceSearch';
import { pickModel } from '../discovery/pickTarget';
import { resolveUserPath } from '../discovery/scanArguments';
import { DEFAULT_METHOD, parseExplainArgs } from '../saliency/explainArguments';
import type { SaliencyPanels } from '../saliency/saliencyPanel';
import { IMAGE_EXTENSIONS, isImagePath } from '../saliency/saliencySubject';
import { readScanSettings } from '../settings';
import type { ExtensionServices } from './services';
import { ensureTrusted } from './vscodeTrust';

export const EXPLAIN_COMMAND = 'margin.explainPrediction';

/** The panel's state once the first explanation is shown, or undefined when the user backed out (or a setting is invalid: reported). */
export async function runExplainCommand(
  services: ExtensionServices,
  panels: SaliencyPanels,
  arg?: unknown,
): Promise<SaliencyState | undefined> {
  const { log } = services;
  if (!ensureTrusted('explaining a prediction')) return undefined;
  const args = parseExplainArgs(arg);
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const given = (value: string | undefined) => (value ? resolveUserPath(value, root) : undefined);

  const image = given(args.image) ?? activeImage() ?? (await pickImage());
  if (!image) return undefined;
  const model = given(args.model) ?? (await workspaceModel(log, services.targets?.get('model')));
  if (!model) return undefined;

  const panel = panels.show({ input: image, model });
  if (args.compare) return panel.compare(args.compare, args.target, args.options ?? {});
  return panel.explain({
    method: args.method ?? DEFAULT_METHOD,
    ...(args.target !== undefined ? { target: args.target } : {}),
    options: args.options ?? {},
  });
}

/** The image of the active editor tab: VS Code's image preview, or a text editor on an image file. */
function activeImage(): string | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  const uri =
    input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputText ? input.uri : undefined;
  return uri?.scheme === 'file' && isImagePath(uri.fsPath) ? uri.fsPath : undefined;
}

async function pickImage(): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title: 'MARGIN: which image to explain?',
    openLabel: 'Explain',
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: {
      Images: IMAGE_EXTENSIONS.map((extension) => extension.slice(1)),
      'Model inputs (.npy)': ['npy'],
    },
  });
  return picked?.[0]?.fsPath;
}

/**
 * margin.modelPath, else the model chosen for this workspace, else the
 * workspace's ONNX model (asking when there are several), else a file the user picks.
 */
async function workspaceModel(
  log: vscode.LogOutputChannel,
  chosen: string | undefined,
): Promise<string | undefined> {
  const config = vscode.workspace.getConfiguration('margin');
  const read = readScanSettings((key) => config.get(key));
  if (!read.ok) {
    void vscode.window.showErrorMessage(`MARGIN: setting ${read.setting} ${read.problem}.`);
    return undefined;
  }
  const root = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const setting = read.settings.modelPath ? resolveUserPath(read.settings.modelPath, root) : undefined;
  if (setting) return setting;
  if (chosen) return chosen;
  const candidates = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'MARGIN: looking for ONNX models' },
    (_progress, token) => findModelCandidates(token),
  );
  const picked = await pickModel(candidates);
  if (picked) return picked;
  if (picked === undefined) return undefined;
  // No model in the workspace: a prediction needs one.
  log.info('explain: no ONNX model in the workspace');
  const uris = await vscode.window.showOpenDialog({
    title: 'MARGIN: no ONNX model in the workspace: which model makes the prediction?',
    openLabel: 'Use this model',
    canSelectMany: false,
    filters: { 'ONNX models': ['onnx'] },
  });
  return uris?.[0]?.fsPath;
}
