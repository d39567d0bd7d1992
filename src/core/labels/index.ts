/** Label issues: which samples are most likely mislabeled (MARGIN case III, and the baselines it is measured with). */
export { labelDisagreement, neighbourLabelShares, neighbourMajority } from './neighbourLabels';
export { rankByScore } from './rankByScore';
export {
  argMax,
  calibrateJoint,
  confidentJoint,
  confidentThresholds,
  countLabelIssues,
  findLabelIssues,
  roundHalfEven,
  roundRowsPreservingTotals,
} from './confidentLearning';
export type { ConfidentJoint } from './confidentLearning';
export { fitNoisyChannel } from './noisyChannel';
export type { ChannelFit, ChannelResult } from './noisyChannel';
export { crossValidatedProbabilities } from './crossValidatedProbabilities';
export type { CrossValidationOptions } from './crossValidatedProbabilities';
