/** `--labels`: labels in dataset order from an IDX labels file, a .npy, or one label per line. */
import { open, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { InputError } from '../core/errors';
import { describeFsError, statOrThrow } from './files';
import { readIdxLabels } from './idx';
import { formatBytes, MAX_TABLE_BYTES } from './limits';
import { readNpyLabels } from './npyDataset';
import { findColumn, LABEL_COLUMN_NAMES, listColumns, readTable } from './table';

/** A first line with one of these names is a header, not a label. */
const HEADER_NAMES: ReadonlySet<string> = new Set(LABEL_COLUMN_NAMES);

/**
 * Labels in dataset order; `undefined` marks an unlabelled sample (an empty
 * cell of a CSV/TSV, `null` in JSONL, a negative number in a .npy). A plain
 * text file has one label per line and no way to leave one out.
 */
export async function readLabelsFile(path: string): Promise<(string | undefined)[]> {
  const info = await statOrThrow(path);
  if (info.isDirectory())
    throw new InputError(path, 'is a folder: expected a labels file (IDX, .npy, or one label per line)');
  const head = await readHead(path, 8);
  const extension = extname(path).toLowerCase();
  if (extension === '.npy' || head.subarray(0, 6).equals(Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]))) {
    return readNpyLabels(path);
  }
  const gzipped = head[0] === 0x1f && head[1] === 0x8b;
  const idx = head.length >= 4 && head[0] === 0 && head[1] === 0 && head[3] === 1;
  if (gzipped || idx) return readIdxLabels(path);
  if (info.size > MAX_TABLE_BYTES) {
    throw new InputError(
      path,
      `is too large: ${formatBytes(info.size)} (label files up to ${formatBytes(MAX_TABLE_BYTES)} are read)`,
    );
  }
  if (extension === '.csv' || extension === '.tsv' || extension === '.jsonl') return readLabelTable(path);
  return readLabelLines(path, await readFile(path, 'utf8'));
}

async function readHead(path: string, bytes: number): Promise<Buffer> {
  const handle = await open(path, 'r').catch((error) => {
    throw new InputError(path, describeFsError(error));
  });
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** A one-column table is a list of labels; a wider one must have a label column. */
async function readLabelTable(path: string): Promise<(string | undefined)[]> {
  const table = await readTable(path, { keepEmptyLines: true });
  if (table.columns.length === 1 && extname(path).toLowerCase() !== '.jsonl') {
    // The first line may be a label rather than a header: decide as for plain lines.
    return checkedLabels(
      path,
      [table.columns[0], ...table.rows.map((row) => row[0])],
      [1, ...table.lines],
      'detect',
      'allowed',
    );
  }
  const column = findColumn(table.columns, LABEL_COLUMN_NAMES);
  if (column < 0) {
    throw new InputError(
      path,
      `has no label column (its columns are: ${listColumns(table.columns)}); expected a column named "label"`,
    );
  }
  return checkedLabels(
    path,
    table.rows.map((row) => row[column]),
    table.lines,
    'none',
    'allowed',
  );
}

function readLabelLines(path: string, text: string): (string | undefined)[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
  return checkedLabels(
    path,
    lines,
    lines.map((_, index) => index + 1),
    'detect',
    'refused',
  );
}

/**
 * Trims and drops a first line that is a header (`label`, `class`, …) when
 * `header` is 'detect'. A blank label is an unlabelled sample in a table (an
 * empty cell keeps its row); in a plain list it is refused, since a stray blank
 * line there would shift every label after it.
 */
function checkedLabels(
  path: string,
  values: string[],
  lineNumbers: number[],
  header: 'detect' | 'none',
  blanks: 'allowed' | 'refused',
): (string | undefined)[] {
  const labels = values.map((value) => value.trim());
  const start = header === 'detect' && labels.length > 0 && HEADER_NAMES.has(labels[0].toLowerCase()) ? 1 : 0;
  if (blanks === 'refused') {
    for (let i = start; i < labels.length; i++) {
      if (labels[i] === '')
        throw new InputError(
          path,
          `line ${lineNumbers[i]} is empty: a plain list needs one label per line (leave a sample unlabelled with an empty cell of a CSV, or −1 in a .npy)`,
        );
    }
  }
  const result = labels.slice(start).map((label) => label || undefined);
  if (result.every((label) => label === undefined)) throw new InputError(path, 'holds no labels');
  return result;
}
