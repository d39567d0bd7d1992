/** The extension's memory of computed maps: same map, same key; bounded; least recently used out first. */
import assert from 'node:assert/strict';
import { ExplainCache, explainKey, type FileStamp } from '../../../../src/extension/saliency/explainCache';
import type { SaliencyRequest } from '../../../../src/protocol/saliencyPanel';

const model: FileStamp = { path: '/w/model.onnx', size: 1000, mtimeMs: 5 };
const input: FileStamp = { path: '/w/a.png', size: 300, mtimeMs: 7 };
const key = (request: SaliencyRequest, stamps: { model?: FileStamp; input?: FileStamp } = {}) =>
  explainKey({ model: stamps.model ?? model, input: stamps.input ?? input, request });

describe('extension/saliency/explainCache', () => {
  describe('explainKey', () => {
    it('is equal for equal requests whatever the order of the settings', () => {
      assert.equal(
        key({ method: 'ig', target: 2, options: { steps: 8, baseline: 'blur' } }),
        key({ method: 'ig', target: 2, options: { baseline: 'blur', steps: 8 } }),
      );
    });

    it('ignores settings the method does not read', () => {
      assert.equal(
        key({ method: 'occlusion', options: { steps: 8 } }),
        key({ method: 'occlusion', options: {} }),
      );
      assert.equal(
        key({ method: 'margin', options: { rule: 'rescale' } }),
        key({ method: 'margin', options: {} }),
      );
    });

    it('differs when the model or the image changed on disk, or the method, a setting or the target differ', () => {
      const base = key({ method: 'ig', target: 1, options: { steps: 8 } });
      const others = [
        key({ method: 'ig', target: 1, options: { steps: 8 } }, { model: { ...model, mtimeMs: 6 } }),
        key({ method: 'ig', target: 1, options: { steps: 8 } }, { model: { ...model, size: 1001 } }),
        key(
          { method: 'ig', target: 1, options: { steps: 8 } },
          { model: { ...model, path: '/w/other.onnx' } },
        ),
        key({ method: 'ig', target: 1, options: { steps: 8 } }, { input: { ...input, mtimeMs: 8 } }),
        key({ method: 'ig', target: 1, options: { steps: 8 } }, { input: { ...input, path: '/w/b.png' } }),
        key({ method: 'deeplift', target: 1, options: { steps: 8 } }),
        key({ method: 'ig', target: 1, options: { steps: 9 } }),
        key({ method: 'ig', target: 2, options: { steps: 8 } }),
        key({ method: 'ig', options: { steps: 8 } }),
      ];
      assert.equal(new Set([base, ...others]).size, others.length + 1);
    });

    it('keeps "the predicted class" apart from class 0', () => {
      assert.notEqual(key({ method: 'ig', options: {} }), key({ method: 'ig', target: 0, options: {} }));
    });
  });

  describe('ExplainCache', () => {
    const sized = (limits: { maxEntries: number; maxValues: number }) =>
      new ExplainCache<number[]>((value) => value.length, limits);

    it('returns what was stored, and nothing for an unknown key', () => {
      const cache = sized({ maxEntries: 4, maxValues: 100 });
      cache.set('a', [1, 2]);
      assert.deepEqual(cache.get('a'), [1, 2]);
      assert.equal(cache.get('b'), undefined);
    });

    it('drops the least recently used entry beyond the entry bound (a get counts as a use)', () => {
      const cache = sized({ maxEntries: 3, maxValues: 100 });
      cache.set('a', [1]);
      cache.set('b', [1]);
      cache.set('c', [1]);
      cache.get('a');
      cache.set('d', [1]);
      assert.deepEqual(cache.keys(), ['c', 'a', 'd']);
      assert.equal(cache.get('b'), undefined);
    });

    it('drops the oldest until the values held fit, and keeps no value larger than the bound', () => {
      const cache = sized({ maxEntries: 10, maxValues: 10 });
      cache.set('a', new Array(4).fill(0));
      cache.set('b', new Array(4).fill(0));
      cache.set('c', new Array(4).fill(0));
      assert.deepEqual(cache.keys(), ['b', 'c']);
      assert.equal(cache.values, 8);
      cache.set('huge', new Array(11).fill(0));
      assert.equal(cache.get('huge'), undefined);
      assert.deepEqual(cache.keys(), ['b', 'c']);
    });

    it('replacing a key updates the count of values held', () => {
      const cache = sized({ maxEntries: 10, maxValues: 10 });
      cache.set('a', [1, 2, 3]);
      cache.set('a', [1]);
      assert.equal(cache.size, 1);
      assert.equal(cache.values, 1);
    });
  });
});
