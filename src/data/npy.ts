/**
 * NumPy .npy files (format versions 1–3): magic `\x93NUMPY`, a Python-literal
 * header dict, then the array in C order.
 */
import { open } from 'node:fs/promises';
import { InputError } from '../core/errors';
import { describeFsError } from './files';
import { assertFitsInMemory } from './limits';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

/** Numeric element kinds read by typed-array views (after byte-swapping if big-endian). */
type NumericKind = 'u1' | 'i1' | 'b1' | 'u2' | 'i2' | 'u4' | 'i4' | 'u8' | 'i8' | 'f4' | 'f8';

export type NpyDtype =
  | { kind: 'number'; code: NumericKind; itemSize: number; descr: string }
  | { kind: 'unicode' | 'bytes'; itemSize: number; descr: string };

export interface NpyArray {
  dtype: NpyDtype;
  shape: number[];
  /** Little-endian element bytes in C order, starting at offset 0 of their own buffer (aligned). */
  data: Uint8Array;
}

const NUMERIC_KINDS: ReadonlySet<string> = new Set([
  'u1',
  'i1',
  'b1',
  'u2',
  'i2',
  'u4',
  'i4',
  'u8',
  'i8',
  'f4',
  'f8',
]);

const SUPPORTED = 'supported: bool, uint8–64, int8–64, float32, float64 (and fixed-width strings for labels)';

export async function readNpy(file: string): Promise<NpyArray> {
  const handle = await open(file, 'r').catch((error) => {
    throw new InputError(file, describeFsError(error));
  });
  try {
    const fileSize = (await handle.stat()).size;
    const prefix = Buffer.alloc(Math.min(fileSize, 12));
    await handle.read(prefix, 0, prefix.length, 0);
    const { major, headerStart, dataOffset } = headerLayout(file, prefix);
    if (fileSize < dataOffset) throw new InputError(file, 'is truncated: it ends inside the .npy header');
    const headerBytes = Buffer.alloc(dataOffset - headerStart);
    await handle.read(headerBytes, 0, headerBytes.length, headerStart);
    const header = headerBytes.toString(major === 3 ? 'utf8' : 'latin1');
    const { dtype, shape, fortranOrder, bigEndian } = parseHeader(file, header);
    const count = shape.reduce((product, size) => product * size, 1);
    const dataBytes = count * dtype.itemSize;
    assertFitsInMemory(file, dataBytes, `an array of shape (${shape.join(', ')}) and dtype ${dtype.descr}`);
    if (fortranOrder && shape.length > 1) {
      throw new InputError(
        file,
        'is stored in Fortran order, which is not supported: save it with np.save(path, np.ascontiguousarray(array))',
      );
    }
    const available = fileSize - dataOffset;
    if (available < dataBytes) {
      throw new InputError(
        file,
        `is truncated: shape (${shape.join(', ')}) of ${dtype.descr} needs ${dataBytes} bytes of data but the file holds ${available}`,
      );
    }
    const data = new Uint8Array(dataBytes);
    await handle.read(data, 0, dataBytes, dataOffset);
    if (bigEndian) swapBytes(data, dtype.kind === 'unicode' ? 4 : dtype.itemSize);
    return { dtype, shape, data };
  } finally {
    await handle.close();
  }
}

/** Where the header dict and the data start, from the first bytes: magic, version, header length. */
function headerLayout(
  file: string,
  prefix: Buffer,
): { major: number; headerStart: number; dataOffset: number } {
  if (prefix.length < 10 || !prefix.subarray(0, 6).equals(MAGIC)) {
    throw new InputError(file, 'is not a .npy file: it does not start with the NumPy magic bytes \\x93NUMPY');
  }
  const major = prefix[6];
  if (major < 1 || major > 3)
    throw new InputError(
      file,
      `uses .npy format version ${major}.${prefix[7]}, which is not supported (1–3 are)`,
    );
  const lengthBytes = major === 1 ? 2 : 4;
  if (prefix.length < 8 + lengthBytes)
    throw new InputError(file, 'is truncated: it ends inside the .npy header');
  const headerLength = major === 1 ? prefix.readUInt16LE(8) : prefix.readUInt32LE(8);
  return { major, headerStart: 8 + lengthBytes, dataOffset: 8 + lengthBytes + headerLength };
}

function parseHeader(
  file: string,
  header: string,
): { dtype: NpyDtype; shape: number[]; fortranOrder: boolean; bigEndian: boolean } {
  const descrMatch = /'descr'\s*:\s*'([^']*)'/.exec(header);
  if (!descrMatch) {
    if (/'descr'\s*:\s*\[/.test(header)) {
      throw new InputError(
        file,
        `holds a structured array (a dtype with fields), which is not supported (${SUPPORTED})`,
      );
    }
    throw new InputError(file, 'has a malformed .npy header: no dtype (descr)');
  }
  const shapeMatch = /'shape'\s*:\s*\(([^)]*)\)/.exec(header);
  if (!shapeMatch) throw new InputError(file, 'has a malformed .npy header: no shape');
  const fortranOrder = /'fortran_order'\s*:\s*True/.test(header);
  const shape = shapeMatch[1]
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => Number(part.replace(/L$/, '')));
  if (shape.some((size) => !Number.isInteger(size) || size < 0)) {
    throw new InputError(file, `has a malformed .npy header: shape (${shapeMatch[1]})`);
  }
  const descr = descrMatch[1];
  const { dtype, bigEndian } = parseDescr(file, descr);
  return { dtype, shape, fortranOrder, bigEndian };
}

