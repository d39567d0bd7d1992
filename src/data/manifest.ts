/** A CSV/TSV/JSONL manifest: one row per image, a path column and a label column. */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { InputError } from '../core/errors';
import { FileImageSource } from './fileImages';
import { isImageFileName, mapLimited } from './files';
import {
  findColumn,
  LABEL_COLUMN_NAMES,
  listColumns,
  PATH_COLUMN_NAMES,
  requireColumn,
  tableOrigin,
  type Table,
} from './table';
import type { Dataset, OpenDatasetOptions, Sample } from './types';

/** Files stat'ed at once while checking a manifest. */
const STAT_CONCURRENCY = 64;

/**
 * The path column of a table, or -1 when it is not a manifest: the column the
 * user named, else the first column with a usual name whose values name image files.
 */
export function manifestPathColumn(table: Table, options: OpenDatasetOptions): number {
  if (options.pathColumn) return requireColumn(table, options.pathColumn, '--path-column');
  const column = findColumn(table.columns, PATH_COLUMN_NAMES);
  if (column < 0) return -1;
  return table.rows.some((row) => isImageFileName(row[column].trim())) ? column : -1;
}

/**
 * Rows whose file is missing (or not an image) stay in the dataset, at their
 * index, and are listed in `skipped`; reading them throws the same problem.
 * If no row names an existing image, the manifest is refused.
 */
export async function openManifest(
  table: Table,
  pathColumn: number,
  options: OpenDatasetOptions,
): Promise<Dataset> {
  const labelColumn = manifestLabelColumn(table, options);
  const base = dirname(table.file);
  const samples: Sample[] = [];
  const labels: (string | undefined)[] = [];
  const files: string[] = [];
  table.rows.forEach((row, index) => {
    const written = row[pathColumn].trim();
    const path = isAbsolute(written) ? written : resolve(base, written);
    samples.push({ id: written, path, line: table.firstLines[index] });
    files.push(path);
    labels.push(labelColumn >= 0 ? row[labelColumn].trim() || undefined : undefined);
  });
  if (samples.length === 0) throw new InputError(table.file, 'lists no images: it has a header but no rows');
  const problems = await mapLimited(table.rows, STAT_CONCURRENCY, (row, index) =>
    rowProblem(row[pathColumn].trim(), files[index]),
  );
  const skipped = problems.flatMap((problem, index) =>
    problem ? [{ index, file: files[index], problem }] : [],
  );
  if (skipped.length === samples.length) {
    const example = skipped[0];
    throw new InputError(
      table.file,
      `names no readable image: all ${skipped.length} rows were skipped (row 1: ${example.file}: ${example.problem}); ` +
        `paths are read relative to the manifest's folder ${base}`,
    );
  }
  return {
    kind: 'manifest',
    source: table.file,
    samples,
    labels,
    images: new FileImageSource(files),
    skipped,
    table: tableOrigin(table, labelColumn),
  };
}

function manifestLabelColumn(table: Table, options: OpenDatasetOptions): number {
  if (options.labelColumn) return requireColumn(table, options.labelColumn, '--label-column');
  const column = findColumn(table.columns, LABEL_COLUMN_NAMES);
  // Labels given separately (--labels), or a task that does without them, make the column unnecessary.
  if (column < 0 && !options.labelsPath && !options.labelsOptional) {
    throw new InputError(
      table.file,
      `has no label column (its columns are: ${listColumns(table.columns)}); ` +
        `name it with --label-column, or give the labels with --labels`,
    );
  }
  return column;
}

async function rowProblem(written: string, path: string): Promise<string | undefined> {
  if (written === '') return 'has no path';
  if (!isImageFileName(written)) return 'is not an image file (expected .png, .jpg, .jpeg or .webp)';
  try {
    return (await stat(path)).isFile() ? undefined : 'is not a file';
  } catch {
    return 'file not found';
  }
}
