/** model/: onnxruntime sessions, the sidecar, preprocessing, batched inference, the embedding tap, and native kNN/Gram backends. */
export { findEmbeddingTensor, withExtraOutput } from './embeddingTap';
export { embedDataset, embedVectors } from './inference';
export type { EmbedOptions, Embedded, SkippedImage } from './inference';
export { ortGram } from './ortGram';
export { ortCrossKnn } from './ortCrossKnn';
export { ortKnn } from './ortKnn';
export { batchDims, imageFitOf, pixelsPerImage, readModelImage, sizeMismatch, writeImage } from './preprocess';
export { vectorInputs } from './vectorInput';
export { createSession, openModel } from './session';
export type { Dim, LoadedModel, ModelInfo, TensorInfo } from './session';
export { loadModelConfig, sidecarPath, takesImages } from './sidecar';
export type { InputConfig, InputLayout, ModelConfig, VectorInputConfig } from './sidecar';
