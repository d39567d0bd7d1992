/**
 * The model input tensors of a dataset's images (the rows a representation
 * kept), for the passes the adversarial task makes beyond the embedding:
 * hidden layers, squeezed copies, gradients.
 */
import { basename } from 'node:path';
import { InputError, throwIfAborted } from '../../core/errors';
import type { ComputeOptions } from '../../core/types';
import type { ImageSource } from '../../data/types';
import { pixelsPerImage, readModelImage, sizeMismatch, writeImage } from '../preprocess';
import type { ModelConfig } from '../sidecar';

export async function readModelInputs(
  images: ImageSource,
  indices: ArrayLike<number>,
  config: ModelConfig,
  modelPath: string,
  fileOf: (index: number) => string,
  options: ComputeOptions = {},
): Promise<Float32Array> {
  const perImage = pixelsPerImage(config.input);
  const out = new Float32Array(indices.length * perImage);
  for (let row = 0; row < indices.length; row++) {
    if (row % 256 === 0) {
      throwIfAborted(options.signal);
      options.onProgress?.(row, indices.length);
      await new Promise((resolve) => setImmediate(resolve));
    }
    const image = await readModelImage(images, indices[row], config.input);
    const mismatch = sizeMismatch(image, config.input, basename(modelPath));
    if (mismatch) throw new InputError(fileOf(indices[row]), mismatch);
    writeImage(image, config.input, out, row);
  }
  options.onProgress?.(indices.length, indices.length);
  return out;
}
