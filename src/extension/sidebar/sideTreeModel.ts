/**
 * What the MARGIN side panel shows, as plain data: the workspace's models and
 * datasets (the chosen ones marked), each task with its last result, and the
 * samples that result flags. Pure (no vscode), so the tree's content and its
 * rules (how many samples a task flags, when a result is stale) are unit-tested;
 * sidePanelProvider.ts turns these nodes into TreeItems.
 *
 * The nodes are also the arguments of the tree's context-menu commands, so
 * each carries the fields its commands read: a task node `data`/`model` (the
 * scan commands), a sample node `{ task, index, id, path, datasetSource }`
 * (Relabel…, Mark OK, Open Sample) and `image`/`model` (Explain Prediction).
 */
import { basename } from 'node:path';
import type { SampleResult, ScanResult } from '../../protocol/engine';
import type { DatasetCandidate } from '../discovery/datasetCandidates';

/** Flagged samples listed under a task before a "… N more" item. */
export const SAMPLE_CAP = 200;
/** A task with no rule of its own for what it flags lists its top samples. */
export const TOP_SAMPLES = 20;

export interface GroupNode {
  kind: 'group';
  group: 'models' | 'datasets';
}
export interface ModelNode {
  kind: 'model';
  path: string;
  chosen: boolean;
}
export interface DatasetNode {
  kind: 'dataset';
  path: string;
  description: string;
  chosen: boolean;
}
export interface TaskNode {
  kind: 'task';
  task: string;
  /** The scan command that runs the task. */
  command: string;
  title: string;
  /** What the task was last run on: a re-run from the menu scans the same. */
  data?: string;
  model?: string;
  reference?: string;
  last?: TaskSummary;
}
export interface TaskSummary {
  receivedAt: Date;
  samples: number;
  flagged: number;
  stale: boolean;
}
/** The argument the side panel's sample items pass (and Relabel…/Mark OK/Open Sample receive). */
export interface SampleArgument {
  task: string;
  index: number;
  id: string;
  path?: string;
  datasetSource: string;
  /** The manifest row (1-based) the sample was read from, when the dataset is a manifest. */
  line?: number;
}

export interface SampleNode extends SampleArgument {
  kind: 'sample';
  score: number;
  rank: number;
  label?: string;
  suggestion?: string;
  /** Explain Prediction's argument: the image and the model the scan used. */
  image?: string;
  model?: string;
}
export interface MoreNode {
  kind: 'more';
  task: string;
  hidden: number;
}
export interface UntrustedNode {
  kind: 'untrusted';
}
export type SideNode = GroupNode | ModelNode | DatasetNode | TaskNode | SampleNode | MoreNode | UntrustedNode;

const IMAGE = /\.(png|jpe?g|gif|webp|bmp|tiff?)$/i;

/**
 * The samples a result flags, in rank order (`samples` are sorted by rank).
 * Label issues: as many as the engine estimates there are; samples to label:
 * the batch it chose; prototypes: the criticisms; other tasks: their top samples.
 */
export function flaggedSamples(result: ScanResult): SampleResult[] {
  const estimated = result.metrics?.estimatedIssues;
  if (typeof estimated === 'number' && Number.isFinite(estimated))
    return result.samples.slice(0, Math.max(0, Math.round(estimated)));
  const batch = result.samples.filter((sample) => sample.batch === true);
  if (batch.length > 0) return batch;
  if (result.criticisms) {
    const critical = new Set(result.criticisms);
    return result.samples.filter((sample) => critical.has(sample.index));
  }
  return result.samples.slice(0, TOP_SAMPLES);
}

/**
 * Sample nodes up to the cap, then one "… N more" node. `flagged` defaults to
 * the result's own; the review passes its list, which leaves reviewed samples out.
 */
export function sampleNodes(
  result: ScanResult,
  flagged: readonly SampleResult[] = flaggedSamples(result),
  cap = SAMPLE_CAP,
): (SampleNode | MoreNode)[] {
  const nodes: (SampleNode | MoreNode)[] = flagged.slice(0, cap).map((sample) => sampleNode(result, sample));
  if (flagged.length > cap) nodes.push({ kind: 'more', task: result.task, hidden: flagged.length - cap });
  return nodes;
}

export function sampleNode(result: ScanResult, sample: SampleResult): SampleNode {
  const node: SampleNode = {
    kind: 'sample',
    task: result.task,
    index: sample.index,
    id: sample.id,
    datasetSource: result.dataset.source,
    score: sample.score,
    rank: sample.rank,
  };
  if (sample.path !== undefined) node.path = sample.path;
  if (typeof sample.line === 'number') node.line = sample.line;
  if (typeof sample.label === 'string') node.label = sample.label;
  const suggestion = typeof sample.suggested === 'string' ? sample.suggested : sample.predicted;
  if (typeof suggestion === 'string') node.suggestion = suggestion;
  if (sample.path !== undefined && IMAGE.test(sample.path)) {
    node.image = sample.path;
    if (result.params.model) node.model = result.params.model;
  }
  return node;
}

/** "t10k-1159.png" for "Ankle_boot/t10k-1159.png"; a row id ("#12") stays as it is. */
export function sampleLabel(node: SampleNode): string {
  return basename(node.id) || node.id;
}

/** "0.912 · Shirt → T-shirt_top": the score, and the label the task suggests when it differs. */
export function sampleDescription(node: SampleNode): string {
  const score = node.score.toFixed(3);
  if (node.suggestion === undefined || node.suggestion === node.label)
    return node.label === undefined ? score : `${score} · ${node.label}`;
  return node.label === undefined
    ? `${score} · → ${node.suggestion}`
    : `${score} · ${node.label} → ${node.suggestion}`;
}

/**
 * A result is stale when its model or dataset changed after it arrived:
 * `modified` are the modification times (ms) of the model file, and of the
 * dataset file or its folder and label folders. A cached result that arrives
 * is fresh: the engine's cache key holds the files' times.
 */
export function isStale(receivedAt: Date, modified: readonly number[]): boolean {
  return modified.some((time) => time > receivedAt.getTime());
}

/** "14:03 · 1,000 samples · 48 flagged · stale" */
export function taskDescription(summary: TaskSummary | undefined): string {
  if (!summary) return 'not run yet';
  const time = summary.receivedAt.toTimeString().slice(0, 5);
  const count = (n: number) => n.toLocaleString('en-US');
  return `${time} · ${count(summary.samples)} samples · ${count(summary.flagged)} flagged · ${summary.stale ? 'stale' : 'fresh'}`;
}

export function modelNodes(paths: readonly string[], chosen: string | undefined): ModelNode[] {
  return paths.map((path) => ({ kind: 'model', path, chosen: path === chosen }));
}

/** The chosen one is listed even when the search did not find it (a dataset outside the workspace). */
export function datasetNodes(
  candidates: readonly DatasetCandidate[],
  chosen: string | undefined,
): DatasetNode[] {
  const nodes: DatasetNode[] = candidates.map((candidate) => ({
    kind: 'dataset',
    path: candidate.path,
    description: candidate.description,
    chosen: candidate.path === chosen,
  }));
  if (chosen && !nodes.some((node) => node.chosen))
    nodes.unshift({ kind: 'dataset', path: chosen, description: 'chosen', chosen: true });
  return nodes;
}

export function withChosenModel(paths: readonly string[], chosen: string | undefined): string[] {
  return chosen && !paths.includes(chosen) ? [chosen, ...paths] : [...paths];
}
