import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A `node -r` preload that prints the process's own peak RSS on exit, as
 * `peakRssKiB N` on stderr. It reads VmHWM from /proc/self/status: the peak of
 * this process image. getrusage's maxRSS (process.resourceUsage) is not: Linux
 * carries the forking parent's peak across exec, so a child of a large parent
 * (a mocha run, a bench that has loaded a dataset) would report the parent's.
 */
export function writePeakRssProbe(dir: string): string {
  const probe = join(dir, 'peak-rss.cjs');
  writeFileSync(
    probe,
    [
      "process.on('exit', () => {",
      '  let peak;',
      "  try { peak = /VmHWM:\\s+(\\d+) kB/.exec(require('node:fs').readFileSync('/proc/self/status', 'utf8'))?.[1]; } catch {}",
      '  process.stderr.write(`peakRssKiB ${peak ?? process.resourceUsage().maxRSS}\\n`);',
      '});',
      '',
    ].join('\n'),
  );
  return probe;
}

/** The peak (MiB) the probe printed, and the stderr before it. */
export function readPeakRss(stderr: string): { peakMiB: number; stderr: string } | undefined {
  const found = /peakRssKiB (\d+)\n$/.exec(stderr);
  return found ? { peakMiB: Number(found[1]) / 1024, stderr: stderr.slice(0, found.index) } : undefined;
}
