/**
 * A table of numeric feature columns and a label column: the graph is built on
 * the features (standardised, see `standardizeColumns`), or a model with a
 * vector input `[N, D]` takes them (`TableColumns.select`).
 */
import { InputError } from '../core/errors';
import { findColumn, LABEL_COLUMN_NAMES, listColumns, requireColumn, tableOrigin, type Table } from './table';
import type { Dataset, FeatureMatrix, OpenDatasetOptions, TableColumns } from './types';

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
  const labels = table.rows.map((row) =>
    labelColumn >= 0 ? row[labelColumn].trim() || undefined : undefined,
  );
  const columns: TableColumns = {
    all: table.columns,
    features: featureColumns.map((column) => table.columns[column]),
    label: labelColumn >= 0 ? table.columns[labelColumn] : undefined,
    select: (names) =>
      numericColumns(
        table,
        names.map((name) => table.columns.indexOf(name)),
      ),
  };
  return {
    kind: 'tabular',
    source: table.file,
    samples: table.rows.map((_, index) => ({ id: `#${index}`, line: table.firstLines[index] })),
    labels,
    features: numericColumns(table, featureColumns),
    columns,
    skipped: [],
    table: tableOrigin(table, labelColumn),
  };
}

/** The cells of `columns` (indices into the table's columns) as a float matrix; a cell that is not a number is an error naming it. */
function numericColumns(table: Table, columns: number[]): FeatureMatrix {
  const rows = table.rows.length;
  const dim = columns.length;
  const data = new Float32Array(rows * dim);
  table.rows.forEach((row, r) => {
    columns.forEach((column, c) => {
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
  return { rows, dim, data };
}

/** What `standardizeColumns` did: the z-scored matrix and the columns it left at 0 because they were constant. */
export interface Standardized {
  matrix: FeatureMatrix;
  /** Indices of the constant columns (every value 0 after centring). */
  constantColumns: number[];
}

/**
 * Column-wise z-scores, as scikit-learn's StandardScaler computes them, so that
 * a column in thousands (wine's proline) does not decide every distance alone:
 * x' = (x − mean) / sd, with the population sd (ddof 0), in float64. A column
 * that is constant up to rounding (sklearn's test: var ≤ n·ε·var + (n·mean·ε)²)
 * keeps scale 1 there, so it becomes 0 and adds nothing to any distance.
 */
export function standardizeColumns(matrix: FeatureMatrix): Standardized {
  const { rows, dim, data } = matrix;
  const mean = new Float64Array(dim);
  const variance = new Float64Array(dim);
  for (let r = 0; r < rows; r++) for (let c = 0; c < dim; c++) mean[c] += data[r * dim + c];
  for (let c = 0; c < dim; c++) mean[c] /= Math.max(rows, 1);
  // Two passes: the sum of squared deviations does not cancel catastrophically.
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < dim; c++) {
      const deviation = data[r * dim + c] - mean[c];
      variance[c] += deviation * deviation;
    }
  }
  const scale = new Float64Array(dim);
  const constantColumns: number[] = [];
  for (let c = 0; c < dim; c++) {
    variance[c] /= Math.max(rows, 1);
    const bound = rows * Number.EPSILON * variance[c] + (rows * mean[c] * Number.EPSILON) ** 2;
    const constant = variance[c] <= bound;
    if (constant) constantColumns.push(c);
    // 0 marks a constant column: written as exactly 0 (sklearn's x − mean is 0 up to rounding).
    scale[c] = constant ? 0 : Math.sqrt(variance[c]);
  }
  const out = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < dim; c++) out[r * dim + c] = scale[c] ? (data[r * dim + c] - mean[c]) / scale[c] : 0;
  }
  return { matrix: { rows, dim, data: out }, constantColumns };
}

function mostlyNumeric(table: Table, column: number): boolean {
  let numeric = 0;
  for (const row of table.rows) if (NUMBER.test(row[column].trim())) numeric++;
  return numeric > table.rows.length / 2;
}
