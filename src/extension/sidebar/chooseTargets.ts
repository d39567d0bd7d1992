/**
 * MARGIN: Choose Model… and Choose Dataset…: from the palette (a QuickPick of
 * what the workspace holds, and Browse…), the side panel's items and welcome
 * view, or the Explorer's context menu (a Uri). The choice is remembered for
 * the workspace (RememberedTargets) and the scan commands use it.
 */
import * as vscode from 'vscode';
import { pickDataset } from '../discovery/pickTarget';
import type { RememberedTargets, TargetKind } from '../discovery/rememberedTargets';
import { findDatasetCandidates, findModelCandidates } from '../discovery/workspaceSearch';

type Choice = vscode.QuickPickItem & { value: string | symbol };
const BROWSE = Symbol('browse');
const FORGET = Symbol('forget');

/** A path the command was given: an Explorer Uri, or a side-panel node `{ kind, path }` of the same kind. */
export function givenPath(arg: unknown, kind: TargetKind): string | undefined {
  if (arg === null || typeof arg !== 'object') return undefined;
  const candidate = arg as Record<string, unknown>;
  if (candidate.scheme === 'file' && typeof candidate.fsPath === 'string') return candidate.fsPath;
  if (candidate.kind === kind && typeof candidate.path === 'string' && candidate.path) return candidate.path;
  return undefined;
}

/** `{ forget: true }` (tests, keybindings): forget the choice without asking. */
function forgets(arg: unknown): boolean {
  return arg !== null && typeof arg === 'object' && (arg as Record<string, unknown>).forget === true;
}

/** The chosen model (also remembered), or undefined when the user backed out or forgot the choice. */
export async function chooseModel(targets: RememberedTargets, arg?: unknown): Promise<string | undefined> {
  const path = forgets(arg) ? FORGET : (givenPath(arg, 'model') ?? (await askModel(targets)));
  return remember(targets, 'model', path);
}

export async function chooseDataset(targets: RememberedTargets, arg?: unknown): Promise<string | undefined> {
  const path = forgets(arg) ? FORGET : (givenPath(arg, 'dataset') ?? (await askDataset(targets)));
  return remember(targets, 'dataset', path);
}

async function remember(
  targets: RememberedTargets,
  kind: TargetKind,
  path: string | symbol | undefined,
): Promise<string | undefined> {
  if (path === undefined) return undefined;
  if (path === FORGET) {
    await targets.remember(kind, undefined);
    vscode.window.setStatusBarMessage(
      `MARGIN: the ${kind} choice is forgotten; scans look for one again`,
      5000,
    );
    return undefined;
  }
  const chosen = path as string;
  await targets.remember(kind, chosen);
  vscode.window.setStatusBarMessage(
    `MARGIN: scans in this workspace use the ${kind} ${vscode.workspace.asRelativePath(chosen, true)}`,
    5000,
  );
  return chosen;
}

async function askModel(targets: RememberedTargets): Promise<string | symbol | undefined> {
  const candidates = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'MARGIN: looking for ONNX models' },
    (_progress, token) => findModelCandidates(token),
  );
  const current = targets.get('model');
  const items: Choice[] = [
    ...candidates.map((path) => ({
      label: vscode.workspace.asRelativePath(path, true),
      description: path === current ? '✓ chosen' : undefined,
      value: path as string | symbol,
    })),
    { label: '', kind: vscode.QuickPickItemKind.Separator, value: '' },
    { label: '$(file) Browse…', description: 'an .onnx file', value: BROWSE },
    ...(current ? [{ label: '$(circle-slash) Forget the choice', value: FORGET }] : []),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'MARGIN: which model for this workspace?',
    placeHolder: 'The scans use this ONNX model (margin.modelPath, when set, still wins)',
  });
  if (!picked) return undefined;
  if (picked.value !== BROWSE) return picked.value;
  const uris = await vscode.window.showOpenDialog({
    title: 'MARGIN: select the model',
    openLabel: 'Use this model',
    canSelectMany: false,
    defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    filters: { 'ONNX models': ['onnx'] },
  });
  return uris?.[0]?.fsPath;
}

async function askDataset(targets: RememberedTargets): Promise<string | symbol | undefined> {
  const candidates = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: 'MARGIN: looking for datasets' },
    (_progress, token) => findDatasetCandidates(token),
  );
  const current = targets.get('dataset');
  if (current) {
    // Forgetting is offered first, by a small QuickPick of its own: pickDataset lists candidates and Browse….
    const forget = await vscode.window.showQuickPick(
      [
        { label: '$(list-selection) Choose another dataset…', value: 'choose' },
        {
          label: '$(circle-slash) Forget the choice',
          description: vscode.workspace.asRelativePath(current, true),
          value: 'forget',
        },
      ],
      { title: 'MARGIN: dataset for this workspace' },
    );
    if (!forget) return undefined;
    if (forget.value === 'forget') return FORGET;
  }
  return pickDataset(candidates, {
    title: 'MARGIN: which dataset for this workspace?',
    placeHolder: 'The scans use this dataset (margin.dataPath, when set, still wins)',
    takeSingle: false,
  });
}
