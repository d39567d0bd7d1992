/**
 * A gradient method on a model whose backward graph cannot be built: the
 * error says which op stops it and which methods work without gradients.
 */
import { InputError } from '../core/errors';
import { UnsupportedOpError } from '../model/autodiff/types';

/** The methods that need forward passes only. */
export const METHODS_WITHOUT_GRADIENTS = ['occlusion', 'margin'] as const;

/** `error` as the explain request reports it: an unsupported op becomes an InputError naming the model and the way out. */
export function gradientsUnavailable(error: unknown, method: string): unknown {
  if (!(error instanceof UnsupportedOpError)) return error;
  const detail = error.detail ? ` (${error.detail})` : '';
  return new InputError(
    error.file,
    `has no gradients for --method ${method}: op ${error.opType} at node "${error.nodeName}" has no backward rule${detail}; ` +
      `${METHODS_WITHOUT_GRADIENTS.map((name) => `--method ${name}`).join(' and ')} need no gradients and work on this model`,
  );
}
