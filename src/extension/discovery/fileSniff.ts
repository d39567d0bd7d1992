/**
 * Cheap content checks on the first bytes of a file, so that a workspace's
 * stray CSVs and arrays are not offered as datasets. Node fs only (no vscode):
 * the extension host runs where the workspace files are.
 */
import { open } from 'node:fs/promises';
import { extname } from 'node:path';
import { constants as zlibConstants, gunzipSync } from 'node:zlib';

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
 * Header names of a manifest's path column (the engine's PATH_COLUMN_NAMES in
 * src/data/table.ts: the extension host cannot import the engine's folders).
 */
const PATH_COLUMN_NAMES = ['path', 'file', 'filename', 'image', 'filepath'];

/**
 * A manifest or table has a header with at least two columns (CSV/TSV), or only
 * a path column (a manifest of unlabelled images), or a first line that is a
 * JSON object (JSONL). Result files MARGIN wrote itself (`rank` and `score`
 * columns) are not datasets.
 */
export function isTableHead(head: string, extension: string): boolean {
  const firstLine =
    head
      .split(/\r?\n/, 1)[0]
      ?.replace(/^\uFEFF/, '')
      .trim() ?? '';
  if (!firstLine) return false;
  if (extension === '.jsonl') {
    try {
      const row = JSON.parse(firstLine) as unknown;
      return (
        typeof row === 'object' && row !== null && !Array.isArray(row) && !isResultsColumns(Object.keys(row))
      );
    } catch {
      return false;
    }
  }
  const separator = extension === '.tsv' ? '\t' : ',';
  const columns = firstLine
    .split(separator)
    .map((column) => column.trim().replace(/^"|"$/g, '').toLowerCase());
  if (columns.length === 1) return PATH_COLUMN_NAMES.includes(columns[0]);
  return !isResultsColumns(columns);
}

function isResultsColumns(columns: string[]): boolean {
  const names = new Set(columns.map((column) => column.toLowerCase()));
  return names.has('rank') && names.has('score');
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
