import type { JobContext } from '../engine/context';

/**
 * Progress on stderr: a live bar on a terminal, one line per stage otherwise
 * (CI logs and pipes should not fill with carriage returns).
 */
export function stderrContext(quiet: boolean, signal: AbortSignal): JobContext & { finish(): void } {
  const live = process.stderr.isTTY === true;
  let lastStage = '';
  let lastDrawn = 0;
  const clear = () => live && process.stderr.write('\r\x1b[K');
  return {
    signal,
    progress(stage, done, total) {
      if (quiet) return;
      if (!live) {
        if (stage !== lastStage) process.stderr.write(`${stage}…\n`);
        lastStage = stage;
        return;
      }
      const now = Date.now();
      if (stage === lastStage && now - lastDrawn < 80 && done < total) return;
      lastStage = stage;
      lastDrawn = now;
      const fraction = total > 0 ? Math.min(done / total, 1) : 0;
      const width = 24;
      const filled = Math.round(fraction * width);
      process.stderr.write(
        `\r\x1b[K${stage} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(fraction * 100).toFixed(0)}% (${done}/${total})`,
      );
    },
    log(level, message) {
      if (quiet && level === 'info') return;
      clear();
      process.stderr.write(`${level === 'info' ? '' : `${level}: `}${message}\n`);
    },
    finish: clear,
  };
}
