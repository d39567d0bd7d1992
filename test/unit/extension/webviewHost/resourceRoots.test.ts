import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { realFolder } from '../../../../src/extension/webviewHost/realFolder';
import {
  checkGrantable,
  grantResourceRoots,
  refusedRootsMessage,
} from '../../../../src/extension/webviewHost/resourceRoots';

/** Made-up paths with no link on them: each is its own real path. */
const policy = {
  workspaceFolders: ['/home/u/project'],
  extensionAssets: ['/home/u/.vscode/extensions/margin-lens/media', '/home/u/.vscode/extensions/margin-lens/dist/webview'],
  marginFolders: ['/home/u/.config/Code/globalStorage/margin/.margin'],
  userGrants: [],
  realPath: (path: string) => path,
};

describe('extension/webviewHost/resourceRoots', () => {
  it('grants folders inside the workspace, the extension and .margin/', () => {
    const requested = [
      '/home/u/project/images',
      '/home/u/project',
      '/home/u/project/.margin/thumbnails',
      '/home/u/.vscode/extensions/margin-lens/media',
      '/home/u/.config/Code/globalStorage/margin/.margin/thumbnails',
    ];
    assert.deepEqual(grantResourceRoots(requested, policy), { granted: requested, refused: [] });
  });

  it('refuses the disk root, a parent of the workspace, a sibling folder and a relative path', () => {
    // The review's case: a cached dataset.source of "/" made the whole disk a root.
    const { granted, refused } = grantResourceRoots(
      ['/', '/home/u', '/home/u/project-other/images', '/root', 'images', '/home/u/project/images'],
      policy,
    );
    assert.deepEqual(granted, ['/home/u/project/images']);
    assert.deepEqual(refused, ['/', '/home/u', '/home/u/project-other/images', '/root', 'images']);
  });

  it('with no workspace folder, grants only the extension and .margin/', () => {
    const { granted, refused } = grantResourceRoots(['/data/images'], { ...policy, workspaceFolders: [] });
    assert.deepEqual(granted, []);
    assert.deepEqual(refused, ['/data/images']);
  });

  it('grants a folder the user allowed and its subfolders, not its parent or a name-prefix sibling', () => {
    const { granted, refused } = grantResourceRoots(
      ['/data/images', '/data/images/cat', '/data/images/cat/deep', '/data', '/data/images-extra', '/srv/x'],
      { ...policy, userGrants: ['/data/images'] },
    );
    assert.deepEqual(granted, ['/data/images', '/data/images/cat', '/data/images/cat/deep']);
    assert.deepEqual(refused, ['/data', '/data/images-extra', '/srv/x']);
  });

  it('names the refused folder in its message', () => {
    assert.match(refusedRootsMessage(['/data/images']), /\/data\/images is outside this workspace/);
    assert.match(refusedRootsMessage(['/a', '/b', '/c']), /\/a and 2 other folder/);
  });

  describe('on a real folder tree with symbolic links', () => {
    let dir: string;
    let workspace: string;
    let outside: string;
    before(async () => {
      // realpath: the temp folder may itself be behind a link (macOS /var -> /private/var).
      dir = await realpath(await mkdtemp(join(tmpdir(), 'margin-roots-')));
      workspace = join(dir, 'ws');
      outside = join(dir, 'outside');
      await mkdir(join(workspace, 'data', 'images'), { recursive: true });
      await mkdir(join(outside, 'images', 'cat'), { recursive: true });
      await mkdir(join(dir, 'outside-other'));
      // A link inside the workspace that leads out of it, and one that stays inside.
      await symlink(outside, join(workspace, 'elsewhere'));
      await symlink(join(workspace, 'data'), join(workspace, 'alias'));
      // The workspace opened through a link to it.
      await symlink(workspace, join(dir, 'ws-link'));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    const realPolicy = (workspaceFolders: string[], userGrants: string[]) => ({
      workspaceFolders,
      extensionAssets: [join(dir, 'extension', 'media')],
      marginFolders: [],
      userGrants,
      realPath: realFolder,
    });

    it('resolves links, and keeps a missing tail as spelled on the real path of its parent', () => {
      assert.equal(realFolder(join(workspace, 'elsewhere')), outside);
      assert.equal(realFolder(join(workspace, 'elsewhere', 'images', 'cat')), join(outside, 'images', 'cat'));
      assert.equal(
        realFolder(join(workspace, 'elsewhere', 'not-yet', 'deeper')),
        join(outside, 'not-yet', 'deeper'),
      );
      // `..` after a link is the link target's parent, as the OS reads it, not the lexical one.
      assert.equal(
        realFolder(join(workspace, 'elsewhere') + '/../outside-other'),
        join(dir, 'outside-other'),
      );
      assert.equal(realFolder(workspace), workspace);
    });

    it('refuses a link inside the workspace that points outside, and its subfolders', () => {
      const requested = [join(workspace, 'elsewhere'), join(workspace, 'elsewhere', 'images')];
      const { granted, refused } = grantResourceRoots(requested, realPolicy([workspace], []));
      assert.deepEqual(granted, []);
      assert.deepEqual(refused, requested);
    });

    it('grants that link once its target is allowed, keeping the spelling the panel asked for', () => {
      const requested = [join(workspace, 'elsewhere', 'images'), join(dir, 'outside-other')];
      const { granted, refused } = grantResourceRoots(requested, realPolicy([workspace], [outside]));
      assert.deepEqual(granted, [join(workspace, 'elsewhere', 'images')]);
      assert.deepEqual(refused, [join(dir, 'outside-other')]);
    });

    it('grants a link that stays inside the workspace, and a workspace opened through a link', () => {
      const inside = [join(workspace, 'alias', 'images'), join(workspace, 'data', 'images')];
      assert.deepEqual(grantResourceRoots(inside, realPolicy([workspace], [])).refused, []);
      assert.deepEqual(grantResourceRoots(inside, realPolicy([join(dir, 'ws-link')], [])).refused, []);
      assert.deepEqual(
        grantResourceRoots([join(dir, 'ws-link', 'data')], realPolicy([workspace], [])).refused,
        [],
      );
    });
  });

  describe('checkGrantable', () => {
    let dir: string;
    const home = homedir();
    before(async () => {
      dir = await realpath(await mkdtemp(join(tmpdir(), 'margin-grantable-')));
      await mkdir(join(dir, 'images'));
      await symlink('/', join(dir, 'to-root'));
      await symlink(home, join(dir, 'to-home'));
      await symlink(join(dir, 'images'), join(dir, 'to-images'));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    const context = { realPath: realFolder, homeFolder: home };

    it('allows an ordinary folder, remembered by its real path', () => {
      assert.deepEqual(checkGrantable(join(dir, 'images'), context), {
        ok: true,
        folder: join(dir, 'images'),
      });
      assert.deepEqual(checkGrantable(join(dir, 'to-images'), context), {
        ok: true,
        folder: join(dir, 'images'),
      });
      assert.deepEqual(checkGrantable(join(home, 'datasets', 'mnist'), context), {
        ok: true,
        folder: join(realFolder(home), 'datasets', 'mnist'),
      });
    });

    it('never allows the root of the file system, even through a link', () => {
      for (const folder of ['/', join(dir, 'to-root')]) {
        const check = checkGrantable(folder, context);
        assert.equal(check.ok, false, folder);
        assert.match(!check.ok ? check.reason : '', /is the root of the file system/);
      }
      const viaLink = checkGrantable(join(dir, 'to-root'), context);
      assert.match(!viaLink.ok ? viaLink.reason : '', /to-root \(a link to \/\)/);
    });

    it('never allows the home folder, a link to it, or a folder that holds it', () => {
      for (const folder of [home, join(dir, 'to-home')]) {
        const check = checkGrantable(folder, context);
        assert.equal(check.ok, false, folder);
        assert.match(!check.ok ? check.reason : '', /is your home folder/);
      }
      // A home folder one level under the tree (the real one may be /root, right under /).
      const users = join(dir, 'users');
      const parent = checkGrantable(users, { realPath: realFolder, homeFolder: join(users, 'u') });
      assert.equal(parent.ok, false);
      assert.match(!parent.ok ? parent.reason : '', /holds your home folder/);
      assert.equal(
        checkGrantable(join(users, 'u', 'data'), { realPath: realFolder, homeFolder: join(users, 'u') }).ok,
        true,
      );
    });

    it('refuses a relative path', () => {
      assert.equal(checkGrantable('images', context).ok, false);
    });
  });
});
