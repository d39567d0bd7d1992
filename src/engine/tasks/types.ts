/**
 * The shape every task has. A task is one registry entry (`tasks/index.ts`):
 * what it is called, which datasets it takes and in which roles, the columns
 * it adds to each sample, its scorers, and `run`. Everything around it (the
 * CLI table, the CSV writer, the cache, the results panel) works from these
 * declarations, so a new task touches the registry and its own files only.
 */
import type { KnnSearch } from '../../core/types';
import type { Dataset } from '../../data/types';
import type {
  ColumnValue,
  DatasetRole,
  FilterVariant,
  ResultColumn,
  ScanParams,
  ScoreDistribution,
  ShiftOperator,
} from '../../protocol/engine';
import type { MarginCache } from '../cache';
import type { JobContext } from '../context';
import type { Representation } from '../representation';

/** How a task uses the labels of one of its datasets. */
export type LabelUse = 'required' | 'optional' | 'unused';

export interface RoleSpec {
  /** Whether the scan fails without this dataset (with `hint` telling what to pass). */
  required: boolean;
  labels: LabelUse;
  /** What the dataset is for, as the error and the docs say it. */
  hint: string;
}

export interface ScorerSpec {
  name: string;
  /** One line: what it computes, and where it comes from. */
  description: string;
  /** Other dataset roles or a model it cannot work without. */
  needs?: { reference?: boolean; model?: boolean };
}

/** A dataset opened for a task, and the points its graph is built on. */
export interface TaskDataset {
  role: DatasetRole;
  dataset: Dataset;
  representation: Representation;
}

/** ScanParams with every default filled in and every path absolute. */
export interface ResolvedScanParams extends ScanParams {
  k: number;
  scorer: string;
  operator: ShiftOperator;
  variant: FilterVariant;
  batchSize: number;
  cacheRoot: string;
}

export interface TaskInput {
  params: ResolvedScanParams;
  data: TaskDataset;
  reference?: TaskDataset;
  /** The embeddings cache (absent with --no-cache): tasks may keep their own model outputs there. */
  cache?: MarginCache;
  /**
   * The scan's kNN search (engine/neighbours.ts): the graph given with
   * `knnGraph` for the data's points, exact search up to 50,000 points,
   * approximate with measured recall above. Absent (a caller outside a
   * scan): exact search, `ortKnn`.
   */
  neighbours?: KnnSearch;
}

/** One scored sample; the scan adds id, path and rank. */
export interface TaskSample {
  /** Position in the data's dataset order. */
  index: number;
  /** Higher = more deserving of review. */
  score: number;
  /** Values of the task's columns, by key. */
  [column: string]: ColumnValue;
}

export interface TaskOutput {
  /** One entry per sample the task ranks, in any order. */
  samples: TaskSample[];
  /** Class names the columns' labels come from. */
  labelNames: string[];
  metrics?: Record<string, number>;
  notices?: string[];
  prototypes?: number[];
  criticisms?: number[];
  distribution?: ScoreDistribution;
}

export interface TaskDefinition {
  name: string;
  /** Shown as the panel's title and the CLI table's heading, e.g. "Boundary samples". */
  title: string;
  /** The question the task answers, for help texts and docs. */
  question: string;
  /** Roles the task takes; `data` always. */
  datasets: { data: RoleSpec; reference?: RoleSpec };
  /** Whether the task needs an ONNX model (it may still use one when optional). */
  model: 'required' | 'optional';
  /** k when the user gives none. */
  defaultK: number;
  scorers: ScorerSpec[];
  /** What `auto` means: the scorer that measured best (docs/results.md). */
  defaultScorer: string;
  columns: ResultColumn[];
  run(input: TaskInput, context: JobContext): Promise<TaskOutput>;
}
