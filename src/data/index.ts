/** Public API of the dataset loaders. */
export type {
  Dataset,
  DatasetKind,
  FeatureMatrix,
  FeaturizeOptions,
  ImageSource,
  OpenDatasetOptions,
  PcaFunction,
  RawImage,
  Sample,
} from './types';
export { openDataset } from './open';
export { readLabelsFile } from './labelsFile';
export { listDatasetCandidates } from './candidates';
export { decodeImageFile, FileImageSource } from './fileImages';
export { ArrayImageSource } from './arrayImages';
export { bagOfWords, buildVocabulary, featurizeText, normalizeRows, tokenize } from './text';
export type { TextFeatures, Vocabulary } from './text';
export { readIdx, readIdxImages, readIdxLabels } from './idx';
export { readNpy } from './npy';
export { MAX_ARRAY_BYTES } from './limits';
