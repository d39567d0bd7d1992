/**
 * Held-out Fashion-MNIST images as the fixture model takes them, for the
 * saliency evaluation: model inputs normalised as the sidecar says, the pixels
 * in 0..1 (what `margin` draws superpixels on, as the engine passes them for
 * an image file), the predicted class to explain, and pixel-space black (the
 * deletion fill and insertion start).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { blackInput, type PixelSpace } from '../../../src/model/attribution/baselines';
import { argmax, softmax } from '../../../src/model/attribution/batches';
import type { ExplainInput } from '../../../src/model/attribution/types';
import type { ForwardModel } from '../../../src/model/autodiff/types';
import { pixels, repoRoot } from '../fashionMnist';

export const SIDECAR = join(repoRoot, 'test', 'fixtures', 'fmnist', 'model.margin.json');

export interface HeldOutImage {
  /** Index in the t10k split. */
  index: number;
  input: ExplainInput;
}

export function pixelSpace(): PixelSpace {
  const { input } = JSON.parse(readFileSync(SIDECAR, 'utf8')) as { input: PixelSpace };
  return input;
}

/** t10k images [first, first + count), each with the model's predicted class as the target. */
export async function heldOutImages(
  model: ForwardModel,
  space: PixelSpace,
  first: number,
  count: number,
): Promise<HeldOutImage[]> {
  const { data } = pixels('t10k');
  const images: HeldOutImage[] = [];
  for (let index = first; index < first + count; index++) {
    const raw = data.subarray(index * 784, (index + 1) * 784);
    const gain = space.scale / space.std[0];
    const shift = space.mean[0] / space.std[0];
    const x = Float32Array.from(raw, (v) => v * gain - shift);
    const target = argmax(softmax(await model.predict(x, 1)));
    const image = { width: 28, height: 28, channels: 1, data: Float32Array.from(raw, (v) => v / 255) };
    images.push({ index, input: { x, target, pixels: image } });
  }
  return images;
}

/** Pixel 0 through the sidecar's normalisation: the deletion fill. */
export function blackFill(space: PixelSpace): Float32Array {
  return blackInput(space, space.channels * space.height * space.width);
}