function parseDescr(file: string, descr: string): { dtype: NpyDtype; bigEndian: boolean } {
  const match = /^([<>|=])?([a-zA-Z])(\d*)$/.exec(descr);
  if (!match) throw new InputError(file, `has dtype '${descr}', which is not supported (${SUPPORTED})`);
  const [, order = '|', letter, sizeText] = match;
  const size = Number(sizeText);
  const bigEndian = order === '>' && size > 1;
  if (letter === 'U')
    return { dtype: { kind: 'unicode', itemSize: 4 * size, descr }, bigEndian: order === '>' };
  if (letter === 'S' || letter === 'a')
    return { dtype: { kind: 'bytes', itemSize: size, descr }, bigEndian: false };
  const code = `${letter}${size}`;
  if (!NUMERIC_KINDS.has(code)) {
    const hint =
      letter === 'O'
        ? ': object arrays hold Python objects that only Python can read; save numbers or np.array(labels, dtype=str)'
        : '';
    throw new InputError(file, `has dtype '${descr}', which is not supported (${SUPPORTED})${hint}`);
  }
  return { dtype: { kind: 'number', code: code as NumericKind, itemSize: size, descr }, bigEndian };
}

function swapBytes(data: Uint8Array, width: number): void {
  for (let start = 0; start < data.length; start += width) {
    for (let a = start, b = start + width - 1; a < b; a++, b--) {
      const byte = data[a];
      data[a] = data[b];
      data[b] = byte;
    }
  }
}

type NumericView =
  Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/**
 * Every element as a float64. 64-bit integers are exact up to 2^53, beyond
 * which they round (no label or pixel is that large).
 */
export function npyNumbers(array: NpyArray): Float64Array {
  const { dtype, data } = array;
  if (dtype.kind !== 'number') throw new TypeError(`dtype ${dtype.descr} is not numeric`);
  const count = data.length / dtype.itemSize;
  if (dtype.code === 'i8' || dtype.code === 'u8') {
    const view =
      dtype.code === 'i8'
        ? new BigInt64Array(data.buffer, data.byteOffset, count)
        : new BigUint64Array(data.buffer, data.byteOffset, count);
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) out[i] = Number(view[i]);
    return out;
  }
  return Float64Array.from(numericView(array));
}

/** A typed-array view of a numeric array other than 64-bit integers (no copy). */
export function numericView(array: NpyArray): NumericView {
  const { dtype, data } = array;
  if (dtype.kind !== 'number') throw new TypeError(`dtype ${dtype.descr} is not numeric`);
  const count = data.length / dtype.itemSize;
  const args = [data.buffer, data.byteOffset, count] as const;
  switch (dtype.code) {
    case 'u1':
    case 'b1':
      return new Uint8Array(...args);
    case 'i1':
      return new Int8Array(...args);
    case 'u2':
      return new Uint16Array(...args);
    case 'i2':
      return new Int16Array(...args);
    case 'u4':
      return new Uint32Array(...args);
    case 'i4':
      return new Int32Array(...args);
    case 'f4':
      return new Float32Array(...args);
    case 'f8':
      return new Float64Array(...args);
    default:
      throw new TypeError(`no direct view for dtype ${dtype.descr}`);
  }
}

/** Every element as float32 (features). */
export function npyToFloat32(array: NpyArray): Float32Array {
  const { dtype, data } = array;
  if (dtype.kind === 'number' && dtype.code === 'f4')
    return new Float32Array(data.buffer, data.byteOffset, data.length / 4);
  if (dtype.kind === 'number' && (dtype.code === 'i8' || dtype.code === 'u8'))
    return Float32Array.from(npyNumbers(array));
  return Float32Array.from(numericView(array));
}

/** Elements as strings: numbers in decimal, fixed-width strings without their NUL padding. */
export function npyToStrings(array: NpyArray): string[] {
  const { dtype, data } = array;
  if (dtype.kind === 'number') return Array.from(npyNumbers(array), (value) => String(value));
  const count = data.length / dtype.itemSize;
  const strings: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const item = data.subarray(i * dtype.itemSize, (i + 1) * dtype.itemSize);
    if (dtype.kind === 'bytes') {
      strings[i] = Buffer.from(item).toString('utf8').replace(/\0+$/, '');
    } else {
      const codes = new Uint32Array(item.slice().buffer);
      let text = '';
      for (const code of codes) if (code !== 0) text += String.fromCodePoint(code);
      strings[i] = text;
    }
  }
  return strings;
}

/**
 * An .npy file held in memory (a member of an .npz archive); `file` names it
 * in messages, e.g. `graph.npz:indices.npy`.
 */
export function npyFromBytes(file: string, bytes: Uint8Array): NpyArray {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { major, headerStart, dataOffset } = headerLayout(file, buffer);
  if (buffer.length < dataOffset) throw new InputError(file, 'is truncated: it ends inside the .npy header');
  const header = buffer.subarray(headerStart, dataOffset).toString(major === 3 ? 'utf8' : 'latin1');
  const { dtype, shape, fortranOrder, bigEndian } = parseHeader(file, header);
  const dataBytes = shape.reduce((product, size) => product * size, 1) * dtype.itemSize;
  if (fortranOrder && shape.length > 1)
    throw new InputError(
      file,
      'is stored in Fortran order, which is not supported: save it with np.ascontiguousarray',
    );
  if (buffer.length - dataOffset < dataBytes)
    throw new InputError(
      file,
      `is truncated: shape (${shape.join(', ')}) of ${dtype.descr} needs ${dataBytes} bytes of data`,
    );
  // A copy: aligned for typed-array views, and independent of the archive's buffer.
  const data = new Uint8Array(buffer.subarray(dataOffset, dataOffset + dataBytes));
  if (bigEndian) swapBytes(data, dtype.kind === 'unicode' ? 4 : dtype.itemSize);
  return { dtype, shape, data };
}
