import assert from 'node:assert/strict';
import {
  fileCandidates,
  formatBytes,
  imageFolderCandidates,
  looksLikeLabelsFile,
  rankDatasetCandidates,
  rankModelCandidates,
} from '../../../../src/extension/discovery/datasetCandidates';

describe('extension/discovery/datasetCandidates', () => {
  describe('imageFolderCandidates', () => {
    const listing = [
      '/w/data/train/cat/1.png',
      '/w/data/train/cat/2.PNG',
      '/w/data/train/dog/3.jpg',
      '/w/data/test/cat/4.png',
      '/w/data/test/dog/5.jpeg',
      '/w/data/test/dog/6.png',
      '/w/data/test/dog/7.png',
      // One label folder only: an image folder needs two classes.
      '/w/docs/screenshots/a.png',
      '/w/docs/screenshots/b.png',
      // Not an image.
      '/w/data/train/bird/notes.txt',
    ];

    it('finds every root whose images sit in two or more label folders', () => {
      const candidates = imageFolderCandidates(listing);
      assert.deepEqual(candidates.map((c) => [c.path, c.kind, c.weight]).sort(), [
        ['/w/data/test', 'image-folder', 4],
        ['/w/data/train', 'image-folder', 3],
      ]);
      const test = candidates.find((c) => c.path === '/w/data/test')!;
      assert.equal(test.description, 'image folder · 2 classes · 4 images');
    });

    it('marks counts as lower bounds when the listing was truncated', () => {
      const [candidate] = imageFolderCandidates(['/w/d/a/1.png', '/w/d/b/2.png'], true);
      assert.equal(candidate.description, 'image folder · ≥ 2 classes · ≥ 2 images');
    });
  });

  describe('fileCandidates', () => {
    it('describes files by kind and size and leaves labels arrays out', () => {
      const candidates = fileCandidates('npy', [
        { path: '/w/X_train.npy', size: 3 * 1024 * 1024 },
        { path: '/w/y_train.npy', size: 100 },
        { path: '/w/labels.npy', size: 100 },
      ]);
      assert.deepEqual(
        candidates.map((c) => [c.path, c.description]),
        [['/w/X_train.npy', 'NumPy array · 3.0 MB']],
      );
      assert.equal(
        fileCandidates('manifest', [{ path: '/w/m.jsonl', size: 10 }])[0].description,
        'JSONL table · 10 B',
      );
      assert.equal(
        fileCandidates('manifest', [{ path: '/w/m.tsv', size: 2048 }])[0].description,
        'TSV table · 2.0 KB',
      );
    });

    it('tells labels files from sample files by name', () => {
      for (const name of [
        'labels.npy',
        'train-labels.npy',
        'y.npy',
        'y_test.npy',
        'mnist_y.npy',
        'label.npy',
      ]) {
        assert.equal(looksLikeLabelsFile(`/w/${name}`), true, name);
      }
      for (const name of ['X.npy', 'images.npy', 'daisy.npy', 'features.npy', 'labelled_images.npy']) {
        assert.equal(looksLikeLabelsFile(`/w/${name}`), false, name);
      }
    });
  });

  it('ranks image folders, then IDX, manifests, arrays; bigger first within a kind', () => {
    const ranked = rankDatasetCandidates([
      { path: '/w/a.npy', kind: 'npy', description: '', weight: 999 },
      { path: '/w/m.csv', kind: 'manifest', description: '', weight: 5 },
      { path: '/w/small', kind: 'image-folder', description: '', weight: 10 },
      { path: '/w/t10k-images-idx3-ubyte', kind: 'idx', description: '', weight: 1 },
      { path: '/w/big', kind: 'image-folder', description: '', weight: 60000 },
    ]);
    assert.deepEqual(
      ranked.map((c) => c.path),
      ['/w/big', '/w/small', '/w/t10k-images-idx3-ubyte', '/w/m.csv', '/w/a.npy'],
    );
  });

  it('ranks models shallowest first and drops dependency and cache folders', () => {
    assert.deepEqual(
      rankModelCandidates([
        '/w/models/b.onnx',
        '/w/node_modules/x/m.onnx',
        '/w/.margin/c.onnx',
        '/w/a.onnx',
        '/w/models/a.onnx',
        '/w/notes.txt',
      ]),
      ['/w/a.onnx', '/w/models/a.onnx', '/w/models/b.onnx'],
    );
  });

  it('formats byte sizes', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(1536), '1.5 KB');
    assert.equal(formatBytes(47 * 1024 * 1024), '47 MB');
  });
});
