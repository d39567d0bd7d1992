/** core/boundary: the maths of the boundary task (MARGIN case IV and its baselines). */
export { entropyScores, leastConfidenceScores, marginGapScores, softmaxRows, topTwo } from './confidence';
export type { TopTwo } from './confidence';
export { checkCrossKnnInput, exactCrossKnn } from './crossKnn';
export type { CrossKnnOptions, CrossKnnSearch } from './crossKnn';
export {
  DEFAULT_TRUST_ALPHA,
  DEFAULT_TRUST_K,
  densityFilter,
  percentile,
  subsetRows,
  trustScores,
} from './trustScore';
export type { TrustScoreOptions, TrustScoreResult } from './trustScore';
export { referenceAgreement } from './referenceEvidence';
export { boundaryFeatures, chooseCombination, stratifiedFolds } from './combined';
export type { CombinationChoice, CombinationOptions } from './combined';
export { linearisedBoundaryCloseness } from './linearisedDistance';
export { sampleRows, seededUniform, shuffledRange } from '../random';
