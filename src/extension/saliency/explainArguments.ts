/**
 * The optional argument of MARGIN: Explain Prediction, as menus, the results
 * panel and tests pass it. Pure: an unknown value is checked, never trusted.
 */
import type { ExplainMethod } from '../../protocol/engine';
import { isExplainMethod, isSaliencyOptions, type SaliencyOptions } from '../../protocol/saliencyPanel';
import { isIndex } from '../../protocol/webviewPanel';

export interface ExplainCommandArgs {
  /** The image (or .npy input) to explain, absolute or relative to the workspace folder. */
  image?: string;
  model?: string;
  method?: ExplainMethod;
  target?: number;
  options?: SaliencyOptions;
  /** Methods to show side by side instead of one map. */
  compare?: ExplainMethod[];
}

/** The method a first explanation uses: MARGIN's own, which needs no gradients and so runs on any model. */
export const DEFAULT_METHOD: ExplainMethod = 'margin';

/**
 * Accepts a file Uri (Explorer and editor-title menus: the image), an object
 * with the fields above, or nothing. Fields of the wrong type are dropped.
 */
export function parseExplainArgs(arg: unknown): ExplainCommandArgs {
  if (arg === null || typeof arg !== 'object') return {};
  const candidate = arg as Record<string, unknown>;
  if (candidate.scheme === 'file' && typeof candidate.fsPath === 'string') return { image: candidate.fsPath };
  const args: ExplainCommandArgs = {};
  for (const key of ['image', 'model'] as const) {
    const value = candidate[key];
    if (typeof value === 'string' && value.trim()) args[key] = value.trim();
  }
  if (isExplainMethod(candidate.method)) args.method = candidate.method;
  if (isIndex(candidate.target)) args.target = candidate.target;
  if (isSaliencyOptions(candidate.options)) args.options = candidate.options;
  if (
    Array.isArray(candidate.compare) &&
    candidate.compare.length > 0 &&
    candidate.compare.every(isExplainMethod)
  )
    args.compare = [...new Set(candidate.compare)];
  return args;
}
