import assert from 'node:assert/strict';
import { RememberedTargets, type StateStore } from '../../../../src/extension/discovery/rememberedTargets';

/** A Memento's get/update over a Map: what workspaceState does, without VS Code. */
function mapStore(): StateStore & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return {
    data,
    get: <T>(key: string) => data.get(key) as T | undefined,
    update: (key, value) => {
      if (value === undefined) data.delete(key);
      else data.set(key, value);
      return Promise.resolve();
    },
  };
}

describe('extension/discovery/rememberedTargets', () => {
  it('remembers the model and dataset apart, in the workspace state, and tells listeners', async () => {
    const store = mapStore();
    const targets = new RememberedTargets(store, () => true);
    let changes = 0;
    targets.onDidChange(() => changes++);
    await targets.remember('model', '/w/model.onnx');
    await targets.remember('dataset', '/w/images');
    assert.equal(targets.get('model'), '/w/model.onnx');
    assert.equal(targets.get('dataset'), '/w/images');
    assert.equal(changes, 2);
    // A new window reads the same state back.
    assert.equal(new RememberedTargets(store, () => true).get('dataset'), '/w/images');
    await targets.remember('model', undefined);
    assert.equal(targets.get('model'), undefined);
    assert.deepEqual([...store.data.keys()], ['margin.chosenDataset']);
  });

  it('ignores a remembered path that is gone, or a value that is not a path', async () => {
    const store = mapStore();
    const existing = new Set(['/w/images']);
    const targets = new RememberedTargets(store, (path) => existing.has(path));
    await targets.remember('dataset', '/w/deleted');
    assert.equal(targets.get('dataset'), undefined);
    store.data.set('margin.chosenModel', 42);
    assert.equal(targets.get('model'), undefined);
  });
});
