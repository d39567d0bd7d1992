/**
 * An engine failure as the saliency panel says it: the file at fault named
 * in full, and for a gradient method refused on a model without gradients,
 * the methods that need none (the engine's words, engine/explainGradients.ts).
 * No `vscode` import.
 */
import { basename } from 'node:path';
import type { ExplainMethod } from '../../protocol/engine';
import { GRADIENT_FREE_METHODS, type SaliencyError } from '../../protocol/saliencyPanel';
import { classifyEngineFailure, describeFailure } from '../engine/engineFailure';

/** The engine's refusal of a gradient method: "has no gradients for --method ig: op CumSum …". */
const NO_GRADIENTS = /has no gradients for --method (\w+)/;

/** `cancelled` when the job was cancelled, else what the panel shows. */
export function saliencyErrorOf(error: unknown, method: ExplainMethod): SaliencyError | 'cancelled' {
  const failure = classifyEngineFailure(error);
  if (failure.kind === 'cancelled') return 'cancelled';
  if (failure.kind === 'input' && NO_GRADIENTS.test(failure.problem)) {
    const name = failure.file ? basename(failure.file) : 'The model';
    return {
      message:
        `${name} has no gradients, so ${method} cannot run on it (${failure.problem.replace(/; .*$/, '').replace(NO_GRADIENTS, '').replace(/^: /, '')}). ` +
        'Occlusion and MARGIN need forward passes only.',
      ...(failure.file ? { file: failure.file } : {}),
      alternatives: GRADIENT_FREE_METHODS.filter((other) => other !== method),
    };
  }
  if (failure.kind === 'input') {
    // The engine names the file (or, for a parameter like `target`, the parameter) before the problem.
    return {
      message: describeFailure(failure),
      ...(failure.file && !failure.parameter ? { file: failure.file } : {}),
    };
  }
  if (failure.kind === 'engineStopped')
    return { message: `${failure.message}. The log (MARGIN: Show Log) may say why.` };
  return { message: `The explanation failed: ${describeFailure(failure)}` };
}
