/**
 * Finds the label cell of one manifest row (CSV, TSV or JSONL) in the row's
 * text and writes its replacement, touching nothing else on the line: the
 * relabel quick fix is then a one-cell text edit, which Undo restores byte for
 * byte. Pure string work, no `vscode`, so it is unit tested directly.
 */
import { extname } from 'node:path';

export type ManifestFormat = 'csv' | 'tsv' | 'jsonl';

/** Label column names tried when the result names none; the order of data/table.ts. */
const LABEL_COLUMN_NAMES = ['label', 'labels', 'class', 'target', 'category', 'y'];

export function manifestFormat(file: string): ManifestFormat | undefined {
  const extension = extname(file).toLowerCase();
  if (extension === '.csv') return 'csv';
  if (extension === '.tsv') return 'tsv';
  if (extension === '.jsonl') return 'jsonl';
  return undefined;
}

/** A cell's place in its line: `[start, end)` covers the cell as written, quotes included. */
export interface CellSpan {
  start: number;
  end: number;
  /** The cell's value (quotes removed, `""` read as `"`). */
  value: string;
  quoted: boolean;
}

/** The cells of one delimited line; a quoted cell that does not close on the line ends at the line's end. */
export function delimitedCells(line: string, delimiter: string): CellSpan[] {
  const cells: CellSpan[] = [];
  let position = 0;
  for (;;) {
    const start = position;
    if (line[position] === '"') {
      let value = '';
      position++;
      while (position < line.length) {
        if (line[position] === '"') {
          if (line[position + 1] === '"') {
            value += '"';
            position += 2;
            continue;
          }
          position++;
          break;
        }
        value += line[position++];
      }
      // Anything between the closing quote and the delimiter belongs to the cell (csv-parse would refuse it).
      const next = line.indexOf(delimiter, position);
      const end = next < 0 ? line.length : next;
      cells.push({ start, end, value: value + line.slice(position, end), quoted: true });
      position = end;
    } else {
      const next = line.indexOf(delimiter, position);
      const end = next < 0 ? line.length : next;
      cells.push({ start, end, value: line.slice(start, end), quoted: false });
      position = end;
    }
    if (position >= line.length) break;
    position += delimiter.length;
    if (position === line.length) {
      cells.push({ start: position, end: position, value: '', quoted: false });
      break;
    }
  }
  return cells;
}

/** The index of the label column in a header: the named column (exact, then case-insensitive), else a usual name. */
export function labelColumnIndex(columns: readonly string[], labelColumn: string | undefined): number {
  const trimmed = columns.map((column) => column.trim());
  if (labelColumn) {
    const exact = trimmed.indexOf(labelColumn);
    if (exact >= 0) return exact;
    return trimmed.findIndex((column) => column.toLowerCase() === labelColumn.toLowerCase());
  }
  const lower = trimmed.map((column) => column.toLowerCase());
  for (const name of LABEL_COLUMN_NAMES) {
    const index = lower.indexOf(name);
    if (index >= 0) return index;
  }
  return -1;
}

export interface LabelCell {
  /** Character offsets in the row's line. */
  start: number;
  end: number;
  /** The label as written (trimmed, as the scan reads it). */
  value: string;
  /** How to write a new label in its place. */
  write(label: string): string;
}

export type LabelCellLookup = { ok: true; cell: LabelCell } | { ok: false; problem: string };

/**
 * The label cell of `line`. `header` is the manifest's header line (CSV/TSV;
 * unused for JSONL); `labelColumn` the column the scan read (undefined: the usual names).
 */
export function findLabelCell(
  format: ManifestFormat,
  header: string,
  line: string,
  labelColumn: string | undefined,
): LabelCellLookup {
  return format === 'jsonl'
    ? jsonLabelCell(line, labelColumn)
    : delimitedLabelCell(format, header, line, labelColumn);
}

