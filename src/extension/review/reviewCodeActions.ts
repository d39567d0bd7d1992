/**
 * Quick fixes on a flagged manifest row, tied to their diagnostic by
 * `diagnostic.code` (the sample id): Relabel to ‹suggested› (a text edit, so
 * the editor shows it before save and Undo reverts it) and Mark as reviewed.
 */
import * as vscode from 'vscode';
import type { FlagIndex } from './flagIndex';
import { suggestsOtherLabel } from './flaggedSamples';
import { DIAGNOSTIC_SOURCE, MANIFEST_SELECTOR } from './manifestDiagnostics';
import { manifestRelabelEdit } from './reviewActions';
import { MARK_REVIEWED_COMMAND, RECORD_RELABEL_COMMAND, type SampleKey } from './sampleArguments';

export function registerReviewCodeActions(flags: FlagIndex): vscode.Disposable {
  return vscode.languages.registerCodeActionsProvider(
    MANIFEST_SELECTOR,
    { provideCodeActions: (document, _range, context) => quickFixes(flags, document, context) },
    { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] },
  );
}

function quickFixes(
  flags: FlagIndex,
  document: vscode.TextDocument,
  context: vscode.CodeActionContext,
): vscode.CodeAction[] {
  const state = flags.current();
  if (!state?.manifest || document.uri.fsPath !== state.manifest) return [];
  const actions: vscode.CodeAction[] = [];
  for (const diagnostic of context.diagnostics) {
    if (diagnostic.source !== DIAGNOSTIC_SOURCE || typeof diagnostic.code !== 'string') continue;
    const flag = state.byId.get(diagnostic.code);
    if (!flag) continue;
    const key: SampleKey = { datasetKey: state.entry.result.dataset.source, sampleId: flag.sample.id };
    if (suggestsOtherLabel(flag.sample)) {
      const to = String(flag.sample.suggested);
      const made = manifestRelabelEdit(document, { entry: state.entry, sample: flag.sample }, to);
      if ('edit' in made) {
        const action = new vscode.CodeAction(`Relabel to ${to}`, vscode.CodeActionKind.QuickFix);
        action.diagnostics = [diagnostic];
        action.isPreferred = true;
        action.edit = made.edit;
        // Runs after the edit is applied: the decision goes to the review store.
        action.command = {
          command: RECORD_RELABEL_COMMAND,
          title: 'Record the relabel',
          arguments: [key, made.from, to],
        };
        actions.push(action);
      }
    }
    const reviewed = new vscode.CodeAction('Mark as reviewed (label is OK)', vscode.CodeActionKind.QuickFix);
    reviewed.diagnostics = [diagnostic];
    reviewed.command = { command: MARK_REVIEWED_COMMAND, title: 'Mark as reviewed', arguments: [key] };
    actions.push(reviewed);
  }
  return actions;
}
