/**
 * Folders outside the workspace whose images the user chose to see in MARGIN's
 * panels ("Show Images From This Folder"). Remembered per workspace (the
 * extension's workspaceState, a list of real paths), so they apply to every
 * panel, and after a restart, until MARGIN: Forget Folders Allowed for
 * Thumbnails. Nothing is granted, nor applied, in Restricted Mode: an untrusted
 * folder's cache names the dataset folders. No vscode import (the store is a
 * Memento-like port), so it is unit-tested.
 */
import { checkGrantable, type GrantCheck } from './resourceRoots';

/** The part of vscode.Memento used here. */
export interface GrantStore {
  get(key: string): unknown;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

export interface GrantEnvironment {
  realPath(path: string): string;
  homeFolder: string;
  isTrusted(): boolean;
}

export const GRANTS_KEY = 'margin.thumbnailFolders';
/** MARGIN: Forget Folders Allowed for Thumbnails (registered in thumbnailAccess.ts). */
export const FORGET_THUMBNAIL_FOLDERS_COMMAND = 'margin.forgetThumbnailFolders';

export function untrustedGrantReason(folder: string): string {
  return `showing images from ${folder}, outside the workspace, is off in Restricted Mode`;
}

export class ThumbnailGrants {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: GrantStore,
    private readonly env: GrantEnvironment,
  ) {}

  get realPath(): (path: string) => string {
    return this.env.realPath;
  }

  /** The allowed folders (real paths); none in Restricted Mode. Each is checked again as it is read. */
  folders(): string[] {
    if (!this.env.isTrusted()) return [];
    return this.stored().filter((folder) => {
      const check = checkGrantable(folder, this.env);
      return check.ok && check.folder === folder;
    });
  }

  /** Whether `folder` could be allowed at all (a reason when not), Restricted Mode aside. */
  check(folder: string): GrantCheck {
    return checkGrantable(folder, this.env);
  }

  /** Allows `folder` (its real path) for every panel of this workspace, or says why not. */
  async grant(folder: string): Promise<GrantCheck> {
    if (!this.env.isTrusted()) return { ok: false, reason: untrustedGrantReason(folder) };
    const check = this.check(folder);
    if (!check.ok) return check;
    const stored = this.stored();
    if (!stored.includes(check.folder)) {
      await this.store.update(GRANTS_KEY, [...stored, check.folder]);
      this.fire();
    }
    return check;
  }

  /** Forgets every allowed folder; answers how many there were. */
  async forget(): Promise<number> {
    const count = this.stored().length;
    await this.store.update(GRANTS_KEY, undefined);
    if (count > 0) this.fire();
    return count;
  }

  /** Called after a folder is allowed or the folders are forgotten. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private stored(): string[] {
    const value = this.store.get(GRANTS_KEY);
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  }

  private fire(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
