import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..');
export const fixtures = join(repoRoot, 'test', 'fixtures');
export const cliPath = join(repoRoot, 'dist', 'cli.js');

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (`npm run build` first) in a fresh temporary working folder. */
export function runCli(args: string[], cwd = freshDir()): CliRun {
  const run = spawnSync(process.execPath, [cliPath, ...args], { cwd, encoding: 'utf8', timeout: 300_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

let runFolder: string | undefined;

/** A new empty folder inside this test run's temporary folder, which is removed when the run ends. */
export function freshDir(prefix = 'margin-test-'): string {
  if (!runFolder) {
    const folder = mkdtempSync(join(tmpdir(), 'margin-integration-'));
    runFolder = folder;
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
  }
  return mkdtempSync(join(runFolder, prefix));
}

export { flippedIds, readCsv } from '../support/truthFiles';
