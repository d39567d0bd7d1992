/**
 * Messages between the engine process and its clients (the VS Code extension and
 * the CLI). Method names are declared once here; both ends build their
 * vscode-jsonrpc RequestType/NotificationType from them. This module imports
 * nothing, so the webview bundle can use the result types too.
 */

/**
 * A task's name. The engine's task registry (src/engine/tasks/) is the one list
 * of tasks; clients learn a task's title and columns from its results.
 */
export type TaskName = string;

/** Shift operator of the graph filter (DESIGN.md §4). */
export type ShiftOperator = 'normalized' | 'random-walk' | 'laplacian';
/** `algorithm-1`: I = |f − A f|; `reference-code`: the paper's appendix snippet. */
export type FilterVariant = 'algorithm-1' | 'reference-code';
/** `approximate`: usearch HNSW with its recall measured against exact search on sampled points. */
export type KnnBackend = 'auto' | 'exact' | 'approximate';

/**
 * What a dataset is to a task: `data` is what gets ranked; `reference` is a
 * trusted, labelled set the task compares with (adversarial: clean samples;
 * boundary: e.g. the training set).
 */
export type DatasetRole = 'data' | 'reference';

export interface DatasetSpec {
  role: DatasetRole;
  /** Dataset path (absolute, or relative to `cwd`). */
  path: string;
  /** Labels file that replaces the dataset's own labels. */
  labels?: string;
  textColumn?: string;
  labelColumn?: string;
  pathColumn?: string;
}

export interface ScanParams {
  task: TaskName;
  /** One `data` dataset, and the other roles the task takes. */
  datasets: DatasetSpec[];
  model?: string;
  /** Neighbours per sample; default: the task's own (20, boundary 30). */
  k?: number;
  /** One of the task's scorers, or `auto` (the default): the one that measured best. */
  scorer?: string;
  /** Prototypes: how many prototypes and criticisms to list; acquire: the batch size. */
  count?: number;
  /** Prototypes: `false` chooses over the whole dataset even when it has labels (default: per class). */
  perClass?: boolean;
  operator?: ShiftOperator;
  variant?: FilterVariant;
  batchSize?: number;
  /**
   * Standardise a tabular CSV's numeric features (z-scores per column, as
   * scikit-learn's StandardScaler) before the graph is built on them; default
   * true. Not used when a model computes the points.
   */
  standardize?: boolean;
  /**
   * A kNN graph built elsewhere (FAISS, Spark) for the data's samples: an
   * edge-list .npy, a CSR .npz, or a folder with indptr.npy and indices.npy.
   */
  knnGraph?: string;
  /** kNN search: `auto` (default) is exact up to 50,000 points and approximate above. */
  knn?: KnnBackend;
  /** Skip the .margin/ cache (read and write). */
  noCache?: boolean;
  /** Folder that holds `.margin/` (the workspace root, or the CLI's cwd). */
  cacheRoot?: string;
}

/** A per-sample field a task adds to its results, and how to show it. */
export interface ResultColumn {
  /** The field of SampleResult that holds the value. */
  key: string;
  /** Column header. */
  title: string;
  /** `label`: a class name; `number`: shown with 3 decimals; `text`: as is. */
  kind: 'label' | 'number' | 'text';
  /** One line on what the value means (tooltips, docs). */
  description?: string;
  /**
   * Another column this one is compared with: the panel marks the cell when
   * the two differ (suggested vs given label).
   */
  contrastWith?: string;
}

/** A cell value of a task column. */
export type ColumnValue = string | number | boolean | undefined;

/** What every ranked sample has, whatever the task. */
export interface SampleFields {
  /** Position in dataset order. */
  index: number;
  id: string;
  path?: string;
  /** Higher = more deserving of review. */
  score: number;
  /** 1 = most deserving of review. */
  rank: number;
  /**
   * Table datasets (CSV, TSV, JSONL): 1-based line of `DatasetSummary.manifest`
   * where the sample's row starts (the header and blank lines counted; a row
   * whose quoted cell spans lines starts on its first).
   */
  line?: number;
  /**
   * Dataset indices (`index` of other samples) of the sample's nearest
   * neighbours in the kNN graph the task built on the data's own points,
   * nearest first, at most 10. Absent when the task built no such graph
   * (adversarial; boundary and prototypes with some scorers).
   */
  neighbours?: number[];
  /**
   * The model's most probable classes for the sample (softmax of its logits
   * over all the model's classes), most probable first, at most 5; each p
   * rounded down to 4 significant digits, so the listed p never sum above 1.
   * Absent when no model ran on the data (no model, or feature rows given to
   * an image model).
   */
  probabilities?: ClassProbability[];
}

/** One class of `SampleFields.probabilities`: a model class name and its probability. */
export interface ClassProbability {
  label: string;
  p: number;
}

/**
 * A ranked sample: its fields and the task's columns (ScanResult.columns), by
 * key. An intersection rather than one interface because `neighbours` and
 * `probabilities` are lists, which a column value never is: reading a column
 * by key still gives a ColumnValue, reading either field gives its list.
 */
