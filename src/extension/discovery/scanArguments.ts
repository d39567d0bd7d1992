/**
 * The optional argument of the scan commands, as tests and menus pass it.
 * Pure: validates an unknown value and resolves workspace-relative paths.
 */
import { isAbsolute, normalize, resolve } from 'node:path';

export interface ScanCommandArgs {
  /** Dataset path, absolute or relative to the workspace folder. */
  data?: string;
  /** ONNX model path, absolute or relative to the workspace folder. */
  model?: string;
}

/**
 * Accepts `{ data?, model? }`, a file Uri (explorer context menu: the dataset),
 * or nothing. Anything else is ignored rather than trusted.
 */
export function parseScanArgs(arg: unknown): ScanCommandArgs {
  if (arg === null || typeof arg !== 'object') return {};
  const candidate = arg as { data?: unknown; model?: unknown; scheme?: unknown; fsPath?: unknown };
  if (candidate.scheme === 'file' && typeof candidate.fsPath === 'string') return { data: candidate.fsPath };
  const args: ScanCommandArgs = {};
  if (typeof candidate.data === 'string' && candidate.data.trim()) args.data = candidate.data.trim();
  if (typeof candidate.model === 'string' && candidate.model.trim()) args.model = candidate.model.trim();
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
