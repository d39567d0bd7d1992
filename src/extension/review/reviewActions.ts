/**
 * What Relabel and Mark OK do, shared by the quick fixes and the commands.
 * Every change to the dataset is a WorkspaceEdit (a one-cell text edit in a
 * manifest, a file rename in an image folder), made only on the user's
 * action; the decision goes to the review store.
 */
import { basename, join } from 'node:path';
import * as vscode from 'vscode';
import type { SampleResult } from '../../protocol/engine';
import type { LatestResult } from '../state/latestResults';
import { findLabelCell, manifestFormat } from './labelCell';
import { datasetLabelColumn, datasetManifest, datasetRoot, sampleLine } from './resultFields';
import type { ReviewStores } from './reviewStores';

/** A sample of a published result. */
export interface SampleTarget {
  entry: LatestResult;
  sample: SampleResult;
}

export type Outcome = { ok: true; detail: string } | { ok: false; problem: string };

/** The edit that puts `to` in the label cell of the sample's manifest row, and the label it replaces. */
export function manifestRelabelEdit(
  document: vscode.TextDocument,
  target: SampleTarget,
  to: string,
): { edit: vscode.WorkspaceEdit; from: string } | { problem: string } {
  const { dataset } = target.entry.result;
  const format = manifestFormat(document.uri.fsPath);
  const line = sampleLine(target.sample);
  if (!format) return { problem: `${document.uri.fsPath} is not a CSV, TSV or JSONL file` };
  if (!line || line > document.lineCount)
    return { problem: `the result gives no line for ${target.sample.id}` };
  const header = headerLine(document);
  const found = findLabelCell(format, header, document.lineAt(line - 1).text, datasetLabelColumn(dataset));
  if (!found.ok) return { problem: `line ${line}: ${found.problem}` };
  const { cell } = found;
  const edit = new vscode.WorkspaceEdit();
  edit.replace(document.uri, new vscode.Range(line - 1, cell.start, line - 1, cell.end), cell.write(to), {
    label: `MARGIN: relabel ${target.sample.id} to ${to}`,
    needsConfirmation: false,
  });
  return { edit, from: cell.value };
}

function headerLine(document: vscode.TextDocument): string {
  for (let line = 0; line < document.lineCount; line++) {
    const text = document.lineAt(line).text;
    if (text.trim() !== '') return text;
  }
  return '';
}

/** Where an image-folder sample goes when relabelled: the same file name in the class folder `to`. */
export function relabelledPath(target: SampleTarget, to: string): string {
  return join(datasetRoot(target.entry.result.dataset), to, basename(target.sample.path ?? target.sample.id));
}

/** Relabels a sample: edits its manifest row (unsaved, undoable) or moves its image; records the decision. */
export async function relabel(stores: ReviewStores, target: SampleTarget, to: string): Promise<Outcome> {
  const { result, cacheRoot } = target.entry;
  const store = await stores.storeFor(cacheRoot);
  const manifest = datasetManifest(result.dataset);
  if (manifest) {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(manifest));
    const made = manifestRelabelEdit(document, target, to);
    if ('problem' in made) return { ok: false, problem: made.problem };
    if (!(await vscode.workspace.applyEdit(made.edit)))
      return { ok: false, problem: `VS Code did not apply the edit to ${manifest}` };
    await store.set(result.dataset.source, target.sample.id, { state: 'relabelled', from: made.from, to });
    return {
      ok: true,
      detail: `line ${sampleLine(target.sample)} of ${basename(manifest)} now says ${to} (not saved yet)`,
    };
  }
  if (result.dataset.kind !== 'image-folder' || !target.sample.path)
    return { ok: false, problem: `${result.dataset.kind} datasets cannot be relabelled from the editor` };
  const destination = relabelledPath(target, to);
  const edit = new vscode.WorkspaceEdit();
  edit.renameFile(vscode.Uri.file(target.sample.path), vscode.Uri.file(destination), {
    overwrite: false,
  });
  if (!(await vscode.workspace.applyEdit(edit)))
    return {
      ok: false,
      problem: `could not move ${target.sample.path} to ${destination} (does it exist already?)`,
    };
  await store.set(result.dataset.source, target.sample.id, {
    state: 'relabelled',
    from: String(target.sample.label ?? ''),
    to,
  });
  return { ok: true, detail: `moved ${basename(target.sample.path)} to ${to}/` };
}

/**
 * Undoes an image-folder relabel: moves the file back and forgets the decision.
 * (VS Code's Undo in the Explorer only reverts the Explorer's own file
 * operations, not an extension's WorkspaceEdit rename; this is its undo.)
 */
export async function undoImageRelabel(stores: ReviewStores, target: SampleTarget): Promise<Outcome> {
  const { result, cacheRoot } = target.entry;
  const store = await stores.storeFor(cacheRoot);
  const decision = store.decision(result.dataset.source, target.sample.id);
  if (decision?.state !== 'relabelled' || !target.sample.path)
    return { ok: false, problem: `${target.sample.id} was not relabelled` };
  const moved = relabelledPath(target, decision.to);
  const edit = new vscode.WorkspaceEdit();
  edit.renameFile(vscode.Uri.file(moved), vscode.Uri.file(target.sample.path), { overwrite: false });
  if (!(await vscode.workspace.applyEdit(edit)))
    return { ok: false, problem: `could not move ${moved} back to ${target.sample.path}` };
  await store.delete(result.dataset.source, target.sample.id);
  return { ok: true, detail: `moved ${basename(moved)} back to ${String(target.sample.label)}/` };
}

export async function markReviewed(stores: ReviewStores, target: SampleTarget): Promise<Outcome> {
  const store = await stores.storeFor(target.entry.cacheRoot);
  await store.set(target.entry.result.dataset.source, target.sample.id, { state: 'ok' });
  return { ok: true, detail: `${target.sample.id} marked OK` };
}
