/**
 * MARGIN: Export Review as CSV: one row per decision (marked OK or
 * relabelled), the relabel list being the rows whose decision is `relabelled`
 * (given and new label side by side). Pure text, unit tested.
 */
import type { ReviewDecision } from './reviewStore';

export interface ExportRow {
  dataset: string;
  sampleId: string;
  decision: ReviewDecision;
  /** The sample's file, when known from the latest result. */
  path?: string;
  /** Whether the relabel is in the dataset now (false: undone since); undefined when not known or not a relabel. */
  applied?: boolean;
}

export const EXPORT_HEADER = [
  'dataset',
  'sample',
  'path',
  'decision',
  'given_label',
  'new_label',
  'applied',
  'decided_at',
];

export function reviewCsv(rows: readonly ExportRow[]): string {
  const sorted = [...rows].sort((a, b) => compare(a.dataset, b.dataset) || compare(a.sampleId, b.sampleId));
  const lines = [EXPORT_HEADER.join(',')];
  for (const row of sorted) {
    const { decision } = row;
    const relabel = decision.state === 'relabelled' ? decision : undefined;
    lines.push(
      [
        row.dataset,
        row.sampleId,
        row.path ?? '',
        decision.state,
        relabel?.from ?? '',
        relabel?.to ?? '',
        row.applied === undefined ? '' : row.applied ? 'yes' : 'no',
        decision.at,
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** RFC 4180 quoting; a leading =, +, - or @ is prefixed with ' so spreadsheets do not run it as a formula. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
