/** Self-calibration on the user's own data: `margin calibrate`, and the choice `--scorer auto` reads. */
export { DEFAULT_FLIP_FRACTION, DEFAULT_SEED_COUNT, runCalibration } from './runCalibration';
export { calibratedScorer } from './recommendationStore';
