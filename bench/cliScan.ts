/**
 * One `margin scan` in a fresh process (the built `dist/cli.js`), no cache,
 * with its wall time and its own peak RSS (VmHWM, test/support/peakRss.ts
 * at exit, printed by a probe loaded with -r), so that a bench's figures are
 * the scan's, not the bench's.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readPeakRss, writePeakRssProbe } from '../test/support/peakRss';

const repoRoot = resolve(__dirname, '..');

export interface ChildScan<T> {
  result: T;
  seconds: number;
  peakMiB: number;
}

/** Runs `margin scan ARGS --no-cache --quiet --out <work>/<name>.json`; throws with its stderr when it fails. */
export function scanInChild<T>(name: string, args: string[], work: string): ChildScan<T> {
  const probe = writePeakRssProbe(work);
  const out = join(work, `${name}.json`);
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    ['-r', probe, join(repoRoot, 'dist', 'cli.js'), 'scan', ...args, '--no-cache', '--quiet', '--out', out],
    { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 },
  );
  const seconds = (performance.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`${name} failed:\n${run.stderr}`);
  const peakMiB = readPeakRss(run.stderr)?.peakMiB ?? NaN;
  return { result: JSON.parse(readFileSync(out, 'utf8')) as T, seconds, peakMiB };
}
