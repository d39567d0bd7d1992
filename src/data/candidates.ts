/**
 * Finds what looks like a dataset in a workspace, for the extension's picker.
 * Cheap on purpose: names and folder listings only (and the first line of a
 * table), nothing decoded.
 */
import { open, opendir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { isHidden, isImageFileName, listFolder, TABLE_EXTENSIONS } from './files';
import { isIdxImagesName } from './idxDataset';
import { findColumn, LABEL_COLUMN_NAMES, PATH_COLUMN_NAMES, TEXT_COLUMN_NAMES } from './table';

const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(['node_modules', '.git', '.margin', 'dist']);
/** Folders below the root that are searched (the root is depth 0). */
const MAX_DEPTH = 4;
/** Bytes read to see a table's header line. */
const HEADER_BYTES = 4096;
/** An image folder needs at least this many label folders that hold images (one class is not a labelled dataset). */
const MIN_LABEL_FOLDERS = 2;

/** Absolute paths of likely datasets under `root`, in byte order. */
export async function listDatasetCandidates(root: string): Promise<string[]> {
  const found: string[] = [];
  await visit(root, 0, found);
  return found.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

async function visit(folder: string, depth: number, found: string[]): Promise<void> {
  const entries = await listFolder(folder).catch(() => []);
  const subfolders = entries.filter((entry) => entry.isDirectory && !SKIPPED_FOLDERS.has(entry.name));
  let labelFolders = 0;
  const plain: string[] = [];
  for (const entry of subfolders) {
    if (await holdsImage(join(folder, entry.name))) labelFolders++;
    else plain.push(entry.name);
  }
  if (labelFolders >= MIN_LABEL_FOLDERS) {
    // An image folder: its label folders are not datasets themselves.
    found.push(folder);
  }
  for (const entry of entries) {
    if (!entry.isFile) continue;
    const path = join(folder, entry.name);
    const extension = extname(entry.name).toLowerCase();
    if (isIdxImagesName(entry.name)) found.push(path);
    else if (extension === '.npy' && !/label/i.test(entry.name)) found.push(path);
    else if (TABLE_EXTENSIONS.has(extension) && (await looksLikeDatasetTable(path, extension)))
      found.push(path);
  }
  if (depth >= MAX_DEPTH) return;
  const descend = labelFolders >= MIN_LABEL_FOLDERS ? plain : subfolders.map((entry) => entry.name);
  for (const name of descend) await visit(join(folder, name), depth + 1, found);
}

/** Whether a folder directly holds at least one image; stops at the first one. */
async function holdsImage(folder: string): Promise<boolean> {
  try {
    // Leaving the for-await loop early closes the directory handle.
    for await (const entry of await opendir(folder)) {
      if (!isHidden(entry.name) && !entry.isDirectory() && isImageFileName(entry.name)) return true;
    }
  } catch {
    // Unreadable folders are simply not candidates.
  }
  return false;
}

/** A table whose header names a path, text or label column. */
async function looksLikeDatasetTable(file: string, extension: string): Promise<boolean> {
  let head: string;
  try {
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(HEADER_BYTES);
      const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
      head = buffer
        .subarray(0, bytesRead)
        .toString('utf8')
        .replace(/^\uFEFF/, '');
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
  const firstLine = head.split(/\r?\n/, 1)[0];
  let columns: string[];
  if (extension === '.jsonl') {
    try {
      columns = Object.keys(JSON.parse(firstLine) as object);
    } catch {
      return false;
    }
  } else {
    columns = firstLine
      .split(extension === '.tsv' ? '\t' : ',')
      .map((name) => name.trim().replace(/^"|"$/g, ''));
  }
  return [PATH_COLUMN_NAMES, TEXT_COLUMN_NAMES, LABEL_COLUMN_NAMES].some(
    (names) => findColumn(columns, names) >= 0,
  );
}
