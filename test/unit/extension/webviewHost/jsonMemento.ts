import type { GrantStore } from '../../../../src/extension/webviewHost/thumbnailGrants';

/**
 * workspaceState outside VS Code: a Memento keeps JSON, so values go through
 * JSON both ways, and `undefined` removes the key, as VS Code's does.
 */
export class JsonMemento implements GrantStore {
  private readonly values = new Map<string, string>();
  get(key: string): unknown {
    const json = this.values.get(key);
    return json === undefined ? undefined : JSON.parse(json);
  }
  update(key: string, value: unknown): Promise<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}
