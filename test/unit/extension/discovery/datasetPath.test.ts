import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSamplePath, datasetRoot, isInside } from '../../../../src/extension/discovery/datasetPath';

describe('extension/discovery/datasetPath', () => {
  let dir: string;
  let dataset: string;
  let secret: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'margin-paths-'));
    dataset = join(dir, 'dataset');
    await mkdir(join(dataset, 'cat'), { recursive: true });
    await writeFile(join(dataset, 'cat', 'a.png'), 'png');
    await mkdir(join(dir, 'private'));
    secret = join(dir, 'private', 'key.png');
    await writeFile(secret, 'secret');
    // A link inside the dataset that leads out of it, and one that stays inside.
    await symlink(secret, join(dataset, 'cat', 'leak.png'));
    await symlink(join(dataset, 'cat', 'a.png'), join(dataset, 'cat', 'alias.png'));
    await symlink(join(dir, 'private'), join(dataset, 'dog'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('tells inside from outside, with no prefix trap', () => {
    assert.equal(isInside('/data/images/a.png', '/data/images'), true);
    assert.equal(isInside('/data/images', '/data/images'), true);
    assert.equal(isInside('/data/images-extra/a.png', '/data/images'), false);
    assert.equal(isInside('/data/images/../secret.png', '/data/images'), false);
    assert.equal(isInside('/', '/data'), false);
  });

  it('takes the engine root, else the image folder, else the manifest folder', () => {
    assert.equal(datasetRoot({ kind: 'manifest', source: '/d/m.csv', root: '/d/imgs' }), '/d/imgs');
    assert.equal(datasetRoot({ kind: 'image-folder', source: '/d/images' }), '/d/images');
    assert.equal(datasetRoot({ kind: 'manifest', source: '/d/m.csv' }), '/d');
  });

  it('opens a file of the dataset, and a link that stays inside it', async () => {
    assert.deepEqual(await checkSamplePath(join(dataset, 'cat', 'a.png'), dataset), {
      ok: true,
      path: join(dataset, 'cat', 'a.png'),
    });
    assert.equal((await checkSamplePath(join(dataset, 'cat', 'alias.png'), dataset)).ok, true);
  });

  it('refuses a path outside the dataset, even spelled with ..', async () => {
    const check = await checkSamplePath(join(dataset, '..', 'private', 'key.png'), dataset);
    assert.equal(check.ok, false);
    assert.equal(!check.ok && check.problem, 'outside');
    assert.equal((await checkSamplePath('relative/a.png', dataset)).ok, false);
  });

  it('reports a symbolic link (file or folder) that leaves the dataset, naming its target', async () => {
    for (const path of [join(dataset, 'cat', 'leak.png'), join(dataset, 'dog', 'key.png')]) {
      const check = await checkSamplePath(path, dataset);
      assert.equal(check.ok, false, path);
      assert.equal(!check.ok && check.problem, 'link-leaves-dataset');
      assert.ok(!check.ok && check.message.includes(secret), !check.ok ? check.message : '');
    }
  });

  it('says a missing file is missing', async () => {
    const check = await checkSamplePath(join(dataset, 'cat', 'gone.png'), dataset);
    assert.equal(!check.ok && check.problem, 'missing');
  });
});
