/** Small file-system helpers shared by the loaders: existence, names, order. */
import type { Dirent, Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { InputError } from '../core/errors';

export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.png', '.jpg', '.jpeg', '.webp']);
export const TABLE_EXTENSIONS: ReadonlySet<string> = new Set(['.csv', '.tsv', '.jsonl']);

export function isImageFileName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(extname(name).toLowerCase());
}

export function isHidden(name: string): boolean {
  return name.startsWith('.');
}

/**
 * Byte order of the UTF-8 encodings, so that sample order does not depend on
 * the locale or on JavaScript's UTF-16 comparison.
 */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** `stat` that turns a missing path into an InputError naming it. */
export async function statOrThrow(path: string): Promise<Stats> {
  try {
    return await stat(path);
  } catch (error) {
    throw new InputError(path, describeFsError(error));
  }
}

/** A readable one-line reason for a failed file-system call. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return 'does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'cannot be read: permission denied';
  if (code === 'EISDIR') return 'is a folder, expected a file';
  if (code === 'ENOTDIR') return 'is a file, expected a folder';
  return `cannot be read: ${(error as Error)?.message ?? String(error)}`;
}

export interface FolderEntry {
  name: string;
  isDirectory: boolean;
  isFile: boolean;
}

/**
 * Entries of a folder, hidden ones left out, symlinks resolved, in byte order.
 * A broken symlink is dropped: it names nothing to read.
 */
export async function listFolder(folder: string): Promise<FolderEntry[]> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(folder, { withFileTypes: true });
  } catch (error) {
    throw new InputError(folder, describeFsError(error));
  }
  const entries: FolderEntry[] = [];
  for (const dirent of dirents) {
    if (isHidden(dirent.name)) continue;
    if (dirent.isSymbolicLink()) {
      const target = await stat(join(folder, dirent.name)).catch(() => undefined);
      if (target)
        entries.push({ name: dirent.name, isDirectory: target.isDirectory(), isFile: target.isFile() });
      continue;
    }
    entries.push({ name: dirent.name, isDirectory: dirent.isDirectory(), isFile: dirent.isFile() });
  }
  return entries.sort((a, b) => compareBytes(a.name, b.name));
}

/** Runs `work` on every item with at most `limit` calls in flight; results keep the input order. */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
