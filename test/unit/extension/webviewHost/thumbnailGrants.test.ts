import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, realpath, rm, symlink } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { realFolder } from '../../../../src/extension/webviewHost/realFolder';
import { grantResourceRoots } from '../../../../src/extension/webviewHost/resourceRoots';
import {
  FORGET_THUMBNAIL_FOLDERS_COMMAND,
  GRANTS_KEY,
  ThumbnailGrants,
  type GrantStore,
} from '../../../../src/extension/webviewHost/thumbnailGrants';
import { JsonMemento } from './jsonMemento';

describe('extension/webviewHost/thumbnailGrants', () => {
  let dir: string;
  let workspace: string;
  let dataset: string;
  let trusted: boolean;
  before(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'margin-grants-')));
    workspace = join(dir, 'ws');
    dataset = join(dir, 'datasets', 'mnist');
    await mkdir(workspace);
    await mkdir(join(dataset, 'images'), { recursive: true });
    await symlink(dataset, join(workspace, 'mnist-link'));
  });
  after(() => rm(dir, { recursive: true, force: true }));
  beforeEach(() => {
    trusted = true;
  });

  const host = (store: GrantStore) =>
    new ThumbnailGrants(store, { realPath: realFolder, homeFolder: homedir(), isTrusted: () => trusted });
  const policy = (grants: ThumbnailGrants) => ({
    workspaceFolders: [workspace],
    extensionAssets: [join(dir, 'extension', 'media')],
    marginFolders: [],
    userGrants: grants.folders(),
    realPath: realFolder,
  });

  it('remembers a grant in the store, and a new host (a restart) reads it back', async () => {
    const store = new JsonMemento();
    const first = host(store);
    const requested = [join(dataset, 'images'), join(workspace, 'mnist-link', 'images')];
    assert.deepEqual(grantResourceRoots(requested, policy(first)).granted, []);

    assert.deepEqual(await first.grant(dataset), { ok: true, folder: dataset });
    assert.deepEqual(store.get(GRANTS_KEY), [dataset]);

    const second = host(store);
    assert.deepEqual(second.folders(), [dataset]);
    assert.deepEqual(grantResourceRoots(requested, policy(second)), { granted: requested, refused: [] });
  });

  it('remembers the real path of a folder granted through a link, once', async () => {
    const store = new JsonMemento();
    const grants = host(store);
    let changes = 0;
    grants.onDidChange(() => changes++);
    assert.deepEqual(await grants.grant(join(workspace, 'mnist-link')), { ok: true, folder: dataset });
    assert.deepEqual(await grants.grant(dataset), { ok: true, folder: dataset });
    assert.deepEqual(store.get(GRANTS_KEY), [dataset]);
    assert.equal(changes, 1);
  });

  it('refuses to grant / or the home folder, and stores nothing', async () => {
    const store = new JsonMemento();
    const grants = host(store);
    for (const folder of ['/', homedir()]) {
      const result = await grants.grant(folder);
      assert.equal(result.ok, false, folder);
    }
    assert.equal(store.get(GRANTS_KEY), undefined);
  });

  it('grants nothing and applies no grant in Restricted Mode', async () => {
    const store = new JsonMemento();
    const grants = host(store);
    await grants.grant(dataset);
    trusted = false;
    assert.deepEqual(grants.folders(), []);
    assert.deepEqual(grantResourceRoots([join(dataset, 'images')], policy(grants)).refused, [
      join(dataset, 'images'),
    ]);
    const other = join(dir, 'datasets');
    const result = await grants.grant(other);
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : '', /off in Restricted Mode/);
    assert.deepEqual(store.get(GRANTS_KEY), [dataset]);
  });

  it('drops a stored entry that is not a real, grantable folder (edited storage, or a folder now a link)', async () => {
    const store = new JsonMemento();
    const moved = join(dir, 'moved');
    await mkdir(moved);
    await store.update(GRANTS_KEY, ['/', homedir(), 42, join(workspace, 'mnist-link'), moved]);
    const grants = host(store);
    assert.deepEqual(grants.folders(), [moved]);
    // The allowed folder replaced by a link to the home folder stops being a grant.
    await rm(moved, { recursive: true });
    await symlink(homedir(), moved);
    assert.deepEqual(grants.folders(), []);
  });

  it('forgets every grant, says how many, and tells the panels', async () => {
    const store = new JsonMemento();
    const grants = host(store);
    await grants.grant(dataset);
    await grants.grant(join(dir, 'datasets'));
    let changes = 0;
    grants.onDidChange(() => changes++);
    assert.equal(await grants.forget(), 2);
    assert.equal(changes, 1);
    assert.deepEqual(host(store).folders(), []);
    assert.equal(await grants.forget(), 0);
    assert.equal(changes, 1);
  });

  it('is forgotten by a command the manifest declares in the MARGIN category', async () => {
    const manifest = JSON.parse(await readFile(join(__dirname, '../../../../package.json'), 'utf8')) as {
      contributes: { commands: { command: string; title: string; category: string }[] };
      activationEvents?: string[];
    };
    const entry = manifest.contributes.commands.find((c) => c.command === FORGET_THUMBNAIL_FOLDERS_COMMAND);
    assert.deepEqual(entry, {
      command: 'margin.forgetThumbnailFolders',
      title: 'Forget Folders Allowed for Thumbnails',
      category: 'MARGIN',
    });
    // No activation list: VS Code activates on any contributed command.
    assert.equal(manifest.activationEvents, undefined);
  });
});
