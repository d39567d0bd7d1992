/** Text shown in the results table and header. Pure. */
import type { ColumnValue, ResultColumn } from '../../src/protocol/engine';
import type { ResultRow, ResultsPayload } from '../../src/protocol/resultsPanel';
import { describeDataset, formatCount } from '../shared/format';

/** Scores with three decimals; a non-finite score is shown as is rather than hidden. */
export function formatScore(score: number): string {
  return Number.isFinite(score) ? score.toFixed(3) : String(score);
}

/** The reference set in a few words (its source is shown beside, in full). */
export function describeReference(reference: NonNullable<ResultsPayload['reference']>): string {
  return `${formatCount(reference.count, 'sample')} · ${describeDataset(reference)}`;
}

/**
 * A column value as a cell shows it: numbers of `number` columns with three
 * decimals, absent values empty, a flag (a batch marker) as "yes" or nothing.
 */
export function formatValue(value: ColumnValue, kind: ResultColumn['kind']): string {
  if (value === undefined || value === false) return '';
  if (value === true) return 'yes';
  if (typeof value === 'number' && kind === 'number') return formatScore(value);
  return String(value);
}

/**
 * Whether a cell differs from the column it is contrasted with (a suggested
 * label that is not the given one: the reason the row ranks high).
 */
export function differsFromContrast(row: ResultRow, column: ResultColumn): boolean {
  if (!column.contrastWith) return false;
  const value = row.values[column.key];
  const other = row.values[column.contrastWith];
  return value !== undefined && other !== undefined && value !== other;
}

export function formatMetric(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(4);
}
