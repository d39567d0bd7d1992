import { extname } from 'node:path';
import type { ScanResult } from '../protocol/engine';
import { writeFileAtomic } from './atomicWrite';

export type ResultFormat = 'json' | 'csv';

/** Fields every result has; the task's own columns follow them, then the score. */
const LEADING_COLUMNS = ['rank', 'index', 'id', 'path'];

/** RFC 4180 quoting: only cells that need it are quoted. */
function csvCell(value: unknown): string {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function resultToCsv(result: ScanResult): string {
  const keys = [...LEADING_COLUMNS, ...result.columns.map((column) => column.key), 'score'];
  const lines = [keys.join(',')];
  for (const sample of result.samples) lines.push(keys.map((key) => csvCell(sample[key])).join(','));
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
