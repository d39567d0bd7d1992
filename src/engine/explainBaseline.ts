/**
 * The reference input an explanation is measured against (IG, DeepLIFT,
 * occlusion's fill, and the faithfulness metrics' fill), resolved here
 * because only the engine knows the image's pixel space (the sidecar's
 * preprocessing): `black` is pixel 0, not model-input 0. A method that takes
 * no baseline gets none unless one is asked; one that does gets the default
 * chosen for it (baselines.ts, DEFAULT_IMAGE_BASELINES) on image models and
 * zeros on models without pixels.
 */
import {
  defaultBaseline,
  DEFAULT_IMAGE_BASELINES,
  referenceInput,
  type PixelSpace,
} from '../model/attribution/baselines';
import type { BaselineName } from '../model/attribution/types';
import type { InputConfig } from '../model/sidecar';
import { pixelsPerImage } from '../model/preprocess';

export interface ResolvedBaseline {
  name: BaselineName;
  /** The reference input, the model input's size, in model-input space. */
  values: Float32Array;
}

/** The sidecar's image preprocessing when it describes this model's input; undefined for models without pixels. */
export function pixelSpaceOf(input: InputConfig | undefined, sampleSize: number): PixelSpace | undefined {
  return input && pixelsPerImage(input) === sampleSize ? input : undefined;
}

/** Methods whose map is measured against a reference input, and so get a default one. */
export function usesBaseline(method: string): boolean {
  return Object.prototype.hasOwnProperty.call(DEFAULT_IMAGE_BASELINES, method);
}

/**
 * The baseline asked for, else the method's default (none for methods that
 * take no reference), as a reference input in model-input space.
 */
export function resolveBaseline(
  method: string,
  asked: BaselineName | undefined,
  x: Float32Array,
  sampleShape: readonly number[],
  pixels: PixelSpace | undefined,
): ResolvedBaseline | undefined {
  const name = asked ?? (usesBaseline(method) ? defaultBaseline(method, pixels !== undefined) : undefined);
  if (name === undefined) return undefined;
  return { name, values: referenceInput(name, x, sampleShape, pixels) };
}
