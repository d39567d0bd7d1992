/**
 * The folders a MARGIN webview may load files from. A panel asks for the
 * folders its thumbnails are in; a folder is granted only when it lies inside
 * a workspace folder, one of the extension's asset folders, a `.margin/` folder, or a folder
 * the user chose to show (thumbnailGrants.ts). A dataset `source` of `/` read
 * from a cache once made the whole disk a root; now such a request is
 * refused, and the panel shows no thumbnail from there. Folders are compared
 * by real path: a symbolic link inside the workspace that points elsewhere is
 * judged by where it points (VS Code reads through the link). Pure but for
 * the `realPath` the caller passes, so the policy is unit-tested.
 */
import { isAbsolute, parse } from 'node:path';
import { isInside } from '../discovery/datasetPath';

export interface ResourceRootPolicy {
  workspaceFolders: readonly string[];
  /**
   * The extension's folders that panels load from (its webview bundle, media,
   * codicons), not the whole extension: in a development run the extension is
   * the clone, and everything in it would load.
   */
  extensionAssets: readonly string[];
  /** `.margin/` folders outside the workspace (the global-storage fallback). */
  marginFolders: readonly string[];
  /** Folders outside those the user chose to show, as real paths (empty in Restricted Mode). */
  userGrants: readonly string[];
  /** Resolves symbolic links (realFolder.ts); identity would let a link lead out unseen. */
  realPath(path: string): string;
}

export interface GrantedRoots {
  /** The requested folders, as spelled (the panel's webview URIs use that spelling). */
  granted: string[];
  /** Requested folders outside every allowed base: not roots, so their files do not load. */
  refused: string[];
}

export function grantResourceRoots(requested: readonly string[], policy: ResourceRootPolicy): GrantedRoots {
  const bases = [
    ...policy.workspaceFolders,
    ...policy.extensionAssets,
    ...policy.marginFolders,
    ...policy.userGrants,
  ].map((base) => policy.realPath(base));
  const granted: string[] = [];
  const refused: string[] = [];
  for (const folder of requested) {
    const real = isAbsolute(folder) ? policy.realPath(folder) : undefined;
    const allowed = real !== undefined && bases.some((base) => isInside(real, base));
    const list = allowed ? granted : refused;
    if (!list.includes(folder)) list.push(folder);
  }
  return { granted, refused };
}

export type GrantCheck =
  { ok: true; /** What is remembered: the real path. */ folder: string } | { ok: false; reason: string };

export interface GrantContext {
  realPath(path: string): string;
  /** The user's home folder (os.homedir()). */
  homeFolder: string;
}

/**
 * Whether the user may allow `folder` for thumbnails. Never the root of the
 * file system, the home folder or a folder that holds it (~/.ssh would load);
 * judged on the real path, so a link to `/` is refused like `/` itself.
 */
export function checkGrantable(folder: string, context: GrantContext): GrantCheck {
  if (!isAbsolute(folder)) return { ok: false, reason: `${folder} is not an absolute path` };
  const real = context.realPath(folder);
  const home = context.realPath(context.homeFolder);
  const spelled = real === folder ? folder : `${folder} (a link to ${real})`;
  if (parse(real).root === real)
    return {
      ok: false,
      reason: `${spelled} is the root of the file system, and a panel may not read the whole disk`,
    };
  if (real === home)
    return { ok: false, reason: `${spelled} is your home folder, and a panel may not read all of it` };
  if (isInside(home, real))
    return { ok: false, reason: `${spelled} holds your home folder, and a panel may not read all of it` };
  return { ok: true, folder: real };
}

/** When no grant can be asked for (the panel's host has no grant store): the old advice. */
export function refusedRootsMessage(refused: readonly string[]): string {
  const where = refused.length === 1 ? refused[0] : `${refused[0]} and ${refused.length - 1} other folder(s)`;
  return (
    `MARGIN: ${where} is outside this workspace, so the panel shows no thumbnails from it ` +
    `(a webview may only read the workspace, the extension and .margin/). ` +
    `Add the dataset's folder to the workspace to see them.`
  );
}
