/**
 * The autodiff zoo made by scripts/make-autodiff-fixtures.py: small PyTorch
 * models covering the op list, with inputs and torch-autograd references.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { npyToFloat32, readNpy } from '../../../../src/data/npy';

export const ROOT = join(__dirname, '../../../..');
export const FMNIST_MODEL = join(ROOT, 'test/fixtures/fmnist/model.onnx');

export interface ZooEntry {
  name: string;
  dir: string;
  model: string;
  input: string;
  output: string;
  inputShape: number[];
  classes: number;
  ops: string[];
  hidden: { name: string } | null;
}

export function zoo(): ZooEntry[] {
  return JSON.parse(readFileSync(join(ROOT, 'test/fixtures/autodiff/zoo.json'), 'utf8')) as ZooEntry[];
}

export function modelPath(entry: ZooEntry): string {
  return entry.name === 'fmnist-cnn' ? FMNIST_MODEL : join(ROOT, entry.model);
}

export async function array(entry: ZooEntry, file: string): Promise<Float32Array> {
  return npyToFloat32(await readNpy(join(ROOT, entry.dir, file)));
}

export function hasFile(entry: ZooEntry, file: string): boolean {
  return existsSync(join(ROOT, entry.dir, file));
}

/** max |a − b| / max |b|. */
export function relativeMaxError(actual: Float32Array, expected: Float32Array): number {
  let error = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    error = Math.max(error, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return error / scale;
}