export type SampleResult = SampleFields & { [column: string]: ColumnValue };

export interface SkippedSample {
  index: number;
  file: string;
  problem: string;
}

/** Values of one score on several sets, for a histogram (e.g. reference vs data under test). */
export interface ScoreDistribution {
  title: string;
  series: { name: string; values: number[] }[];
}

export interface DatasetSummary {
  kind: string;
  source: string;
  count: number;
  labelNames: string[];
  /** Absolute path of the table file (CSV, TSV, JSONL) whose rows are the samples, when they are. */
  manifest?: string;
  /**
   * The column (JSONL: key) of `manifest` the labels were read from, so an
   * editor can rewrite a row's label; absent when the labels came from
   * elsewhere (`--labels`) or the table has none.
   */
  labelColumn?: string;
  /**
   * Absolute folder the dataset's files live under: an image folder's root,
   * or the folder of `manifest` (the folder its relative paths are read from;
   * a manifest may still name absolute paths elsewhere). Absent for datasets
   * held in one array file (IDX, NPY).
   */
  root?: string;
}

/** 2-D coordinates of every sample, for a scatter plot of the representation. */
export interface SampleMap {
  /**
   * `pca`: the first two principal components of the points the task's graph
   * was built on (model embeddings, standardised features, pixel components).
   */
  method: 'pca';
  /** By dataset index (`SampleResult.index`), dataset count long; null (NaN) for samples that could not be read. */
  x: number[];
  y: number[];
}

export interface ScanResult {
  task: TaskName;
  /** The task's title, e.g. "Boundary samples". */
  title: string;
  params: ScanParams;
  /** The scorer that ranked the samples (`auto` resolved). */
  scorer: string;
  /** The per-sample fields this task adds, in display order. */
  columns: ResultColumn[];
  dataset: DatasetSummary;
  /** The reference set, when the task used one. */
  reference?: DatasetSummary;
  /** Sorted by rank. */
  samples: SampleResult[];
  skipped: SkippedSample[];
  metrics?: Record<string, number>;
  /** Things the user should know about this result (e.g. unlabelled samples left out). */
  notices?: string[];
  /** Prototypes task: sample indices, best first; every prefix is itself a good set. */
  prototypes?: number[];
  /** Prototypes task: the samples the prototypes cover worst, most telling first. */
  criticisms?: number[];
  /** A score's distribution on the sets the task compared (adversarial: reference vs data). */
  distribution?: ScoreDistribution;
  /** The data's samples placed in 2-D (absent when fewer than two samples could be read). */
  map?: SampleMap;
  /** Wall time of each stage in milliseconds. */
  timings: Record<string, number>;
  cached: { embeddings: boolean; result: boolean };
}

/** Saliency methods by CLI name; `margin` is MARGIN's superpixel graph saliency (model/attribution/marginSaliency.ts). */
export type ExplainMethod =
  'margin' | 'occlusion' | 'gradient' | 'ig' | 'smoothgrad' | 'deeplift' | 'dance' | 'caso';
export const EXPLAIN_METHODS: readonly ExplainMethod[] = [
  'margin',
  'occlusion',
  'gradient',
  'ig',
  'smoothgrad',
  'deeplift',
  'dance',
  'caso',
];

/** Method settings; each method reads the ones it uses and ignores the rest. */
export interface ExplainOptions {
  /** IG: interpolation steps. */
  steps?: number;
  /** SmoothGrad: noisy samples; DANCE: decoys. */
  samples?: number;
  /** SmoothGrad: noise σ as a fraction of the input's range. */
  noise?: number;
  /**
   * Reference input of IG, DeepLIFT and occlusion (its patch fill), and the
   * fill of `metrics`. For an image model it is defined on the pixels and
   * brought to the model's input by the sidecar's normalisation: `black`
   * (pixel 0), `blur` (Gaussian blur of the image, σ = shorter side / 8),
   * `mean` (each channel's mean over the image); `zeros` is 0 in model-input
   * space (the dataset mean colour for normalised images). For models without
   * pixels (vector inputs, e.g. table rows) `black` is refused and `zeros`,
   * the training mean of every feature, is the default. Default on image
   * models: the per-method choice of model/attribution/baselines.ts.
   */
  baseline?: 'black' | 'blur' | 'mean' | 'zeros';
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
  /**
   * Gradient methods: the precision of the forward pass inside the gradient
   * model (default float32). `float64` takes every branch decision (ReLU
   * masks, MaxPool indices) from a double forward pass, so a pre-activation
   * within float32 rounding of zero cannot send the gradient down the wrong
   * branch; about 1.5–3× the time per map. DeepLIFT refuses it.
   */
  forwardPrecision?: 'float32' | 'float64';
  /** margin: `best` (default: the settings that measure best) or `paper` (as published). */
  preset?: 'best' | 'paper';
  /** margin: SLIC segment counts, one segmentation each (default 25, 50, 100, 200). */
  scales?: number[];
  /** margin: k of the superpixel graph (default 5). */
  neighbours?: number;
}

