/**
 * Rebuilds the ResultsPayload the host packed (src/extension/results/packRows.ts):
 * one plain row object per sample. Building 60,000 of them here takes tens of
 * milliseconds; cloning them across postMessage took ~0.7 s.
 */
import type { ColumnValue } from '../../src/protocol/engine';
import type {
  ClassProbability,
  PackedColumn,
  PackedResultsPayload,
  PackedRows,
  ResultRow,
  ResultsPayload,
} from '../../src/protocol/resultsPanel';

export function unpackResultsPayload(packed: PackedResultsPayload): ResultsPayload {
  const { rows, map, ...rest } = packed;
  const payload: ResultsPayload = { ...rest, rows: unpackRows(rows) };
  if (map) payload.map = map;
  return payload;
}

export function unpackRows(packed: PackedRows): ResultRow[] {
  const columns = Object.entries(packed.values).map(([key, column]) => [key, reader(column)] as const);
  const rows = new Array<ResultRow>(packed.count);
  let neighbourStart = 0;
  let probabilityStart = 0;
  for (let position = 0; position < packed.count; position++) {
    const values: Record<string, ColumnValue> = {};
    for (const [key, read] of columns) {
      const value = read(position);
      if (value !== undefined) values[key] = value;
    }
    const row: ResultRow = {
      index: packed.index[position],
      rank: packed.rank[position],
      id: packed.id[position],
      score: packed.score[position],
      values,
      openable: packed.openable[position] === 1,
    };
    const thumbnail = packed.thumbnail[position];
    if (thumbnail) row.thumbnail = thumbnail;
    const neighbourCount = packed.neighbourCounts[position];
    if (neighbourCount >= 0) {
      const neighbours = new Array<number>(neighbourCount);
      for (let at = 0; at < neighbourCount; at++) neighbours[at] = packed.neighbours[neighbourStart + at];
      row.neighbours = neighbours;
      neighbourStart += neighbourCount;
    }
    const probabilities = packed.probabilities;
    if (probabilities && probabilities.counts[position] > 0) {
      const end = probabilityStart + probabilities.counts[position];
      const top: ClassProbability[] = [];
      for (let at = probabilityStart; at < end; at++)
        top.push({ label: probabilities.labels[probabilities.codes[at]], p: probabilities.p[at] });
      row.probabilities = top;
      probabilityStart = end;
    }
    rows[position] = row;
  }
  return rows;
}

function reader(column: PackedColumn): (position: number) => ColumnValue {
  if (column.encoding === 'numbers') {
    const { values } = column;
    return (position) => (Number.isNaN(values[position]) ? undefined : values[position]);
  }
  const { codes, dictionary } = column;
  return (position) => (codes[position] < 0 ? undefined : dictionary[codes[position]]);
}
