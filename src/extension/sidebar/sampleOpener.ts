/**
 * MARGIN: Open Sample (the side panel's click). Opens an image sample in the
 * active editor group, or a manifest at the sample's row. A path from a result
 * or the cache is opened only inside the dataset's folder, and a symbolic link
 * that leaves it is reported (discovery/datasetPath.ts); the user may still
 * open such a file, by an explicit choice in a modal dialog.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionServices } from '../commands/services';
import { checkSamplePath, datasetRoot } from '../discovery/datasetPath';
import type { SampleArgument } from './sideTreeModel';

export function parseSampleArgument(arg: unknown): SampleArgument | undefined {
  if (arg === null || typeof arg !== 'object') return undefined;
  const { task, index, id, path, datasetSource, line } = arg as Record<string, unknown>;
  if (typeof task !== 'string' || typeof id !== 'string' || typeof datasetSource !== 'string')
    return undefined;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) return undefined;
  const sample: SampleArgument = { task, index, id, datasetSource };
  if (typeof path === 'string' && path) sample.path = path;
  if (typeof line === 'number' && Number.isInteger(line) && line >= 1) sample.line = line;
  return sample;
}

const OPEN_ANYWAY = 'Open Anyway';

/** What was opened (a file Uri), or undefined when nothing was (reported to the user). */
export async function openSample(services: ExtensionServices, arg: unknown): Promise<vscode.Uri | undefined> {
  const sample = parseSampleArgument(arg);
  if (!sample) {
    void vscode.window.showErrorMessage(
      'MARGIN: Open Sample needs a sample of the side panel or the results.',
    );
    return undefined;
  }
  if (sample.path) return openSampleFile(services, sample, sample.path);
  if (sample.line !== undefined) return openManifestRow(sample.datasetSource, sample.line);
  void vscode.window.showInformationMessage(
    `MARGIN: sample ${sample.id} is a row of ${basename(sample.datasetSource)}, not a file of its own.`,
  );
  return undefined;
}

async function openSampleFile(
  services: ExtensionServices,
  sample: SampleArgument,
  path: string,
): Promise<vscode.Uri | undefined> {
  const root = await rootOf(services, sample);
  const check = await checkSamplePath(path, root);
  if (!check.ok) {
    services.log.warn(`open sample: ${check.message}`);
    if (check.problem === 'missing') {
      void vscode.window.showErrorMessage(`MARGIN: ${check.message}.`);
      return undefined;
    }
    const choice = await vscode.window.showWarningMessage(
      `MARGIN: ${check.message}. MARGIN does not open it on its own.`,
      { modal: true },
      OPEN_ANYWAY,
    );
    if (choice !== OPEN_ANYWAY) return undefined;
  }
  const uri = vscode.Uri.file(path);
  // The active group, at full size: a 28×28 image beside a panel is a thumbnail.
  await vscode.commands.executeCommand('vscode.open', uri, {
    viewColumn: vscode.ViewColumn.Active,
    preview: true,
  } satisfies vscode.TextDocumentShowOptions);
  return uri;
}

async function openManifestRow(manifest: string, line: number): Promise<vscode.Uri> {
  const uri = vscode.Uri.file(manifest);
  const position = new vscode.Position(line - 1, 0);
  await vscode.window.showTextDocument(uri, {
    viewColumn: vscode.ViewColumn.Active,
    preview: true,
    selection: new vscode.Range(position, position),
  });
  return uri;
}

/** The folder the sample must be in: the engine's `root` when the result knows it, else the dataset's own folder. */
async function rootOf(services: ExtensionServices, sample: SampleArgument): Promise<string> {
  const dataset = services.results.get(sample.task)?.result.dataset;
  if (dataset && dataset.source === sample.datasetSource) return datasetRoot(dataset);
  const isFolder = await stat(sample.datasetSource).then(
    (info) => info.isDirectory(),
    () => false,
  );
  return isFolder ? sample.datasetSource : dirname(sample.datasetSource);
}