function delimitedLabelCell(
  format: 'csv' | 'tsv',
  header: string,
  line: string,
  labelColumn: string | undefined,
): LabelCellLookup {
  const delimiter = format === 'tsv' ? '\t' : ',';
  const columns = delimitedCells(header.replace(/^\uFEFF/, ''), delimiter).map((cell) => cell.value);
  const column = labelColumnIndex(columns, labelColumn);
  if (column < 0) return { ok: false, problem: `the header has no label column (${labelColumn ?? 'label'})` };
  const cells = delimitedCells(line, delimiter);
  if (cells.length !== columns.length)
    return {
      ok: false,
      problem: `the row has ${cells.length} cells on this line, the header ${columns.length} (a quoted cell spanning lines?)`,
    };
  const cell = cells[column];
  return {
    ok: true,
    cell: {
      start: cell.start,
      end: cell.end,
      value: cell.value.trim(),
      write: (label) => delimitedCellText(label, delimiter, cell.quoted),
    },
  };
}

/** A cell's text: quoted when it was, or when the value needs it (delimiter, quote, line break, edge spaces). */
export function delimitedCellText(value: string, delimiter: string, quote: boolean): string {
  const needsQuotes = quote || value.includes(delimiter) || /["\r\n]/.test(value) || value !== value.trim();
  return needsQuotes ? `"${value.replace(/"/g, '""')}"` : value;
}

function jsonLabelCell(line: string, labelColumn: string | undefined): LabelCellLookup {
  const members = jsonMembers(line);
  if (!members) return { ok: false, problem: 'the line is not one JSON object' };
  const keys = members.map((member) => member.key);
  const index = labelColumnIndex(keys, labelColumn);
  if (index < 0) return { ok: false, problem: `the object has no label key (${labelColumn ?? 'label'})` };
  const member = members[index];
  const raw = line.slice(member.start, member.end);
  const parsed: unknown = JSON.parse(raw);
  const value = typeof parsed === 'string' ? parsed : raw;
  return {
    ok: true,
    cell: {
      start: member.start,
      end: member.end,
      value: value.trim(),
      // A numeric label stays a number when the new one is one too; anything else is a JSON string.
      write: (label) =>
        typeof parsed === 'number' && /^-?\d+(\.\d+)?$/.test(label) ? label : JSON.stringify(label),
    },
  };
}

interface JsonMember {
  key: string;
  /** The value's span in the line. */
  start: number;
  end: number;
}

/** The top-level members of a JSON object written on one line, with their values' spans; undefined if it is not one. */
export function jsonMembers(line: string): JsonMember[] | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  } catch {
    return undefined;
  }
  // The line is valid JSON: a scanner only has to find where each top-level value starts and ends.
  const members: JsonMember[] = [];
  let position = skipSpace(line, line.indexOf('{') + 1);
  while (line[position] !== '}') {
    const keyEnd = stringEnd(line, position);
    const key = JSON.parse(line.slice(position, keyEnd)) as string;
    position = skipSpace(line, line.indexOf(':', keyEnd) + 1);
    const start = position;
    const end = valueEnd(line, start);
    members.push({ key, start, end });
    position = skipSpace(line, end);
    if (line[position] === ',') position = skipSpace(line, position + 1);
  }
  return members;
}

function skipSpace(text: string, position: number): number {
  while (/\s/.test(text[position] ?? '')) position++;
  return position;
}

/** `position` is at an opening quote; returns the index after the closing one. */
function stringEnd(text: string, position: number): number {
  for (let at = position + 1; at < text.length; at++) {
    if (text[at] === '\\') at++;
    else if (text[at] === '"') return at + 1;
  }
  return text.length;
}

function valueEnd(text: string, position: number): number {
  const first = text[position];
  if (first === '"') return stringEnd(text, position);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let at = position; at < text.length; at++) {
      const char = text[at];
      if (char === '"') at = stringEnd(text, at) - 1;
      else if (char === '{' || char === '[') depth++;
      else if (char === '}' || char === ']') {
        depth--;
        if (depth === 0) return at + 1;
      }
    }
    return text.length;
  }
  // Number, true, false, null: up to the next delimiter.
  let at = position;
  while (at < text.length && !/[\s,}\]]/.test(text[at])) at++;
  return at;
}
