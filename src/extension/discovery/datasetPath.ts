/**
 * Which sample paths MARGIN opens on its own. A path comes from the engine's
 * result, the `.margin/` cache or a manifest row: text written by whoever made
 * the folder. It is opened only when it lies inside the dataset's folder, and
 * only when it still does once symlinks are resolved (a link inside the
 * dataset that points at ~/.ssh is reported, not followed). Anything else needs
 * the user's explicit choice. Node fs only, no vscode.
 */
import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';

/** True when `path` is `folder` or lies under it (both absolute; compared lexically). */
export function isInside(path: string, folder: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

export interface DatasetLocation {
  kind: string;
  source: string;
  /** The folder sample paths are inside, when the engine says (DatasetSummary.root). */
  root?: string;
}

/** The engine's root, else the image folder itself, else the folder of the dataset file. */
export function datasetRoot(dataset: DatasetLocation): string {
  if (dataset.root) return dataset.root;
  return dataset.kind === 'image-folder' ? dataset.source : dirname(dataset.source);
}

export type SamplePathCheck =
  | { ok: true; path: string }
  | { ok: false; problem: 'outside' | 'link-leaves-dataset' | 'missing'; message: string };

export async function checkSamplePath(path: string, root: string): Promise<SamplePathCheck> {
  if (!isAbsolute(path) || !isInside(path, root)) {
    return { ok: false, problem: 'outside', message: `${path} is outside the dataset's folder ${root}` };
  }
  let real: string;
  let realRoot: string;
  try {
    [real, realRoot] = await Promise.all([realpath(path), realpath(root)]);
  } catch {
    return { ok: false, problem: 'missing', message: `${path} does not exist (any more)` };
  }
  if (!isInside(real, realRoot)) {
    return {
      ok: false,
      problem: 'link-leaves-dataset',
      message: `${path} is a symbolic link that leaves the dataset's folder ${root}: it points to ${real}`,
    };
  }
  return { ok: true, path };
}
