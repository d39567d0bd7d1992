/**
 * The review commands: Relabel… and Mark OK (from the Explorer on a flagged
 * image, from the side panel or results panel on a sample), Export Review,
 * and the internal ones behind quick fixes and the relabel notification's Undo.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionServices } from '../commands/services';
import type { FlagIndex } from './flagIndex';
import type { FlaggedFileDecorations } from './imageDecorations';
import { datasetManifest } from './resultFields';
import { reviewCsv, type ExportRow } from './reviewExport';
import { markReviewed, relabel, undoImageRelabel, type Outcome, type SampleTarget } from './reviewActions';
import type { ReviewStores } from './reviewStores';
import {
  DECORATION_COMMAND,
  EXPORT_REVIEW_COMMAND,
  MARK_REVIEWED_COMMAND,
  RECORD_RELABEL_COMMAND,
  RELABEL_COMMAND,
  resolveSample,
  UNDO_RELABEL_COMMAND,
  type SampleKey,
} from './sampleArguments';

export function registerReviewCommands(
  services: ExtensionServices,
  stores: ReviewStores,
  flags: FlagIndex,
  decorations: FlaggedFileDecorations,
): vscode.Disposable {
  const target = (arg: unknown): SampleTarget | undefined => {
    const found = resolveSample(services.results, arg);
    if (!found)
      void vscode.window.showWarningMessage(
        'MARGIN: this sample is not in a result of this window; run Find Label Issues first.',
      );
    return found;
  };
  const report = (outcome: Outcome): boolean => {
    if (outcome.ok) services.log.info(`review: ${outcome.detail}`);
    else void vscode.window.showErrorMessage(`MARGIN: ${outcome.problem}`);
    return outcome.ok;
  };
  return vscode.Disposable.from(
    /** (sample, label?): the label skips the question (tests, the results panel's own picker). */
    vscode.commands.registerCommand(RELABEL_COMMAND, async (arg?: unknown, label?: unknown) => {
      const found = target(arg);
      if (!found) return false;
      const to = typeof label === 'string' && label ? label : await askLabel(found);
      if (!to) return false;
      const outcome = await relabel(stores, found, to);
      if (outcome.ok && !datasetManifest(found.entry.result.dataset))
        offerUndo(outcome.detail, () => vscode.commands.executeCommand(UNDO_RELABEL_COMMAND, arg));
      return report(outcome);
    }),
    vscode.commands.registerCommand(MARK_REVIEWED_COMMAND, async (arg?: unknown) => {
      const found = target(arg);
      return found ? report(await markReviewed(stores, found)) : false;
    }),
    vscode.commands.registerCommand(
      RECORD_RELABEL_COMMAND,
      async (key: SampleKey, from: string, to: string) => {
        const found = target(key);
        if (!found) return false;
        await (
          await stores.storeFor(found.entry.cacheRoot)
        ).set(key.datasetKey, key.sampleId, {
          state: 'relabelled',
          from,
          to,
        });
        return true;
      },
    ),
    vscode.commands.registerCommand(UNDO_RELABEL_COMMAND, async (arg?: unknown) => {
      const found = target(arg);
      return found ? report(await undoImageRelabel(stores, found)) : false;
    }),
    vscode.commands.registerCommand(EXPORT_REVIEW_COMMAND, (arg?: unknown) =>
      exportReview(services, stores, flags, arg),
    ),
    vscode.commands.registerCommand(DECORATION_COMMAND, (uri: vscode.Uri) => {
      const decoration = decorations.provideFileDecoration(uri);
      return decoration ? { badge: decoration.badge, tooltip: decoration.tooltip } : undefined;
    }),
  );
}

/** A QuickPick of the dataset's labels, the suggestion first. */
async function askLabel({ entry, sample }: SampleTarget): Promise<string | undefined> {
  const suggested = typeof sample.suggested === 'string' ? sample.suggested : undefined;
  const names = entry.result.dataset.labelNames.filter((name) => name !== suggested);
  const items: vscode.QuickPickItem[] = [
    ...(suggested && suggested !== sample.label
      ? [{ label: suggested, description: 'suggested by MARGIN' }]
      : []),
    ...names.map((name) => ({
      label: name,
      description: name === sample.label ? 'current label' : undefined,
    })),
  ];
  const picked = await vscode.window.showQuickPick(items, {
    title: `MARGIN: relabel ${sample.id}`,
    placeHolder: `Now "${String(sample.label ?? '')}"; pick its label`,
  });
  return picked && picked.label !== sample.label ? picked.label : undefined;
}

function offerUndo(detail: string, undo: () => Thenable<unknown>): void {
  void vscode.window.showInformationMessage(`MARGIN: ${detail}.`, 'Undo').then((choice) => {
    if (choice === 'Undo') void undo();
  });
}

/**
 * Writes every decision of the stores read in this window as CSV; returns the
 * file's path (undefined when the user cancelled). A string argument (or
 * `{ path }`) is the file to write, without asking.
 */
async function exportReview(
  services: ExtensionServices,
  stores: ReviewStores,
  flags: FlagIndex,
  arg: unknown,
): Promise<string | undefined> {
  const roots = vscode.workspace.workspaceFolders?.map((folder) => folder.uri.fsPath) ?? [
    services.fallbackCacheRoot,
  ];
  for (const root of roots) await stores.storeFor(root);
  const latest = services.results.get('labels');
  if (latest) await stores.storeFor(latest.cacheRoot);
  const defaultRoot = latest?.cacheRoot ?? roots[0];
  const given =
    typeof arg === 'string' ? arg : isRecord(arg) && typeof arg.path === 'string' ? arg.path : undefined;
  let file = given;
  if (!file) {
    const picked = await vscode.window.showSaveDialog({
      title: 'MARGIN: export the review',
      defaultUri: vscode.Uri.file(join(defaultRoot, '.margin', 'review-export.csv')),
      filters: { CSV: ['csv'] },
    });
    if (!picked) return undefined;
    file = picked.fsPath;
  }
  const rows: ExportRow[] = [];
  for (const [, store] of stores.all()) {
    for (const dataset of store.datasets()) {
      const entry = services.results.all().find((candidate) => candidate.result.dataset.source === dataset);
      for (const [sampleId, decision] of store.decisions(dataset)) {
        const sample = entry?.result.samples.find((candidate) => candidate.id === sampleId);
        rows.push({
          dataset,
          sampleId,
          decision,
          path: sample?.path,
          applied:
            entry && sample && decision.state === 'relabelled'
              ? flags.relabelApplied(entry, sample, decision)
              : undefined,
        });
      }
    }
  }
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, reviewCsv(rows));
  services.log.info(`review: ${rows.length} decisions exported to ${file}`);
  void vscode.window.showInformationMessage(
    `MARGIN: ${rows.length} decisions exported to ${basename(file)}.`,
  );
  return file;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object';
}
