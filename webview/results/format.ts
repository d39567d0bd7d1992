/** Text shown in the results table and header. Pure. */
import type { ResultRow, ResultsPayload } from '../../src/protocol/webview';

/** Scores with three decimals; a non-finite score is shown as is rather than hidden. */
export function formatScore(score: number): string {
  return Number.isFinite(score) ? score.toFixed(3) : String(score);
}

export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : plural}`;
}

const DATASET_KINDS: Record<string, string> = {
  'image-folder': 'image folder',
  manifest: 'manifest',
  idx: 'IDX',
  npy: 'NumPy array',
  tabular: 'table',
  text: 'text table',
};

export function describeDataset(dataset: ResultsPayload['dataset']): string {
  const kind = DATASET_KINDS[dataset.kind] ?? dataset.kind;
  const classes = dataset.labelNames.length
    ? ` · ${formatCount(dataset.labelNames.length, 'class', 'classes')}`
    : '';
  return `${kind}${classes}`;
}

/** A row whose neighbours mostly carry another label: the reason it ranks high. */
export function isDisagreement(row: ResultRow): boolean {
  return row.suggested !== undefined && row.label !== undefined && row.suggested !== row.label;
}

export function formatMetric(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  return Math.abs(value) >= 100 ? value.toFixed(1) : value.toPrecision(4);
}
