/**
 * Cheap content checks on the first bytes of a file, so that a workspace's
 * stray CSVs and arrays are not offered as datasets. Node fs only (no vscode):
 * the extension host runs where the workspace files are.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';
import { isDatasetTable } from './tableShape';

const HEAD_BYTES = 4096;

async function readHead(path: string, bytes = HEAD_BYTES): Promise<Buffer | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}

const IDX_IMAGES_MAGIC = [0x00, 0x00, 0x08, 0x03];

/**
 * IDX images: magic 0x00000803 (unsigned bytes, 3 dimensions). A gzip file is
 * inflated as far as its first bytes allow, and the same magic is checked.
 */
export function isIdxImagesHead(head: Buffer): boolean {
  let bytes = head;
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) {
    try {
      // SYNC_FLUSH returns what the partial stream decodes to instead of failing at its cut end.
      bytes = gunzipSync(head, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    } catch {
      return false;
    }
  }
  return bytes.length >= 4 && IDX_IMAGES_MAGIC.every((byte, i) => bytes[i] === byte);
}

export function isNpyHead(head: Buffer): boolean {
  return head.length >= 6 && head[0] === 0x93 && head.subarray(1, 6).toString('latin1') === 'NUMPY';
}

/**
 * A manifest or table MARGIN can scan: its rows name image files, hold a text,
 * or hold numeric features beside a label (tableShape.ts). Answer keys and
 * result files MARGIN wrote itself are not datasets.
 */
export function isTableHead(head: string, extension: string): boolean {
  return isDatasetTable(head, extension);
}

export async function looksLikeIdxImages(path: string): Promise<boolean> {
  const head = await readHead(path);
  return head !== undefined && isIdxImagesHead(head);
}

export async function looksLikeNpy(path: string): Promise<boolean> {
  const head = await readHead(path, 6);
  return head !== undefined && isNpyHead(head);
}

export async function looksLikeTable(path: string): Promise<boolean> {
  const head = await readHead(path);
  return head !== undefined && isTableHead(head.toString('utf8'), extname(path).toLowerCase());
}
