/**
 * The real path of a folder, for the resource-root policy (resourceRoots.ts):
 * symbolic links resolved, so a link inside the workspace is judged by where
 * it leads. A folder that does not exist (yet) keeps its missing tail as
 * spelled on top of the real path of its nearest existing parent: a missing
 * name cannot be a link, and `/ws/link/later` still resolves `link`.
 * Node fs only, no vscode.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export function realFolder(path: string): string {
  try {
    // Not path.resolve first: it would fold `link/..` lexically, where the OS follows the link.
    return realpathSync.native(path);
  } catch {
    const parent = dirname(path);
    if (parent === path) return resolve(path);
    return join(realFolder(parent), basename(path));
  }
}
