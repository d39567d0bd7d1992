import type { ColumnValue, ResultColumn, ScanResult } from '../protocol/engine';

/** A column value as the table prints it: numbers with three decimals, absent values empty. */
function cellText(value: ColumnValue, kind: ResultColumn['kind']): string {
  if (value === undefined) return '';
  if (typeof value === 'number' && kind === 'number')
    return Number.isFinite(value) ? value.toFixed(3) : String(value);
  return String(value);
}

/**
 * The top rows of a scan as an aligned plain-text table: rank, score, the
 * task's columns (those that have a value in some row), and the sample's id.
 */
export function formatTopTable(result: ScanResult, top: number): string {
  const shown = result.samples.slice(0, top);
  const columns = result.columns.filter((column) =>
    result.samples.some((sample) => sample[column.key] !== undefined),
  );
  const header = ['rank', 'score', ...columns.map((column) => column.key), 'sample'];
  const rows = shown.map((sample) => [
    String(sample.rank),
    cellText(sample.score, 'number'),
    ...columns.map((column) => cellText(sample[column.key], column.kind)),
    sample.id,
  ]);
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((row) => row[c].length)));
  return table
    .map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  '))
    .join('\n');
}
