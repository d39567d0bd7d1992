/**
 * The CLI's ranking of a dataset, run in a separate process without cache: the
 * independent reference both e2e parts compare the extension's results with.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScanResult } from '../../src/protocol/engine';

export function cliScan(cliPath: string, data: string, model: string, outDir: string): ScanResult {
  const out = join(outDir, 'cli.json');
  const run = spawnSync(
    process.execPath,
    [cliPath, 'scan', '--task', 'labels', '--data', data, '--model', model, '--no-cache', '--out', out],
    // In desktop VS Code the extension host's execPath is Electron: ask it to act as Node.
    { cwd: outDir, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } },
  );
  assert.equal(run.status, 0, `CLI failed:\n${run.stderr}`);
  return JSON.parse(readFileSync(out, 'utf8')) as ScanResult;
}
