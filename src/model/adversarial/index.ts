/** model/adversarial/: what the adversarial detectors need from an ONNX model — attacks, hidden-layer features, squeezing. */
export { crossEntropyGradient, fgsm, pgd } from './attacks';
export type { AttackModel, AttackOptions, PgdOptions } from './attacks';
export { fromUnit, inputSpaceOf, toUnit } from './inputSpace';
export type { InputSpace } from './inputSpace';
export { chooseLayers, LayerTap, MAX_LAYERS } from './layerTap';
export type { TappedFeatures } from './layerTap';
export { readModelInputs } from './modelInputs';
export { SQUEEZERS, squeezeScores } from './squeezing';
export type { Predict, Squeezer, SqueezeResult } from './squeezing';
