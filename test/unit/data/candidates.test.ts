import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listDatasetCandidates } from '../../../src/data/candidates';
import { FIXTURES, makeTempDir } from './helpers';

describe('data/candidates: datasets in a workspace', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  before(async () => (temp = await makeTempDir()));
  after(() => temp.cleanup());

  it('finds image folders, manifests, tables, IDX and NPY files; skips tool folders and deep paths', async () => {
    const root = temp.dir;
    const files: Record<string, string> = {
      'data/pets/cat/1.png': 'x',
      'data/pets/dog/2.jpg': 'x',
      'data/pets/dog/deeper/3.png': 'x',
      'data/one-class/only/1.png': 'x',
      'data/manifest.csv': 'path,label\na.png,x\n',
      'data/rows.jsonl': '{"text": "hello", "label": "a"}\n',
      'data/results.csv': 'index,score\n1,0.5\n',
      'data/train-images-idx3-ubyte.gz': 'x',
      'data/train-labels-idx1-ubyte.gz': 'x',
      'arrays/images.npy': 'x',
      'arrays/labels.npy': 'x',
      'arrays/y_labels.npy': 'x',
      'node_modules/pkg/a/1.png': 'x',
      'node_modules/pkg/b/1.png': 'x',
      '.git/x.npy': 'x',
      '.margin/cache.npy': 'x',
      'dist/out.npy': 'x',
      'a/b/c/d/deep.npy': 'x',
      'a/b/c/d/e/too-deep.npy': 'x',
    };
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(root, path, '..'), { recursive: true });
      await writeFile(join(root, path), text);
    }
    const found = await listDatasetCandidates(root);
    assert.deepEqual(
      found,
      [
        'a/b/c/d/deep.npy',
        'arrays/images.npy',
        'data/manifest.csv',
        'data/pets',
        'data/rows.jsonl',
        'data/train-images-idx3-ubyte.gz',
      ].map((path) => join(root, path)),
    );
  });

  it('finds the known datasets among the test fixtures', async () => {
    const found = new Set(await listDatasetCandidates(FIXTURES));
    for (const path of [
      'fmnist/noisy',
      'fmnist/manifest.csv',
      'fmnist/manifest.tsv',
      'fmnist/manifest.jsonl',
      'fmnist/idx/t10k-images-idx3-ubyte',
      'fmnist/idx/t10k-images-idx3-ubyte.gz',
      'fmnist/npy/images.npy',
      'fmnist/npy/features.npy',
      'text/debian-packages.csv',
      'bad/broken-images',
    ]) {
      assert.ok(found.has(join(FIXTURES, path)), `${path} is a candidate`);
    }
    for (const path of [
      'fmnist/npy/labels.npy',
      'fmnist/noisy/Bag',
      'fmnist/reference/png',
      'fmnist/idx/t10k-labels-idx1-ubyte',
    ]) {
      assert.ok(!found.has(join(FIXTURES, path)), `${path} is not a candidate`);
    }
  });
});
