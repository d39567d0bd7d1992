/** Shared bits of the data-loader tests: fixture paths, temp folders, tiny writers of NPY/IDX bytes. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isInputError, type InputError } from '../../../src/core/errors';

export const FIXTURES = resolve(__dirname, '../../fixtures');
export const FMNIST = join(FIXTURES, 'fmnist');

/** A fresh temp folder per test file; `cleanup` removes it. */
export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'margin-data-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Asserts that `promise` rejects with an InputError whose `file` is `file` and
 * whose problem matches `problem`; the full message must name both.
 */
export async function rejectsInput(
  promise: Promise<unknown>,
  file: string,
  problem: RegExp,
): Promise<InputError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isInputError(error), `expected an InputError, got ${String(error)}`);
    assert.equal(error.file, file);
    assert.match(error.problem, problem);
    assert.ok(error.message.includes(file), 'the message names the file');
    return error;
  }
  assert.fail(`expected an InputError about ${file}`);
}

/**
 * The bytes of a version-1 .npy file, written here by the NPY spec (not by the
 * code under test): magic, version, little-endian header length, a Python dict
 * literal padded with spaces to a multiple of 64 bytes, then the raw data.
 */
export function npyBytes(descr: string, shape: number[], data: Uint8Array, fortranOrder = false): Buffer {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortranOrder ? 'True' : 'False'}, 'shape': ${shapeText}, }`;
  const unpadded = 10 + header.length + 1;
  header += ' '.repeat((64 - (unpadded % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(prefix);
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([
    prefix,
    Buffer.from(header, 'latin1'),
    Buffer.from(data.buffer, data.byteOffset, data.byteLength),
  ]);
}

/** IDX bytes: magic `0 0 type ndims`, big-endian dims, then `data` as given. */
export function idxBytes(type: number, dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((size, d) => header.writeUInt32BE(size, 4 + 4 * d));
  return Buffer.concat([header, Buffer.from(data)]);
}

/** Non-empty lines of a small fixture file written by Python (no quoting in these files). */
export function splitLines(text: string): string[] {
  return text.split('\n').filter((line) => line.length > 0);
}

/** The t10k images and labels the fixtures use, by t10k index. */
export interface T10kReference {
  image(index: number): Uint8Array;
  label(index: number): number;
}

/**
 * Fashion-MNIST t10k pixels and labels for every image the fixtures use
 * (reference/t10k-subset-*.npy, written by scripts/make-t10k-reference.py
 * straight from Debian's dataset-fashion-mnist with gzip + numpy). Decoded here
 * with nothing but the NPY header length: an independent reference for the
 * loaders, which needs neither the Debian package nor the code under test.
 */
export function t10kReference(): T10kReference {
  const indices = npyPayload('t10k-subset-indices.npy');
  const positions = new Map<number, number>();
  const view = new Int32Array(indices.buffer, indices.byteOffset, indices.byteLength / 4);
  view.forEach((t10kIndex, position) => positions.set(t10kIndex, position));
  const pixels = npyPayload('t10k-subset-pixels.npy');
  const labels = npyPayload('t10k-subset-labels.npy');
  const position = (index: number) => {
    const at = positions.get(index);
    if (at === undefined) throw new Error(`t10k image ${index} is not in the reference subset`);
    return at;
  };
  return {
    image: (index) => pixels.subarray(position(index) * 784, (position(index) + 1) * 784),
    label: (index) => labels[position(index)],
  };
}

/** The data bytes of a version-1 .npy file in reference/ (copied, so that typed views are aligned). */
function npyPayload(name: string): Uint8Array {
  const bytes = readFileSync(join(FMNIST, 'reference', name));
  return new Uint8Array(bytes.subarray(10 + bytes.readUInt16LE(8)));
}

/** Byte-for-byte equality with a short message (the first difference) instead of a 784-line diff. */
export function assertSameBytes(actual: Uint8Array, expected: Uint8Array, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] !== expected[i]) assert.fail(`${what}: byte ${i} is ${actual[i]}, expected ${expected[i]}`);
  }
}
