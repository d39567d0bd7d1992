import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';

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

export function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
}

/** Ids of the samples whose label the fixture script flipped. */
export function flippedIds(truthCsv: string): Set<string> {
  return new Set(readCsv(truthCsv).filter((row) => row.flipped === '1').map((row) => row.id));
}
