/**
 * Messages between the engine process and its clients (the VS Code extension and
 * the CLI). Method names are declared once here; both ends build their
 * vscode-jsonrpc RequestType/NotificationType from them. This module imports
 * nothing, so the webview bundle can use the result types too.
 */

export type TaskName = 'labels' | 'boundary' | 'adversarial' | 'prototypes';
export const TASK_NAMES: readonly TaskName[] = ['labels', 'boundary', 'adversarial', 'prototypes'];

/** Shift operator of the graph filter (DESIGN.md §4). */
export type ShiftOperator = 'normalized' | 'random-walk' | 'laplacian';
/** `algorithm-1`: I = |f − A f|; `reference-code`: the paper's appendix snippet. */
export type FilterVariant = 'algorithm-1' | 'reference-code';

export interface ScanParams {
  task: TaskName;
  /** Dataset path (absolute, or relative to `cwd`). */
  data: string;
  labels?: string;
  model?: string;
  reference?: string;
  referenceLabels?: string;
  textColumn?: string;
  labelColumn?: string;
  pathColumn?: string;
  k: number;
  scorer?: string;
  operator?: ShiftOperator;
  variant?: FilterVariant;
  batchSize?: number;
  /** Skip the .margin/ cache (read and write). */
  noCache?: boolean;
  /** Folder that holds `.margin/` (the workspace root, or the CLI's cwd). */
  cacheRoot?: string;
}

export interface SampleResult {
  /** Position in dataset order. */
  index: number;
  id: string;
  path?: string;
  label?: string;
  predicted?: string;
  suggested?: string;
  /** Higher = more suspect. */
  score: number;
  /** 1 = most deserving of review. */
  rank: number;
}

export interface SkippedSample {
  index: number;
  file: string;
  problem: string;
}

export interface ScanResult {
  task: TaskName;
  params: ScanParams;
  dataset: { kind: string; source: string; count: number; labelNames: string[] };
  /** Sorted by rank. */
  samples: SampleResult[];
  skipped: SkippedSample[];
  metrics?: Record<string, number>;
  /** Wall time of each stage in milliseconds, and whether the embeddings came from the cache. */
  timings: Record<string, number>;
  cached: { embeddings: boolean; result: boolean };
}

export interface ScanRequestParams {
  jobId: string;
  params: ScanParams;
}

export interface CancelParams {
  jobId: string;
}

export interface ProgressParams {
  jobId: string;
  done: number;
  total: number;
  stage: string;
}

export interface LogParams {
  level: 'info' | 'warn' | 'error';
  message: string;
}

/** JSON-RPC error `data` for input errors: the file and the problem. */
export interface InputErrorData {
  kind: 'input';
  file: string;
  problem: string;
}

export const ENGINE_METHODS = {
  scan: 'scan',
  explain: 'explain',
  cancel: 'cancel',
  progress: 'progress',
  log: 'log',
} as const;

/** JSON-RPC error codes the engine answers with. */
export const ENGINE_ERRORS = {
  /** Bad input: a file or argument; `data` is InputErrorData. */
  input: 4000,
  cancelled: 4001,
  notImplemented: 4002,
  internal: 4500,
} as const;
