import type { ScanResult } from '../protocol/engine';

/** The top rows of a scan as an aligned plain-text table. */
export function formatTopTable(result: ScanResult, top: number): string {
  const rows = result.samples.slice(0, top).map((sample) => [
    String(sample.rank),
    sample.score.toFixed(3),
    sample.label ?? '',
    sample.suggested ?? '',
    sample.predicted ?? '',
    sample.id,
  ]);
  const header = ['rank', 'score', 'given', 'suggested', 'predicted', 'sample'];
  const hasPredicted = result.samples.some((sample) => sample.predicted !== undefined);
  const columns = hasPredicted ? [0, 1, 2, 3, 4, 5] : [0, 1, 2, 3, 5];
  const table = [header, ...rows].map((row) => columns.map((column) => row[column]));
  const widths = columns.map((_, c) => Math.max(...table.map((row) => row[c].length)));
  return table.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')).join('\n');
}
