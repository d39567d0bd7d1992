/**
 * The model and dataset the user chose for this workspace (MARGIN: Choose
 * Model…, Choose Dataset…, the side panel, the Explorer menu). Kept in the
 * workspace's state, so the choice survives a reload; the scan commands take
 * it after explicit settings and before searching the workspace. No vscode
 * import: the store is anything with a Memento's get/update.
 */
import { existsSync } from 'node:fs';

export type TargetKind = 'model' | 'dataset';

export interface StateStore {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void> | Promise<void>;
}

const KEYS: Record<TargetKind, string> = {
  model: 'margin.chosenModel',
  dataset: 'margin.chosenDataset',
};

export class RememberedTargets {
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly store: StateStore,
    /** Whether a remembered path is still there (a deleted dataset is forgotten, not scanned). */
    private readonly exists: (path: string) => boolean = existsSync,
  ) {}

  /** The remembered path, if it still exists. */
  get(kind: TargetKind): string | undefined {
    const path = this.store.get<string>(KEYS[kind]);
    return typeof path === 'string' && path && this.exists(path) ? path : undefined;
  }

  async remember(kind: TargetKind, path: string | undefined): Promise<void> {
    await this.store.update(KEYS[kind], path);
    for (const listener of this.listeners) listener();
  }

  /** Calls `listener` after every change; returns what stops it. */
  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }
}
