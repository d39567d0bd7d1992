/** Active learning on a kNN graph (MARGIN case VI): label spreading and the orders in which to label. */
export { spreadLabels, rowEntropy } from './labelSpreading';
export type { Spreading, SpreadingOptions } from './labelSpreading';
export { lazyGreedy } from './lazyGreedy';
export type { AcquisitionOrder } from './lazyGreedy';
export { facilityLocationOrder } from './facilityLocation';
export type { FacilityOptions } from './facilityLocation';
export { maxCoverageOrder } from './maxCoverage';
export { nearestLabelOrder } from './nearestLabel';
export type { NearestLabelOptions } from './nearestLabel';
export { IndexedMaxHeap } from './indexedHeap';
export { diverseOrder } from './diverseOrder';
export { degreeOrder, knnDensity, orderByScore, randomOrder, uncertaintyDensityOrder } from './baselines';
export { marginAcquisitionOrder } from './marginAcquisition';
export type { MarginAcquisition, MarginAcquisitionOptions } from './marginAcquisition';
export { unlabelledNodes } from './nodes';
export { seededUniform } from '../random';
