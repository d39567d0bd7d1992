/** Prototypes and criticisms (MARGIN case I) and the baselines they are measured against. */
export { medianHeuristicGamma, rbf, squaredDistance } from './kernel';
export type { MedianHeuristicOptions } from './kernel';
export { EXACT_KERNEL_SUMS_LIMIT, exactRowSums, kernelRowSums, RANDOM_FREQUENCIES } from './kernelSums';
export type { ExactKernelRowSums, KernelSumMethod, KernelSumOptions, KernelSums } from './kernelSums';
export { mmdNodeFunction } from './mmdNodeFunction';
export { marginCriticismOrder, marginPrototypeOrder } from './marginSelection';
export { coverageObjective, greedyCoverage } from './coverage';
export type { CoverageOptions, CoverageResult } from './coverage';
export { nearestPrototypes, selectCriticisms } from './criticisms';
export type { CriticismOptions, NearestPrototypes } from './criticisms';
export { mmdCriticCriticisms, mmdCriticPrototypes, mmdWitness } from './mmdCritic';
export type { MmdCriticismOptions, MmdCriticOptions } from './mmdCritic';
export { blockGraph, interleave, rowsByCode, subsetRows } from './groups';
export { MaxTree } from './maxTree';
export { seededNormal, seededUniform } from '../random';
