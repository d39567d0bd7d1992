/** Fixture paths and small readers shared by the model tests. */
import { join, resolve } from 'node:path';
import { npyToFloat32, numericView, readNpy } from '../../../src/data/npy';

export const FMNIST = resolve(__dirname, '../../fixtures/fmnist');
export const MODEL = join(FMNIST, 'model.onnx');
export const REFERENCE = join(FMNIST, 'reference');
export const BAD = resolve(__dirname, '../../fixtures/bad');

export async function readFloat32(file: string): Promise<{ data: Float32Array; shape: number[] }> {
  const array = await readNpy(file);
  return { data: npyToFloat32(array), shape: [...array.shape] };
}

export async function readUint8(file: string): Promise<{ data: Uint8Array; shape: number[] }> {
  const array = await readNpy(file);
  const values = numericView(array);
  return { data: Uint8Array.from(values as ArrayLike<number>), shape: [...array.shape] };
}

export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}
