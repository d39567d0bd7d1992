/** Text every panel shows the same way. Pure. */
import type { DatasetSummary } from '../../src/protocol/engine';

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

/** The dataset's kind and class count in a few words (its source is shown beside, in full). */
export function describeDataset(dataset: DatasetSummary): string {
  const kind = DATASET_KINDS[dataset.kind] ?? dataset.kind;
  const classes = dataset.labelNames.length
    ? ` · ${formatCount(dataset.labelNames.length, 'class', 'classes')}`
    : '';
  return `${kind}${classes}`;
}
