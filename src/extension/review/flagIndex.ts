/**
 * The flagged samples of the latest labels result, indexed the ways the
 * editor asks for them (manifest line, sample id, image file, folder), and
 * recomputed when a result arrives, a decision changes, or the manifest is edited.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import * as vscode from 'vscode';
import type { SampleResult } from '../../protocol/engine';
import type { LatestResult, LatestResults } from '../state/latestResults';
import { flaggedSamples, flagMessage, warningThreshold } from './flaggedSamples';
import { findLabelCell, manifestFormat } from './labelCell';
import { datasetLabelColumn, datasetManifest, sampleLine } from './resultFields';
import type { ReviewDecision } from './reviewStore';
import type { ReviewStores } from './reviewStores';

export interface FlaggedSample {
  sample: SampleResult;
  warning: boolean;
  message: string;
}

export interface FlagState {
  entry: LatestResult;
  /** The manifest's fsPath when the dataset is one. */
  manifest?: string;
  flagged: FlaggedSample[];
  byLine: Map<number, FlaggedSample>;
  byId: Map<string, FlaggedSample>;
  /** Flagged image files by fsPath. */
  byPath: Map<string, FlaggedSample>;
  /** Folders holding flagged files (inside the dataset), with how many, by fsPath. */
  folders: Map<string, number>;
  /** Every ranked sample by dataset index, for naming neighbours. */
  byIndex: Map<number, SampleResult>;
}

const EDIT_SETTLE_MS = 150;

export class FlagIndex implements vscode.Disposable {
  private state: FlagState | undefined;
  private readonly changed = new vscode.EventEmitter<FlagState | undefined>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  private pendingEdit: NodeJS.Timeout | undefined;

  constructor(
    private readonly results: LatestResults,
    private readonly stores: ReviewStores,
  ) {
    this.subscriptions.push(
      results.onDidPublish((entry) => {
        if (entry.result.task !== 'labels') return;
        this.refresh();
        // Decisions of this folder may not be read yet: refresh again once they are.
        void stores.storeFor(entry.cacheRoot).then(
          () => this.refresh(),
          () => undefined,
        );
      }),
      stores.onDidChange(() => this.refresh()),
      // Undo/redo of a relabel in the manifest decides whether its row is flagged again.
      vscode.workspace.onDidChangeTextDocument((event) => {
        if (this.state?.manifest !== event.document.uri.fsPath) return;
        clearTimeout(this.pendingEdit);
        this.pendingEdit = setTimeout(() => this.refresh(), EDIT_SETTLE_MS);
      }),
    );
    this.refresh();
  }

  current(): FlagState | undefined {
    return this.state;
  }

  refresh(): void {
    const entry = this.results.get('labels');
    this.state = entry ? this.build(entry) : undefined;
    this.changed.fire(this.state);
  }

  /** Whether a relabel decision is in the dataset now (an Undo since makes it false). */
  relabelApplied(entry: LatestResult, sample: SampleResult, decision: ReviewDecision): boolean {
    if (decision.state !== 'relabelled') return false;
    const manifest = datasetManifest(entry.result.dataset);
    if (manifest) {
      const line = sampleLine(sample);
      const lines = manifestLines(manifest);
      const format = manifestFormat(manifest);
      if (!line || !lines || !format || line > lines.length) return true;
      const header = lines.find((text) => text.trim() !== '') ?? '';
      const found = findLabelCell(format, header, lines[line - 1], datasetLabelColumn(entry.result.dataset));
      return !found.ok || found.cell.value === decision.to;
    }
    // An image folder: the file has left its old class folder.
    return sample.path === undefined || !existsSync(sample.path);
  }

  dispose(): void {
    clearTimeout(this.pendingEdit);
    vscode.Disposable.from(...this.subscriptions).dispose();
    this.changed.dispose();
  }

  private build(entry: LatestResult): FlagState {
    const { result, cacheRoot } = entry;
    const datasetKey = result.dataset.source;
    const isSettled = (sample: SampleResult) => {
      const decision = this.stores.decision(cacheRoot, datasetKey, sample.id);
      if (!decision) return false;
      return decision.state === 'ok' || this.relabelApplied(entry, sample, decision);
    };
    const samples = flaggedSamples(result, isSettled);
    const threshold = warningThreshold(result, samples);
    const manifest = datasetManifest(result.dataset);
    const state: FlagState = {
      entry,
      manifest,
      flagged: [],
      byLine: new Map(),
      byId: new Map(),
      byPath: new Map(),
      folders: new Map(),
      byIndex: new Map(result.samples.map((sample) => [sample.index, sample])),
    };
    const datasetFolder = manifest ? dirname(manifest) : result.dataset.source;
    for (const sample of samples) {
      const flag = { sample, warning: sample.score >= threshold, message: flagMessage(sample) };
      state.flagged.push(flag);
      state.byId.set(sample.id, flag);
      const line = sampleLine(sample);
      if (manifest && line) state.byLine.set(line, flag);
      if (sample.path) {
        state.byPath.set(sample.path, flag);
        for (const folder of foldersUpTo(sample.path, datasetFolder))
          state.folders.set(folder, (state.folders.get(folder) ?? 0) + 1);
      }
    }
    return state;
  }
}

/** The folders from a file's own up to `top` (inclusive), when the file is inside `top`. */
function foldersUpTo(file: string, top: string): string[] {
  const inside = relative(top, file);
  if (inside.startsWith('..') || inside === '') return [];
  const folders: string[] = [];
  for (let folder = dirname(file); ; folder = dirname(folder)) {
    folders.push(folder);
    if (folder === top || !folder.startsWith(top + sep)) break;
  }
  return folders;
}

/** The manifest's lines as the editor has them (unsaved edits included), else as on disk. */
function manifestLines(file: string): string[] | undefined {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.fsPath === file);
  try {
    const text = open ? open.getText() : readFileSync(file, 'utf8');
    return text.replace(/^\uFEFF/, '').split(/\r?\n/);
  } catch {
    return undefined;
  }
}
