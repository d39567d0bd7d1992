/** Reading the fixture truth files (CSV) that the tests compute recall from. */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';

export function readCsv(path: string): Record<string, string>[] {
  return parse(readFileSync(path, 'utf8'), { columns: true, skip_empty_lines: true }) as Record<
    string,
    string
  >[];
}

/** Ids of the samples whose label the fixture script flipped. */
export function flippedIds(truthCsv: string): Set<string> {
  return new Set(
    readCsv(truthCsv)
      .filter((row) => row.flipped === '1')
      .map((row) => row.id),
  );
}
