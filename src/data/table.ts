/** Reads CSV, TSV and JSONL files into one shape: a header and rows of string cells. */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { extname } from 'node:path';
import { parse } from 'csv-parse';
import { InputError } from '../core/errors';
import { describeFsError, statOrThrow } from './files';
import { LineBreaks } from './lineBreaks';
import { formatBytes, MAX_TABLE_BYTES } from './limits';

export interface Table {
  file: string;
  columns: string[];
  /** One array of cells per data row, `columns.length` long; a missing JSONL key is ''. */
  rows: string[][];
  /** 1-based line of the file where each row ends (its only line unless a quoted cell spans lines), for messages. */
  lines: number[];
  /** 1-based line of the file where each row starts: where an editor shows the row (blank lines and the header counted). */
  firstLines: number[];
}

export interface ReadTableOptions {
  /**
   * Keep every empty line as a row of empty cells (a labels file: in a
   * one-column CSV an unlabelled sample is an empty line, at the end too; the
   * count is checked against the dataset's). Default: empty lines are skipped.
   */
  keepEmptyLines?: boolean;
}

export async function readTable(file: string, options: ReadTableOptions = {}): Promise<Table> {
  const info = await statOrThrow(file);
  if (info.size > MAX_TABLE_BYTES) {
    throw new InputError(
      file,
      `is too large: ${formatBytes(info.size)} (tables up to ${formatBytes(MAX_TABLE_BYTES)} are read); convert it to .npy`,
    );
  }
  return extname(file).toLowerCase() === '.jsonl'
    ? readJsonLines(file)
    : readDelimited(file, options.keepEmptyLines ?? false);
}

async function readDelimited(file: string, keepEmptyLines: boolean): Promise<Table> {
  const delimiter = extname(file).toLowerCase() === '.tsv' ? '\t' : ',';
  const source = createReadStream(file);
  const parser = parse({
    delimiter,
    bom: true,
    skip_empty_lines: !keepEmptyLines,
    // An empty line is one empty field, whatever the header's width.
    relax_column_count: keepEmptyLines,
    info: true,
  });
  // pipe() does not forward read errors; without this a failed read would hang the loop.
  source.on('error', (error) => parser.destroy(error));
  // Rows are placed on lines from byte offsets (see LineBreaks for why not csv-parse's count).
  const breaks = new LineBreaks();
  source.on('data', (chunk) => breaks.add(chunk as Buffer));
  source.pipe(parser);
  let columns: string[] | undefined;
  let headerEnd = 0;
  const rows: string[][] = [];
  /** Byte offset just after each row (its record delimiter included). */
  const rowEnds: number[] = [];
  try {
    for await (const { record, info } of parser as AsyncIterable<{
      record: string[];
      info: { lines: number; bytes: number };
    }>) {
      if (!columns) {
        columns = record.map((name) => name.trim());
        headerEnd = info.bytes;
        continue;
      }
      const empty = record.length === 1 && record[0] === '';
      if (keepEmptyLines && !empty && record.length !== columns.length) {
        throw new InputError(
          file,
          `line ${info.lines} has ${record.length} fields, the header ${columns.length}`,
        );
      }
      rows.push(keepEmptyLines && empty ? columns.map(() => '') : record);
      rowEnds.push(info.bytes);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).syscall) throw new InputError(file, describeFsError(error));
    throw new InputError(
      file,
      `is not valid ${delimiter === '\t' ? 'TSV' : 'CSV'}: ${(error as Error).message}`,
    );
  }
  if (!columns) throw new InputError(file, 'is empty: expected a header line and one row per sample');
  breaks.finish();
  const lines: number[] = [];
  const firstLines: number[] = [];
  let previousEnd = headerEnd;
  for (const end of rowEnds) {
    // Skipped blank lines lie between the previous row and this one; kept ones are rows themselves.
    const start = keepEmptyLines ? previousEnd : breaks.skipEmptyLines(previousEnd);
    firstLines.push(breaks.lineOf(start));
    // The last byte before `end` is the row's delimiter (or its last byte, at the end of the file).
    lines.push(breaks.lineOf(Math.max(start, end - 1)));
    previousEnd = end;
  }
  return { file, columns, rows, lines, firstLines };
}

async function readJsonLines(file: string): Promise<Table> {
  const reader = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  const objects: Record<string, unknown>[] = [];
  const lines: number[] = [];
  const columns: string[] = [];
  const known = new Set<string>();
  let lineNumber = 0;
  try {
    for await (const line of reader) {
      lineNumber++;
      if (line.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw new InputError(file, `line ${lineNumber} is not valid JSON: ${(error as Error).message}`);
      }
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new InputError(
          file,
          `line ${lineNumber} is not a JSON object: each line must be one sample, like {"path": "a.png", "label": "cat"}`,
        );
      }
      for (const key of Object.keys(value)) {
        if (!known.has(key)) {
          known.add(key);
          columns.push(key);
        }
      }
      objects.push(value as Record<string, unknown>);
      lines.push(lineNumber);
    }
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(file, describeFsError(error));
  }
  if (objects.length === 0) throw new InputError(file, 'is empty: expected one JSON object per line');
  const rows = objects.map((object) => columns.map((column) => cellText(object[column])));
  return { file, columns, rows, lines, firstLines: lines };
}

function cellText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Column names looked for when the user names none, in order of preference. */
export const PATH_COLUMN_NAMES = ['path', 'file', 'filename', 'image', 'filepath'];
export const LABEL_COLUMN_NAMES = ['label', 'labels', 'class', 'target', 'category', 'y'];
export const TEXT_COLUMN_NAMES = ['text'];

/** Index of the first column whose name matches one of `names` (case-insensitive), or -1. */
export function findColumn(columns: readonly string[], names: readonly string[]): number {
  const lower = columns.map((column) => column.toLowerCase());
  for (const name of names) {
    const index = lower.indexOf(name);
    if (index >= 0) return index;
  }
  return -1;
}

/** The column the user named with `option` (exact name first, then case-insensitive); throws when absent. */
export function requireColumn(table: Table, name: string, option: string): number {
  let index = table.columns.indexOf(name);
  if (index < 0) index = findColumn(table.columns, [name.toLowerCase()]);
  if (index < 0) {
    throw new InputError(
      table.file,
      `has no column "${name}" (given by ${option}); its columns are: ${listColumns(table.columns)}`,
    );
  }
  return index;
}

/** Where a table dataset's rows and labels come from (Dataset.table); `labelColumn` −1 = none. */
export function tableOrigin(table: Table, labelColumn: number): { file: string; labelColumn?: string } {
  return labelColumn >= 0
    ? { file: table.file, labelColumn: table.columns[labelColumn] }
    : { file: table.file };
}

export function listColumns(columns: readonly string[]): string {
  return columns.map((column) => JSON.stringify(column)).join(', ');
}
