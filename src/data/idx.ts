/**
 * IDX files (the MNIST format), raw or gzip-compressed: a big-endian header
 * `0x00 0x00 <type> <ndims>`, then `ndims` uint32 sizes, then the data.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { InputError } from '../core/errors';
import { assertFitsInMemory, STREAM_CHUNK_BYTES } from './limits';
import { describeFsError } from './files';

/** IDX element types: code → bytes per element. */
const IDX_TYPES: ReadonlyMap<number, { name: string; size: number }> = new Map([
  [0x08, { name: 'unsigned byte', size: 1 }],
  [0x09, { name: 'signed byte', size: 1 }],
  [0x0b, { name: 'short', size: 2 }],
  [0x0c, { name: 'int', size: 4 }],
  [0x0d, { name: 'float', size: 4 }],
  [0x0e, { name: 'double', size: 8 }],
]);

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxArray {
  /** Element type code (0x08 = unsigned byte, …). */
  type: number;
  dims: number[];
  /** The data bytes exactly as stored (big-endian for multi-byte types). */
  data: Uint8Array;
}

const GZIP_MAGIC = [0x1f, 0x8b];

/** Reads a whole IDX file; gzip is recognised by its magic bytes, not the name. */
export async function readIdx(file: string): Promise<IdxArray> {
  const handle = await open(file, 'r').catch((error) => {
    throw new InputError(file, describeFsError(error));
  });
  try {
    const fileSize = (await handle.stat()).size;
    const start = Buffer.alloc(2);
    await handle.read(start, 0, 2, 0);
    const gzipped = start[0] === GZIP_MAGIC[0] && start[1] === GZIP_MAGIC[1];
    if (!gzipped) return await readRawIdx(file, handle, fileSize);
  } finally {
    await handle.close();
  }
  return readGzippedIdx(file);
}

type FileHandle = Awaited<ReturnType<typeof open>>;

async function readRawIdx(file: string, handle: FileHandle, fileSize: number): Promise<IdxArray> {
  const head = Buffer.alloc(Math.min(fileSize, 4 + 4 * 255));
  await handle.read(head, 0, head.length, 0);
  const header = parseHeader(file, head);
  if (!header) throw new InputError(file, `is truncated: ${fileSize} bytes is shorter than an IDX header`);
  const available = fileSize - header.headerBytes;
  checkDataSize(file, header, available);
  const data = new Uint8Array(header.dataBytes);
  await handle.read(data, 0, header.dataBytes, header.headerBytes);
  return { type: header.type, dims: header.dims, data };
}

/** Streams the decompressed bytes, so the declared size is checked before anything large is allocated. */
async function readGzippedIdx(file: string): Promise<IdxArray> {
  const source = createReadStream(file, { highWaterMark: STREAM_CHUNK_BYTES });
  const stream = createGunzip({ chunkSize: STREAM_CHUNK_BYTES });
  // pipe() does not forward read errors; without this a failed read would hang the loop.
  source.on('error', (error) => stream.destroy(error));
  source.pipe(stream);
  let head = Buffer.alloc(0);
  let header: ParsedHeader | undefined;
  let data: Uint8Array | undefined;
  let filled = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let piece = chunk;
      if (!header) {
        head = Buffer.concat([head, piece]);
        header = parseHeader(file, head);
        if (!header) continue;
        assertFitsInMemory(file, header.dataBytes, describeDims(header));
        data = new Uint8Array(header.dataBytes);
        piece = head.subarray(header.headerBytes);
      }
      if (filled + piece.length > data!.length) {
        // Stop at once: a stream that goes on past the declared size may go on for a long time.
        throw new InputError(
          file,
          `has a bad IDX size: its header declares ${header.dataBytes} bytes of data but it holds more`,
        );
      }
      data!.set(piece, filled);
      filled += piece.length;
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'Z_BUF_ERROR') throw new InputError(file, 'is truncated: the gzip stream ends early');
    if (code?.startsWith('Z_'))
      throw new InputError(file, `is not a valid gzip file: ${(error as Error).message}`);
    throw new InputError(file, describeFsError(error));
  } finally {
    source.destroy();
    stream.destroy();
  }
  if (!header) throw new InputError(file, `is truncated: ${head.length} bytes is shorter than an IDX header`);
  checkDataSize(file, header, filled);
  return { type: header.type, dims: header.dims, data: data! };
}

interface ParsedHeader {
  type: number;
  dims: number[];
  headerBytes: number;
  dataBytes: number;
}

/** Parses the header from the first bytes; undefined when more bytes are needed. */
function parseHeader(file: string, head: Uint8Array): ParsedHeader | undefined {
  if (head.length < 4) return undefined;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const magic = view.getUint32(0);
  const type = head[2];
  const ndims = head[3];
  const known = IDX_TYPES.get(type);
  if (head[0] !== 0 || head[1] !== 0 || !known || ndims === 0) {
    throw new InputError(
      file,
      `is not an IDX file: bad magic number 0x${magic.toString(16).padStart(8, '0')} ` +
        `(expected 0x00000803 for images or 0x00000801 for labels)`,
    );
  }
  const headerBytes = 4 + 4 * ndims;
  if (head.length < headerBytes) return undefined;
  const dims: number[] = [];
  for (let d = 0; d < ndims; d++) dims.push(view.getUint32(4 + 4 * d));
  const dataBytes = dims.reduce((product, size) => product * size, known.size);
  return { type, dims, headerBytes, dataBytes };
}

function describeDims(header: ParsedHeader): string {
  return `${header.dims.join(' × ')} ${IDX_TYPES.get(header.type)!.name}s`;
}

function checkDataSize(file: string, header: ParsedHeader, available: number): void {
  const declared = header.dataBytes;
  assertFitsInMemory(file, declared, describeDims(header));
  if (available < declared) {
    throw new InputError(
      file,
      `is truncated: its header declares ${declared} bytes of data but it holds only ${available}`,
    );
  }
  if (available > declared) {
    throw new InputError(
      file,
      `has a bad IDX size: its header declares ${declared} bytes of data but it holds ${available}`,
    );
  }
}

/** IDX images: exactly N × height × width unsigned bytes. */
export async function readIdxImages(
  file: string,
): Promise<{ count: number; height: number; width: number; pixels: Uint8Array }> {
  const array = await readIdx(file);
  if (array.type !== 0x08 || array.dims.length !== 3) {
    throw new InputError(
      file,
      `holds ${describeArray(array)}, not images: expected N × height × width unsigned bytes (magic 0x00000803)`,
    );
  }
  const [count, height, width] = array.dims;
  return { count, height, width, pixels: array.data };
}

/** IDX labels: a 1-D integer array, as decimal strings. */
export async function readIdxLabels(file: string): Promise<string[]> {
  const array = await readIdx(file);
  if (array.dims.length !== 1 || array.type === 0x0d || array.type === 0x0e) {
    throw new InputError(
      file,
      `holds ${describeArray(array)}, not labels: expected a 1-D array of integers (magic 0x00000801)`,
    );
  }
  const view = new DataView(array.data.buffer, array.data.byteOffset, array.data.byteLength);
  const count = array.dims[0];
  const labels: string[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const value =
      array.type === 0x08
        ? view.getUint8(i)
        : array.type === 0x09
          ? view.getInt8(i)
          : array.type === 0x0b
            ? view.getInt16(2 * i)
            : view.getInt32(4 * i);
    labels[i] = String(value);
  }
  return labels;
}

function describeArray(array: IdxArray): string {
  return `a ${array.dims.length}-D array of ${IDX_TYPES.get(array.type)!.name}s (${array.dims.join(' × ')})`;
}
