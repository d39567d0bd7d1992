/**
 * The folders a MARGIN webview may load files from. A panel asks for the
 * folders its thumbnails are in; a folder is granted only inside a workspace
 * folder, the extension's folder, or a `.margin/` folder. A dataset `source`
 * of `/` read from a cache once made the whole disk a root; now such a request
 * is refused, and the panel shows no thumbnail from there. Pure (paths in,
 * paths out), so the policy is unit-tested.
 */
import { isInside } from '../discovery/datasetPath';

export interface ResourceRootPolicy {
  workspaceFolders: readonly string[];
  extensionFolder: string;
  /** `.margin/` folders outside the workspace (the global-storage fallback). */
  marginFolders: readonly string[];
}

export interface GrantedRoots {
  granted: string[];
  /** Requested folders outside every allowed base: not roots, so their files do not load. */
  refused: string[];
}

export function grantResourceRoots(requested: readonly string[], policy: ResourceRootPolicy): GrantedRoots {
  const bases = [...policy.workspaceFolders, policy.extensionFolder, ...policy.marginFolders];
  const granted: string[] = [];
  const refused: string[] = [];
  for (const folder of requested) {
    const allowed = bases.some((base) => isInside(folder, base));
    const list = allowed ? granted : refused;
    if (!list.includes(folder)) list.push(folder);
  }
  return { granted, refused };
}

export function refusedRootsMessage(refused: readonly string[]): string {
  const where = refused.length === 1 ? refused[0] : `${refused[0]} and ${refused.length - 1} other folder(s)`;
  return (
    `MARGIN: ${where} is outside this workspace, so the panel shows no thumbnails from it ` +
    `(a webview may only read the workspace, the extension and .margin/). ` +
    `Add the dataset's folder to the workspace to see them.`
  );
}
