/** Shared shapes of the pure maths. Typed arrays only; no per-element objects. */

/** A dense row-major float matrix: `rows × dim`. */
export interface DenseMatrix {
  rows: number;
  dim: number;
  data: Float32Array;
}

/** k nearest neighbours of every row, self excluded, nearest first. */
export interface KnnResult {
  n: number;
  k: number;
  /** `n × k` neighbour row indices. */
  indices: Int32Array;
  /** `n × k` Euclidean distances (not squared), ascending per row. */
  distances: Float32Array;
}

/** Reports work done; `total` stays fixed for one stage. */
export type ProgressCallback = (done: number, total: number) => void;

export interface ComputeOptions {
  onProgress?: ProgressCallback;
  signal?: AbortSignal;
}

/**
 * Exact kNN search. core/ holds the pure-TypeScript reference; a native backend
 * (onnxruntime MatMul + TopK, in model/) implements the same interface and is
 * tested against the reference.
 */
export type KnnSearch = (points: DenseMatrix, k: number, options?: ComputeOptions) => Promise<KnnResult>;

/**
 * XᵀX of a centred matrix (`dim × dim`, row-major, float64), the expensive part
 * of PCA. Same pattern: pure reference in core/, onnxruntime MatMul in model/.
 */
export type GramProduct = (centred: DenseMatrix, options?: ComputeOptions) => Promise<Float64Array>;
