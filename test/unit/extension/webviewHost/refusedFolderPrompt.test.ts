import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { realFolder } from '../../../../src/extension/webviewHost/realFolder';
import {
  ADD_TO_WORKSPACE,
  RefusedFolderPrompt,
  SHOW_IMAGES,
  type PromptPort,
} from '../../../../src/extension/webviewHost/refusedFolderPrompt';
import { GRANTS_KEY, ThumbnailGrants } from '../../../../src/extension/webviewHost/thumbnailGrants';
import { JsonMemento } from './jsonMemento';

/**
 * The window as a recording port (the e2e host cannot click a notification):
 * each warning waits until the test answers it, as a user would.
 */
function recordingWindow(trusted = true) {
  const warnings: { message: string; actions: string[]; answer: (pick: string | undefined) => void }[] = [];
  const added: string[] = [];
  const port: PromptPort = {
    warn: (message, ...actions) =>
      new Promise((resolve) => warnings.push({ message, actions, answer: resolve })),
    addToWorkspace: (folder) => {
      added.push(folder);
      return true;
    },
    isTrusted: () => trusted,
  };
  return { port, warnings, added };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('extension/webviewHost/refusedFolderPrompt', () => {
  let dir: string;
  let dataset: string;
  before(async () => {
    dir = await realpath(await mkdtemp(join(tmpdir(), 'margin-prompt-')));
    dataset = join(dir, 'datasets', 'mnist');
    await mkdir(dataset, { recursive: true });
    await mkdir(join(dir, 'ws'));
    await symlink(dataset, join(dir, 'ws', 'mnist-link'));
    await symlink('/', join(dir, 'ws', 'disk'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const setup = (trusted = true) => {
    const store = new JsonMemento();
    const grants = new ThumbnailGrants(store, {
      realPath: realFolder,
      homeFolder: homedir(),
      isTrusted: () => trusted,
    });
    const window = recordingWindow(trusted);
    return { store, grants, window, prompt: new RefusedFolderPrompt(grants, window.port) };
  };

  it('offers both choices once per folder, however many renders and panels ask meanwhile', async () => {
    const { prompt, window } = setup();
    const other = join(dir, 'datasets', 'other');
    void prompt.ask([dataset, dataset]);
    void prompt.ask([dataset, other]);
    await settle();
    assert.deepEqual(
      window.warnings.map((warning) => warning.actions),
      [
        [SHOW_IMAGES, ADD_TO_WORKSPACE],
        [SHOW_IMAGES, ADD_TO_WORKSPACE],
      ],
    );
    assert.match(window.warnings[0].message, new RegExp(`${dataset} is outside this workspace`));
    assert.match(window.warnings[1].message, new RegExp(`${other} is outside this workspace`));
  });

  it('Show Images From This Folder allows the folder for the workspace', async () => {
    const { prompt, window, store, grants } = setup();
    let changes = 0;
    grants.onDidChange(() => changes++);
    const asked = prompt.ask([join(dir, 'ws', 'mnist-link')]);
    await settle();
    assert.match(window.warnings[0].message, /mnist-link \(a link to .*datasets\/mnist\)/);
    window.warnings[0].answer(SHOW_IMAGES);
    await asked;
    assert.deepEqual(store.get(GRANTS_KEY), [dataset]);
    assert.equal(changes, 1);
  });

  it('Add Folder to Workspace adds the real folder and allows nothing', async () => {
    const { prompt, window, store } = setup();
    const asked = prompt.ask([join(dir, 'ws', 'mnist-link')]);
    await settle();
    window.warnings[0].answer(ADD_TO_WORKSPACE);
    await asked;
    assert.deepEqual(window.added, [dataset]);
    assert.equal(store.get(GRANTS_KEY), undefined);
  });

  it('does not ask again in this session about a folder the user dismissed', async () => {
    const { prompt, window, store } = setup();
    const asked = prompt.ask([dataset]);
    await settle();
    window.warnings[0].answer(undefined);
    await asked;
    await prompt.ask([dataset]);
    await settle();
    assert.equal(window.warnings.length, 1);
    assert.equal(store.get(GRANTS_KEY), undefined);
  });

  it('explains once, with no button, why the disk root or the home folder cannot be shown', async () => {
    const { prompt, window } = setup();
    const asked = prompt.ask(['/', join(dir, 'ws', 'disk'), homedir()]);
    await settle();
    assert.equal(window.warnings.length, 3);
    for (const warning of window.warnings) {
      assert.deepEqual(warning.actions, []);
      warning.answer(undefined);
    }
    assert.match(window.warnings[0].message, /no thumbnails from \/: \/ is the root of the file system/);
    assert.match(window.warnings[1].message, /disk \(a link to \/\) is the root of the file system/);
    assert.match(window.warnings[2].message, /is your home folder/);
    await asked;
    await prompt.ask(['/', homedir()]);
    assert.equal(window.warnings.length, 3);
  });

  it('in Restricted Mode offers only Add Folder to Workspace, and says why', async () => {
    const { prompt, window } = setup(false);
    void prompt.ask([dataset]);
    await settle();
    assert.deepEqual(window.warnings[0].actions, [ADD_TO_WORKSPACE]);
    assert.match(window.warnings[0].message, /off in Restricted Mode/);
  });
});
