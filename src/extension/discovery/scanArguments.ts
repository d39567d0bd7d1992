/**
 * The optional argument of the scan commands, as tests and menus pass it.
 * Pure: validates an unknown value and resolves workspace-relative paths.
 */
import { extname, isAbsolute, normalize, resolve } from 'node:path';

export interface ScanCommandArgs {
  /** Dataset path, absolute or relative to the workspace folder. */
  data?: string;
  /** ONNX model path, absolute or relative to the workspace folder. */
  model?: string;
  /** Reference set path (tasks that compare with a clean, labelled set). */
  reference?: string;
}

/**
 * Accepts `{ data?, model?, reference? }`, a file Uri (explorer context menu:
 * the dataset, or the model when it is a `.onnx` file), or nothing. Anything
 * else is ignored rather than trusted.
 */
export function parseScanArgs(arg: unknown): ScanCommandArgs {
  if (arg === null || typeof arg !== 'object') return {};
  const candidate = arg as Record<string, unknown>;
  if (candidate.scheme === 'file' && typeof candidate.fsPath === 'string')
    return extname(candidate.fsPath).toLowerCase() === '.onnx'
      ? { model: candidate.fsPath }
      : { data: candidate.fsPath };
  const args: ScanCommandArgs = {};
  for (const key of ['data', 'model', 'reference'] as const) {
    const value = candidate[key];
    if (typeof value === 'string' && value.trim()) args[key] = value.trim();
  }
  return args;
}

/**
 * An absolute path for a user-given one: absolute stays (normalized), relative
 * is taken from `root`. Without a root a relative path cannot be placed.
 */
export function resolveUserPath(path: string, root: string | undefined): string | undefined {
  const trimmed = path.trim();
  if (!trimmed) return undefined;
  if (isAbsolute(trimmed)) return normalize(trimmed);
  return root ? resolve(root, trimmed) : undefined;
}
