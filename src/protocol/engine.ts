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

/** Saliency methods by CLI name; `margin` (the MARGIN superpixel saliency) is not available yet. */
export type ExplainMethod = 'margin' | 'occlusion' | 'gradient' | 'ig' | 'smoothgrad' | 'deeplift' | 'dance' | 'caso';
export const EXPLAIN_METHODS: readonly ExplainMethod[] = ['margin', 'occlusion', 'gradient', 'ig', 'smoothgrad', 'deeplift', 'dance', 'caso'];

/** Method settings; each method reads the ones it uses and ignores the rest. */
export interface ExplainOptions {
  /** IG: interpolation steps. */
  steps?: number;
  /** SmoothGrad: noisy samples; DANCE: decoys. */
  samples?: number;
  /** SmoothGrad: noise σ as a fraction of the input's range. */
  noise?: number;
  /** IG, DeepLIFT (and occlusion: zeros or mean) reference input. */
  baseline?: 'zeros' | 'blur' | 'mean';
  /** DeepLIFT rule. */
  rule?: 'rescale' | 'reveal-cancel';
  /** DANCE: the intermediate tensor whose activations decoys keep. */
  layer?: string;
  seed?: number;
  /** Occlusion: patch side and stride in pixels. */
  patch?: number;
  stride?: number;
  /** Samples per onnxruntime run. */
  batchSize?: number;
}

export interface ExplainParams {
  /** ONNX model (absolute, or relative to the engine's cwd). */
  model: string;
  /** One sample: an image file (decoded and preprocessed as the sidecar says) or a .npy model input tensor. */
  input: string;
  method: ExplainMethod;
  /** Class to explain: an index or a label name from the sidecar; default the predicted class. */
  target?: number | string;
  options?: ExplainOptions;
  /** Files to write the map to: `.npy` (float32, the input's shape), `.png` (overlay) or `.json`. */
  out?: string[];
}

export interface ExplainResult {
  method: ExplainMethod;
  model: string;
  input: string;
  target: number;
  targetLabel?: string;
  predicted: number;
  predictedLabel?: string;
  /** Softmax of the logits for the input. */
  probabilities: number[];
  /** The map's (= the model input's per-sample) shape. */
  shape: number[];
  /** The attribution, row-major, `shape`'s product values. */
  map: number[];
  /** Wall time of the explanation (model loading included). */
  seconds: number;
  /** The files written (absolute paths), in the order asked. */
  written: string[];
}

export interface ExplainRequestParams {
  jobId: string;
  params: ExplainParams;
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
