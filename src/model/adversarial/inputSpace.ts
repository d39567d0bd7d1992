/**
 * Attacks and squeezers work in unit pixel space (u = pixel / 255, in [0, 1]),
 * where ε = 0.1 means a tenth of the pixel range whatever the model's
 * normalisation; the model takes x = (255 · u · scale − mean[c]) / std[c]
 * (the sidecar's preprocessing). This is that per-channel affine map and its
 * inverse, laid out like the model's input tensor.
 */
import { InputError } from '../../core/errors';
import type { ImageGeometry } from '../../core/adversarial/squeeze';
import type { InputConfig } from '../sidecar';

export interface InputSpace {
  geometry: ImageGeometry;
  /** Values per sample (height · width · channels). */
  sampleSize: number;
  /** dx/du of each element of one sample (255 · scale / std[c]). */
  gain: Float32Array;
  /** x at u = 0 of each element of one sample (−mean[c] / std[c]). */
  offset: Float32Array;
}

export function inputSpaceOf(input: InputConfig, file: string): InputSpace {
  const { height, width, channels, layout } = input;
  if (!(height > 0 && width > 0 && channels > 0)) {
    throw new InputError(
      file,
      'the adversarial task needs an image model (height, width and channels in the sidecar or the input shape)',
    );
  }
  const plane = height * width;
  const sampleSize = plane * channels;
  const gain = new Float32Array(sampleSize);
  const offset = new Float32Array(sampleSize);
  for (let e = 0; e < sampleSize; e++) {
    const c = layout === 'NCHW' ? Math.floor(e / plane) : e % channels;
    const std = input.std[input.std.length === 1 ? 0 : c];
    const mean = input.mean[input.mean.length === 1 ? 0 : c];
    if (!(std > 0) || !(input.scale > 0))
      throw new InputError(file, "the sidecar's scale and std must be positive for attacks and squeezing");
    gain[e] = (255 * input.scale) / std;
    offset[e] = -mean / std;
  }
  return { geometry: { height, width, channels, layout }, sampleSize, gain, offset };
}

/** Model inputs (n samples) → unit pixels. */
export function toUnit(space: InputSpace, x: Float32Array): Float32Array {
  const out = new Float32Array(x.length);
  const size = space.sampleSize;
  for (let i = 0; i < x.length; i++) {
    const e = i % size;
    out[i] = (x[i] - space.offset[e]) / space.gain[e];
  }
  return out;
}

/** Unit pixels (n samples) → model inputs. */
export function fromUnit(space: InputSpace, u: Float32Array): Float32Array {
  const out = new Float32Array(u.length);
  const size = space.sampleSize;
  for (let i = 0; i < u.length; i++) {
    const e = i % size;
    out[i] = u[i] * space.gain[e] + space.offset[e];
  }
  return out;
}
