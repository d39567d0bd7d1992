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
  const lines = table.map((row) =>
    row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]))).join('  '),
  );
  return withCutoff(lines, result, shown.length).join('\n');
}

/**
 * Where the task's estimate of how many samples are issues ends
 * (`metrics.estimatedIssues`, e.g. wrong labels): a line under that rank when
 * it is among the rows shown, else one line after the table saying so.
 */
function withCutoff(lines: string[], result: ScanResult, shown: number): string[] {
  const estimate = result.metrics?.estimatedIssues;
  if (estimate === undefined || !Number.isFinite(estimate)) return lines;
  const count = Math.max(0, Math.round(estimate));
  const share = result.samples.length
    ? ` of ${result.samples.length} (${((100 * count) / result.samples.length).toFixed(1)}%)`
    : '';
  if (count > 0 && count < shown) {
    const width = Math.max(...lines.map((line) => line.length));
    const label = ` estimated issues: ${count}${share} above this line `;
    return [
      ...lines.slice(0, count + 1),
      label.padStart(label.length + 2, '-').padEnd(width, '-'),
      ...lines.slice(count + 1),
    ];
  }
  return [
    ...lines,
    `estimated issues: ${count}${share}${count >= shown && count > 0 ? `, ranks 1–${count}` : ''}`,
  ];
}