/** margin's intermediate maps (the paper's Figure 3), each H×W row-major. */
export interface MarginLayers {
  width: number;
  height: number;
  /** Dense saliency S: each pixel's masking effects per unit area, summed over scales. */
  saliency: number[];
  /** MARGIN's influence map I in [0, 1]: the superpixels that stand out among those of similar effect. */
  influence: number[];
  /** Each scale's superpixel labels. */
  superpixels: { segments: number; labels: number[] }[];
}

export interface ExplainParams {
  /** ONNX model (absolute, or relative to the engine's cwd). */
  model: string;
  /**
   * One sample: an image file (decoded and preprocessed as the sidecar says), a
   * .npy model input tensor, or a table (CSV, TSV, JSONL) for a vector-input model with `row`.
   */
  input: string;
  /** With a table as `input`: the row to explain (0-based after the header, the scan's `#N`). */
  row?: number;
  method: ExplainMethod;
  /** Class to explain: an index or a label name from the sidecar; default the predicted class. */
  target?: number | string;
  options?: ExplainOptions;
  /** Files to write the map to: `.npy` (float32, the input's shape), `.png` (overlay) or `.json`. */
  out?: string[];
  /** Also measure the map's faithfulness (deletion and insertion AUC, sparsity; model/attribution/faithfulness.ts). */
  metrics?: boolean;
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
  /**
   * With `metrics`: RISE deletion AUC (lower = more faithful) and insertion AUC
   * (higher = more faithful) of the target's probability, the map ranked by its
   * signed value and deleted features set to the map's reference input
   * (`baseline`; zeros for methods without one unless asked); sparsity is
   * the Gini index of |map| (0 uniform, → 1 concentrated).
   */
  metrics?: { deletionAuc: number; insertionAuc: number; sparsity: number };
  /** margin only: S, I and the superpixels, the layers behind the map. */
  layers?: MarginLayers;
  /** The reference input the map (and `metrics`) was measured against; absent for methods that take none. */
  baseline?: 'black' | 'blur' | 'mean' | 'zeros';
  /** Set when the gradient model's forward pass ran in double (`forwardPrecision: 'float64'`). */
  forwardPrecision?: 'float64';
  /** What was done to the input on the way to the model (resized, converted from grey, alpha, …), one sentence each. */
  notices?: string[];
}

export interface ExplainRequestParams {
  jobId: string;
  params: ExplainParams;
}

export interface ScanRequestParams {
  jobId: string;
  params: ScanParams;
}

/**
 * `margin calibrate`: flip a fraction of the data's own labels at random
 * (several seeds), re-score with every scorer of the labels task, and measure
 * how many flips each finds. The representation (model embeddings) is computed
 * once, from the .margin/ cache when it has them.
 */
export interface CalibrateParams extends Pick<ScanParams, 'standardize' | 'knn'> {
  /** The `data` dataset whose labels are flipped (its role is `data`). */
  datasets: DatasetSpec[];
  model?: string;
  k?: number;
  /** Share of the labelled samples flipped per seed, in (0, 0.5]; default 0.1. */
  fraction?: number;
  /** How many seeds (1, 2, …, seeds); default 3. */
  seeds?: number;
  batchSize?: number;
  cacheRoot?: string;
}

/** Recall of the flips in the top `fraction` of one scorer's ranking. */
export interface CalibrationRecall {
  fraction: number;
  mean: number;
  /** Sample standard deviation over seeds (0 for one seed). */
  sd: number;
  perSeed: number[];
}

export interface CalibrationScorer {
  scorer: string;
  description: string;
  /** One entry per CalibrationResult.fractions; empty when unavailable. */
  recall: CalibrationRecall[];
  /** Why this scorer could not run on this data (no model, no reference…). */
  unavailable?: string;
}

export interface CalibrationResult {
  task: TaskName;
  /** Every default filled in, paths absolute. */
  params: CalibrateParams & { k: number; fraction: number; seeds: number; cacheRoot: string };
  dataset: DatasetSummary;
  /** Labelled samples that could be read (the ones that can be flipped). */
  labelled: number;
  /** Labels flipped per seed. */
  flips: number;
  seeds: number[];
  /** The top fractions recall is measured at: 0.05, 0.1, 0.2, 0.3. */
  fractions: number[];
  /** In the task's registry order. */
  scorers: CalibrationScorer[];
  /** Best mean recall@10%, ties broken by recall@30%: what `--scorer auto` now uses here. */
  recommended: string;
  /** Where the recommendation is stored (absolute). */
  recommendationFile: string;
  skipped: SkippedSample[];
  notices: string[];
  timings: Record<string, number>;
  cached: { embeddings: boolean };
}

export interface CalibrateRequestParams {
  jobId: string;
  params: CalibrateParams;
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

/**
 * JSON-RPC error `data` for input errors: the file (or parameter) and the
 * problem. `parameter` is set when `file` is a parameter's neutral name (`k`,
 * `reference`), which each client shows in its own words (CLI flag, setting).
 */
export interface InputErrorData {
  kind: 'input';
  file: string;
  problem: string;
  parameter?: boolean;
}

export const ENGINE_METHODS = {
  scan: 'scan',
  calibrate: 'calibrate',
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
