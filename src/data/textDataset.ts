/** A table with a text column (and usually a label column): featurized by bag of words + PCA. */
import { InputError } from '../core/errors';
import { labelColumnOf } from './tabular';
import { findColumn, requireColumn, tableOrigin, TEXT_COLUMN_NAMES, type Table } from './table';
import { featurizeText } from './text';
import type { Dataset, FeaturizeOptions, OpenDatasetOptions } from './types';

/** The text column the user named, else a column named `text`, else -1. */
export function textColumnOf(table: Table, options: OpenDatasetOptions): number {
  if (options.textColumn) return requireColumn(table, options.textColumn, '--text-column');
  return findColumn(table.columns, TEXT_COLUMN_NAMES);
}

export async function openTextDataset(
  table: Table,
  textColumn: number,
  options: OpenDatasetOptions,
  featurize: FeaturizeOptions = {},
): Promise<Dataset> {
  if (table.rows.length === 0) throw new InputError(table.file, 'has a header but no rows');
  const labelColumn = labelColumnOf(table, options);
  const texts = table.rows.map((row) => row[textColumn]);
  const { features } = await featurizeText(texts, { ...featurize, file: featurize.file ?? table.file });
  return {
    kind: 'text',
    source: table.file,
    samples: texts.map((text, index) => ({ id: `#${index}`, text, line: table.firstLines[index] })),
    labels: table.rows.map((row) => (labelColumn >= 0 ? row[labelColumn].trim() || undefined : undefined)),
    features,
    skipped: [],
    table: tableOrigin(table, labelColumn),
  };
}
