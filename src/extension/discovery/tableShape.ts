/**
 * Whether the first lines of a CSV/TSV/JSONL file describe a dataset, by the
 * rule the engine reads tables with (src/data/open.ts): a row is a sample when
 * it names an image file (manifest), holds a text (text dataset), or holds
 * numeric features beside a label (tabular). A table that does none of these,
 * like the example's answer key `flipped.csv` (`id,given_label,true_label,flipped`),
 * describes samples kept elsewhere: the engine could not scan it, so it is not
 * offered. Pure, so the rule is testable on strings.
 */

/**
 * Column names the engine looks for (src/data/table.ts: the extension host
 * cannot import the engine's folders, so they are repeated here).
 */
export const PATH_COLUMN_NAMES = ['path', 'file', 'filename', 'image', 'filepath'];
export const LABEL_COLUMN_NAMES = ['label', 'labels', 'class', 'target', 'category', 'y'];
export const TEXT_COLUMN_NAMES = ['text'];
/** Image files a manifest may name (src/data/files.ts IMAGE_EXTENSIONS). */
const MANIFEST_IMAGE = /\.(png|jpe?g|webp)$/i;
/** The engine's number syntax for feature cells (src/data/tabular.ts). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export interface TableHead {
  columns: string[];
  /** The complete data rows of the head, cells by column. */
  rows: string[][];
}

export type TableShape = 'manifest' | 'text' | 'tabular' | 'results' | 'not-a-dataset';

/** The header and the complete rows of a file's first bytes (a cut last line is dropped). */
export function parseTableHead(head: string, extension: string): TableHead | undefined {
  const text = head.replace(/^\uFEFF/, '');
  const lines = text.split(/\r?\n/);
  // The head ends mid-line unless it ends with a newline: that last piece is not a row.
  if (!/\r?\n$/.test(text)) lines.pop();
  const nonEmpty = lines.filter((line) => line.trim() !== '');
  if (nonEmpty.length === 0) return headerOnly(text, extension);
  if (extension === '.jsonl') return parseJsonLines(nonEmpty);
  const separator = extension === '.tsv' ? '\t' : ',';
  const [header, ...rows] = nonEmpty.map((line) => splitDelimited(line, separator));
  return { columns: header.map((cell) => cell.trim()), rows };
}

/** A one-line file without its newline is a header alone. */
function headerOnly(text: string, extension: string): TableHead | undefined {
  const line = text.trim();
  if (!line || line.includes('\n')) return undefined;
  if (extension === '.jsonl') return parseJsonLines([line]);
  return { columns: splitDelimited(line, extension === '.tsv' ? '\t' : ',').map((c) => c.trim()), rows: [] };
}

function parseJsonLines(lines: string[]): TableHead | undefined {
  const columns: string[] = [];
  const objects: Record<string, unknown>[] = [];
  for (const line of lines) {
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      // Only the first line must parse; a later one may be the cut end of the head.
      if (objects.length === 0) return undefined;
      break;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    for (const key of Object.keys(value)) if (!columns.includes(key)) columns.push(key);
    objects.push(value as Record<string, unknown>);
  }
  const cell = (value: unknown) =>
    value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return { columns, rows: objects.map((object) => columns.map((column) => cell(object[column]))) };
}

/** One CSV/TSV line into cells; double quotes group a cell and `""` is a quote inside one. */
export function splitDelimited(line: string, separator: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === separator) {
      cells.push(cell);
      cell = '';
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}

function findColumn(columns: readonly string[], names: readonly string[]): number {
  const lower = columns.map((column) => column.toLowerCase());
  for (const name of names) {
    const index = lower.indexOf(name);
    if (index >= 0) return index;
  }
  return -1;
}

/**
 * What the engine would read the table as. With a header but no rows yet, the
 * column names decide alone (the content cannot).
 */
export function classifyTable({ columns, rows }: TableHead): TableShape {
  const lower = new Set(columns.map((column) => column.toLowerCase()));
  if (lower.has('rank') && lower.has('score')) return 'results';
  const cells = (column: number) => rows.map((row) => (row[column] ?? '').trim()).filter((cell) => cell);

  const pathColumn = findColumn(columns, PATH_COLUMN_NAMES);
  if (pathColumn >= 0) {
    const paths = cells(pathColumn);
    if (paths.length === 0 || paths.some((path) => MANIFEST_IMAGE.test(path))) return 'manifest';
  }
  if (findColumn(columns, TEXT_COLUMN_NAMES) >= 0) return 'text';

  const labelColumn = findColumn(columns, LABEL_COLUMN_NAMES);
  if (labelColumn < 0) return 'not-a-dataset';
  const hasFeatures = columns.some((_, column) => {
    if (column === labelColumn) return false;
    if (rows.length === 0) return true;
    const numeric = rows.filter((row) => NUMBER.test((row[column] ?? '').trim())).length;
    return numeric > rows.length / 2;
  });
  return hasFeatures ? 'tabular' : 'not-a-dataset';
}

export function isDatasetTable(head: string, extension: string): boolean {
  const table = parseTableHead(head, extension);
  if (!table || table.columns.length === 0) return false;
  const shape = classifyTable(table);
  return shape === 'manifest' || shape === 'text' || shape === 'tabular';
}
