/** A table of numeric feature columns and a label column: the graph is built on the features. */
import { InputError } from '../core/errors';
import { findColumn, LABEL_COLUMN_NAMES, listColumns, requireColumn, type Table } from './table';
import type { Dataset, OpenDatasetOptions } from './types';

/** Strict decimal number syntax (no hex, no empty string, no "Infinity"), as a CSV writer prints floats. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function labelColumnOf(table: Table, options: OpenDatasetOptions): number {
  if (options.labelColumn) return requireColumn(table, options.labelColumn, '--label-column');
  return findColumn(table.columns, LABEL_COLUMN_NAMES);
}

/**
 * Feature columns: the ones the user named, else every column but the label
 * whose cells are mostly numbers (an `id` or `name` column is left out). A
 * non-numeric cell in a feature column is an error naming its row and column.
 */
export function openTabular(table: Table, options: OpenDatasetOptions): Dataset {
  const labelColumn = labelColumnOf(table, options);
  const featureColumns = options.featureColumns?.length
    ? options.featureColumns.map((name) => requireColumn(table, name, '--features'))
    : table.columns
        .map((_, column) => column)
        .filter((column) => column !== labelColumn && mostlyNumeric(table, column));
  if (table.rows.length === 0) throw new InputError(table.file, 'has a header but no rows');
  if (featureColumns.length === 0) {
    throw new InputError(
      table.file,
      `has no numeric feature columns (its columns are: ${listColumns(table.columns)}); ` +
        `a text column is read with --text-column, image paths with --path-column`,
    );
  }
  const rows = table.rows.length;
  const dim = featureColumns.length;
  const data = new Float32Array(rows * dim);
  table.rows.forEach((row, r) => {
    featureColumns.forEach((column, c) => {
      const cell = row[column].trim();
      if (!NUMBER.test(cell)) {
        const what = cell === '' ? 'is empty' : `holds ${JSON.stringify(cell)}, which is not a number`;
        throw new InputError(
          table.file,
          `row ${r + 1} (line ${table.lines[r]}), column "${table.columns[column]}" ${what}`,
        );
      }
      data[r * dim + c] = Number(cell);
    });
  });
  const labels = table.rows.map((row) =>
    labelColumn >= 0 ? row[labelColumn].trim() || undefined : undefined,
  );
  return {
    kind: 'tabular',
    source: table.file,
    samples: table.rows.map((_, index) => ({ id: `#${index}` })),
    labels,
    features: { rows, dim, data },
    skipped: [],
  };
}

function mostlyNumeric(table: Table, column: number): boolean {
  let numeric = 0;
  for (const row of table.rows) if (NUMBER.test(row[column].trim())) numeric++;
  return numeric > table.rows.length / 2;
}
