/** Public API of the pure maths: typed arrays in, typed arrays out; no I/O. */
export type {
  ComputeOptions,
  DenseMatrix,
  GramProduct,
  KnnResult,
  KnnSearch,
  ProgressCallback,
} from './types';
export { CancelledError, InputError, isInputError, throwIfAborted } from './errors';
export { createCheckpoint } from './cooperative';
export { degrees, graphFromKnn } from './csr';
export type { CsrGraph, GraphOptions } from './csr';
export { checkKnnInput, exactKnn } from './knn';
export { applyShift, highPassInfluence } from './margin';
export type { FilterVariant, InfluenceOptions, ShiftOperator } from './margin';
export { labelDisagreement, neighbourMajority, rankByScore } from './labels';
export { auroc, averagePrecision, precisionAtK, recallAtFraction, recallAtK } from './metrics';
export type { Positives } from './metrics';
export { gramReference, pca } from './pca';
export type { PcaOptions, PcaResult } from './pca';
