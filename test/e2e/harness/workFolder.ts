/**
 * A fresh, self-contained profile for one code-server run: settings, caches,
 * temp files and the workspace all live under test/e2e/.work/, so a run never
 * reads or writes the user's own VS Code state.
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { artifactsDir, fixtureDir, workRoot, workspaceEntries } from './paths';

export interface WorkFolder {
  /** Parent of everything below except the workspace and artifacts. */
  profile: string;
  workspace: string;
  xdgConfigHome: string;
  xdgDataHome: string;
  tmpDir: string;
  userDataDir: string;
  extensionsDir: string;
  configFile: string;
  /** Holds the code-server process-group id while it runs; run.sh's trap reads it. */
  pidFile: string;
  artifacts: string;
}

/** User settings that keep the workbench quiet and offline, so the tests see only our UI. */
const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  // The workspace sits inside the project's git clone; keep git out of the way.
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'chat.commandCenter.enabled': false,
  // The first round of screenshots is dark; the UI test switches to light for the second.
  'workbench.colorTheme': 'Default Dark Modern',
};

/** Files of the example that say what the right answers are. */
const ANSWER_KEYS = ['flipped.csv', 'truth.csv'];

export async function prepareWorkFolder(): Promise<WorkFolder> {
  const profile = join(workRoot, 'profile');
  const work: WorkFolder = {
    profile,
    workspace: join(workRoot, 'workspace'),
    xdgConfigHome: join(profile, 'xdg-config'),
    xdgDataHome: join(profile, 'xdg-data'),
    tmpDir: join(profile, 'tmp'),
    userDataDir: join(profile, 'user-data'),
    extensionsDir: join(profile, 'extensions'),
    configFile: join(profile, 'code-server.yaml'),
    pidFile: join(workRoot, 'code-server.pid'),
    artifacts: artifactsDir,
  };
  // Each part starts from scratch: no cached results, no restored editors.
  await rm(profile, { recursive: true, force: true });
  await rm(work.workspace, { recursive: true, force: true });
  for (const dir of [
    work.xdgConfigHome,
    work.xdgDataHome,
    work.tmpDir,
    work.extensionsDir,
    work.workspace,
    work.artifacts,
  ]) {
    await mkdir(dir, { recursive: true });
  }
  await mkdir(join(work.userDataDir, 'User'), { recursive: true });
  await writeFile(join(work.userDataDir, 'User/settings.json'), JSON.stringify(userSettings, null, 2));
  // The flags say everything; the file only stops code-server from writing a default one with a password.
  await writeFile(work.configFile, 'auth: none\ncert: false\n');

  for (const entry of workspaceEntries) {
    const source = join(fixtureDir, entry);
    if (!existsSync(source)) throw new Error(`fixture missing: ${source}`);
    // Answer keys stay out: the user's workspace would not have them (the tests read them from examples/).
    await cp(source, join(work.workspace, entry), {
      recursive: true,
      filter: (path) => !ANSWER_KEYS.includes(basename(path)),
    });
  }
  return work;
}
