/**
 * Asks the user which dataset or model to scan when the workspace holds
 * several (QuickPick) or none (open dialog).
 */
import * as vscode from 'vscode';
import type { DatasetCandidate } from './datasetCandidates';

type Choice<T> = vscode.QuickPickItem & { value: T };

const BROWSE_FOLDER = Symbol('browse-folder');
const BROWSE_FILE = Symbol('browse-file');
const NO_MODEL = Symbol('no-model');

const DATASET_FILE_FILTERS = {
  Datasets: ['csv', 'tsv', 'jsonl', 'npy', 'idx', 'gz', 'idx3-ubyte'],
  'All files': ['*'],
};

/** How the dataset question is asked (the data to scan, or a reference set to compare with). */
export interface DatasetQuestion {
  title: string;
  placeHolder: string;
  /** Take a single candidate without asking. */
  takeSingle: boolean;
}

export const DATA_QUESTION: DatasetQuestion = {
  title: 'MARGIN: which dataset?',
  placeHolder: 'Pick the dataset to scan (set margin.dataPath to skip this question)',
  takeSingle: true,
};

/** The dataset to scan, or undefined if the user backed out. */
export async function pickDataset(
  candidates: readonly DatasetCandidate[],
  question: DatasetQuestion = DATA_QUESTION,
): Promise<string | undefined> {
  if (candidates.length === 1 && question.takeSingle) return candidates[0].path;
  if (candidates.length === 0) return browseForDataset();
  const items: Choice<string | symbol>[] = [
    ...candidates.map((candidate) => ({
      label: vscode.workspace.asRelativePath(candidate.path, true),
      description: candidate.description,
      value: candidate.path as string | symbol,
    })),
    { label: '', kind: vscode.QuickPickItemKind.Separator, value: '' },
    { label: '$(folder-opened) Browse for an image folder…', value: BROWSE_FOLDER },
    { label: '$(file) Browse for a dataset file…', value: BROWSE_FILE },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: question.title,
    placeHolder: question.placeHolder,
    matchOnDescription: true,
  });
  if (!picked) return undefined;
  if (picked.value === BROWSE_FOLDER) return browse('folder');
  if (picked.value === BROWSE_FILE) return browse('file');
  return picked.value as string;
}

/**
 * The model to use: a path, `null` for none (the graph is then built on pixels
 * or features), or undefined if the user backed out.
 */
export async function pickModel(candidates: readonly string[]): Promise<string | null | undefined> {
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) return null;
  const items: Choice<string | symbol>[] = [
    ...candidates.map((path) => ({
      label: vscode.workspace.asRelativePath(path, true),
      value: path as string | symbol,
    })),
    { label: '', kind: vscode.QuickPickItemKind.Separator, value: '' },
    { label: '$(circle-slash) No model', description: 'graph on raw pixels or features', value: NO_MODEL },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'MARGIN: which model?',
    placeHolder:
      'Pick the ONNX model whose embeddings build the graph (set margin.modelPath to skip this question)',
  });
  if (!picked) return undefined;
  return picked.value === NO_MODEL ? null : (picked.value as string);
}

/**
 * With no candidate, open a dialog. Only macOS dialogs select files and folders
 * at once; elsewhere the user first says which of the two to look for.
 */
async function browseForDataset(): Promise<string | undefined> {
  if (process.platform === 'darwin') return browse('either');
  const items: Choice<'folder' | 'file'>[] = [
    {
      label: '$(folder-opened) Browse for an image folder…',
      description: '<root>/<label>/<image>.png',
      value: 'folder',
    },
    { label: '$(file) Browse for a dataset file…', description: 'CSV/TSV/JSONL, IDX, NPY', value: 'file' },
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: 'MARGIN: no dataset found in the workspace',
    placeHolder: 'Where is the dataset?',
  });
  return picked ? browse(picked.value) : undefined;
}

async function browse(what: 'folder' | 'file' | 'either'): Promise<string | undefined> {
  const defaultUri = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uris = await vscode.window.showOpenDialog({
    title: 'MARGIN: select the dataset',
    openLabel: 'Scan this dataset',
    canSelectFiles: what !== 'folder',
    canSelectFolders: what !== 'file',
    canSelectMany: false,
    defaultUri,
    filters: what === 'folder' ? undefined : DATASET_FILE_FILTERS,
  });
  return uris?.[0]?.fsPath;
}
