/**
 * Packs a ResultsPayload for the results message: the rows column-wise, typed
 * where numeric, and the map's coordinates typed (PackedRows in
 * src/protocol/resultsPanel.ts says why). The webview unpacks them with
 * webview/results/unpackRows.ts; the two round-trip.
 */
import type { ColumnValue } from '../../protocol/engine';
import type {
  PackedColumn,
  PackedResultsPayload,
  PackedRows,
  ResultRow,
  ResultsPayload,
} from '../../protocol/resultsPanel';

export function packResultsPayload(payload: ResultsPayload): PackedResultsPayload {
  const { rows, map, ...rest } = payload;
  const packed: PackedResultsPayload = { ...rest, rows: packRows(rows, payload.columns.map((c) => c.key)) };
  if (map) packed.map = { method: map.method, x: Float64Array.from(map.x), y: Float64Array.from(map.y) };
  return packed;
}

export function packRows(rows: readonly ResultRow[], columnKeys: readonly string[]): PackedRows {
  const count = rows.length;
  const neighbourCounts = new Int32Array(count);
  const flatNeighbours: number[] = [];
  rows.forEach((row, position) => {
    neighbourCounts[position] = row.neighbours ? row.neighbours.length : -1;
    if (row.neighbours) for (const index of row.neighbours) flatNeighbours.push(index);
  });
  const packed: PackedRows = {
    count,
    index: Int32Array.from(rows, (row) => row.index),
    rank: Float64Array.from(rows, (row) => row.rank),
    score: Float64Array.from(rows, (row) => row.score),
    id: rows.map((row) => row.id),
    thumbnail: rows.map((row) => row.thumbnail ?? ''),
    openable: Uint8Array.from(rows, (row) => (row.openable ? 1 : 0)),
    values: Object.fromEntries(
      columnKeys.map((key) => [key, packColumn(rows.map((row) => row.values[key]))]),
    ),
    neighbourCounts,
    neighbours: Int32Array.from(flatNeighbours),
  };
  if (rows.some((row) => row.probabilities?.length)) packed.probabilities = packProbabilities(rows);
  return packed;
}

/** Numbers as a Float64Array when there is no NaN to confuse with "absent"; anything else as dictionary codes. */
export function packColumn(values: readonly ColumnValue[]): PackedColumn {
  const allNumbers = values.every(
    (value) => value === undefined || (typeof value === 'number' && !Number.isNaN(value)),
  );
  if (allNumbers)
    return { encoding: 'numbers', values: Float64Array.from(values, (value) => (value as number) ?? NaN) };
  const dictionary: (string | number | boolean)[] = [];
  const codeOf = new Map<string | number | boolean, number>();
  const codes = Int32Array.from(values, (value) => {
    if (value === undefined) return -1;
    let code = codeOf.get(value);
    if (code === undefined) {
      code = dictionary.push(value) - 1;
      codeOf.set(value, code);
    }
    return code;
  });
  return { encoding: 'codes', codes, dictionary };
}

function packProbabilities(rows: readonly ResultRow[]): NonNullable<PackedRows['probabilities']> {
  const labels: string[] = [];
  const codeOf = new Map<string, number>();
  const codes: number[] = [];
  const p: number[] = [];
  const counts = Int32Array.from(rows, (row) => {
    const top = row.probabilities ?? [];
    for (const entry of top) {
      let code = codeOf.get(entry.label);
      if (code === undefined) {
        code = labels.push(entry.label) - 1;
        codeOf.set(entry.label, code);
      }
      codes.push(code);
      p.push(entry.p);
    }
    return top.length;
  });
  return { counts, codes: Int32Array.from(codes), p: Float64Array.from(p), labels };
}
