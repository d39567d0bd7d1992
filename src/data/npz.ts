/**
 * NumPy .npz archives (np.savez, np.savez_compressed, scipy.sparse.save_npz):
 * a ZIP file with one .npy member per array, stored or deflated, with ZIP64
 * sizes when NumPy forces them. Only what those writers produce is read: the
 * central directory, then each member through its local header.
 */
import { readFile } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';
import { InputError } from '../core/errors';
import { describeFsError } from './files';
import { assertFitsInMemory } from './limits';
import { npyFromBytes, type NpyArray } from './npy';

const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const ZIP64_EXTRA = 0x0001;
const MAX32 = 0xffffffff;

/** Every array of the archive by name (`indices`, not `indices.npy`). */
export async function readNpz(file: string): Promise<Map<string, NpyArray>> {
  const bytes = await readFile(file).catch((error: unknown) => {
    throw new InputError(file, describeFsError(error));
  });
  assertFitsInMemory(file, bytes.length, 'an archive');
  const arrays = new Map<string, NpyArray>();
  for (const member of directory(file, bytes)) {
    if (!member.name.endsWith('.npy')) continue;
    const name = member.name.slice(0, -4);
    arrays.set(name, npyFromBytes(`${file}:${member.name}`, memberBytes(file, bytes, member)));
  }
  return arrays;
}

interface Member {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function directory(file: string, bytes: Buffer): Member[] {
  const broken = (what: string) => new InputError(file, `is not a readable .npz archive: ${what}`);
  // The end record sits in the last 22 bytes, before a comment of at most 64 KiB.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) === END_OF_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) throw broken('no ZIP directory at its end (truncated, or not an .npz)');
  let entries = bytes.readUInt16LE(end + 10);
  let offset = bytes.readUInt32LE(end + 16);
  if (end >= 20 && bytes.readUInt32LE(end - 20) === ZIP64_LOCATOR) {
    const zip64End = Number(bytes.readBigUInt64LE(end - 12));
    if (zip64End + 56 > bytes.length || bytes.readUInt32LE(zip64End) !== ZIP64_END)
      throw broken('a bad ZIP64 record');
    entries = Number(bytes.readBigUInt64LE(zip64End + 32));
    offset = Number(bytes.readBigUInt64LE(zip64End + 48));
  }
  const members: Member[] = [];
  for (let i = 0; i < entries; i++) {
    if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== DIRECTORY_ENTRY)
      throw broken('a damaged directory');
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    const member: Member = {
      name: bytes.toString('utf8', offset + 46, offset + 46 + nameLength),
      method: bytes.readUInt16LE(offset + 10),
      compressedSize: bytes.readUInt32LE(offset + 20),
      size: bytes.readUInt32LE(offset + 24),
      localOffset: bytes.readUInt32LE(offset + 42),
    };
    readZip64Extra(bytes, offset + 46 + nameLength, extraLength, member);
    members.push(member);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

/** ZIP64 values replace, in this order, whichever of size, compressed size and offset read 0xFFFFFFFF. */
function readZip64Extra(bytes: Buffer, start: number, length: number, member: Member): void {
  for (let at = start; at + 4 <= start + length;) {
    const id = bytes.readUInt16LE(at);
    const size = bytes.readUInt16LE(at + 2);
    if (id === ZIP64_EXTRA) {
      let field = at + 4;
      for (const key of ['size', 'compressedSize', 'localOffset'] as const) {
        if (member[key] === MAX32 && field + 8 <= at + 4 + size) {
          member[key] = Number(bytes.readBigUInt64LE(field));
          field += 8;
        }
      }
    }
    at += 4 + size;
  }
}

function memberBytes(file: string, bytes: Buffer, member: Member): Uint8Array {
  const at = member.localOffset;
  const where = `${file}:${member.name}`;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== LOCAL_HEADER)
    throw new InputError(where, 'cannot be found in the archive (it is damaged)');
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  if (start + member.compressedSize > bytes.length) throw new InputError(where, 'is truncated');
  const stored = bytes.subarray(start, start + member.compressedSize);
  if (member.method === 0) return stored;
  assertFitsInMemory(where, member.size, 'a compressed array');
  if (member.method !== 8)
    throw new InputError(
      where,
      `is compressed with ZIP method ${member.method}; only stored and deflate are read`,
    );
  try {
    return inflateRawSync(stored);
  } catch (error) {
    throw new InputError(where, `cannot be decompressed: ${(error as Error).message}`);
  }
}
