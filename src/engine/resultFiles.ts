import { extname } from 'node:path';
import type { ScanResult } from '../protocol/engine';
import { writeFileAtomic } from './atomicWrite';

export type ResultFormat = 'json' | 'csv';

const CSV_COLUMNS = ['rank', 'index', 'id', 'path', 'label', 'predicted', 'suggested', 'score'] as const;

/** RFC 4180 quoting: only cells that need it are quoted. */
function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function resultToCsv(result: ScanResult): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const sample of result.samples) lines.push(CSV_COLUMNS.map((column) => csvCell(sample[column])).join(','));
  return lines.join('\n') + '\n';
}

export function formatOf(path: string, explicit?: ResultFormat): ResultFormat {
  if (explicit) return explicit;
  return extname(path).toLowerCase() === '.csv' ? 'csv' : 'json';
}

export async function writeResult(path: string, result: ScanResult, format: ResultFormat): Promise<void> {
  const text = format === 'csv' ? resultToCsv(result) : JSON.stringify(result, null, 1) + '\n';
  await writeFileAtomic(path, text);
}
