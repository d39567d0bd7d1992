import assert from 'node:assert/strict';
import { grantResourceRoots, refusedRootsMessage } from '../../../../src/extension/webviewHost/resourceRoots';

const policy = {
  workspaceFolders: ['/home/u/project'],
  extensionFolder: '/home/u/.vscode/extensions/margin-lens',
  marginFolders: ['/home/u/.config/Code/globalStorage/margin/.margin'],
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

  it('refuses the disk root, a parent of the workspace and a sibling folder', () => {
    // The review's case: a cached dataset.source of "/" made the whole disk a root.
    const { granted, refused } = grantResourceRoots(
      ['/', '/home/u', '/home/u/project-other/images', '/root', '/home/u/project/images'],
      policy,
    );
    assert.deepEqual(granted, ['/home/u/project/images']);
    assert.deepEqual(refused, ['/', '/home/u', '/home/u/project-other/images', '/root']);
  });

  it('with no workspace folder, grants only the extension and .margin/', () => {
    const { granted, refused } = grantResourceRoots(['/data/images'], { ...policy, workspaceFolders: [] });
    assert.deepEqual(granted, []);
    assert.deepEqual(refused, ['/data/images']);
  });

  it('names the refused folder in its message', () => {
    assert.match(refusedRootsMessage(['/data/images']), /\/data\/images is outside this workspace/);
    assert.match(refusedRootsMessage(['/a', '/b', '/c']), /\/a and 2 other folder/);
  });
});
