/**
 * What the runExplain tests (explainRun, explainInputs, explainBaselines)
 * share: a scratch folder per describe block, an explain call with their
 * common defaults, and the check of an InputError naming a file.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isInputError } from '../../../src/core/errors';
import { silentContext } from '../../../src/engine/context';
import { runExplain, type ExplainOutcome } from '../../../src/engine/explain';
import type { ExplainParams } from '../../../src/protocol/engine';

/** A temporary folder made before the enclosing describe block's tests and removed after them. */
export function scratchFolder(prefix: string): { readonly path: string } {
  const folder = { path: '' };
  before(async () => {
    folder.path = await mkdtemp(join(tmpdir(), prefix));
  });
  after(() => rm(folder.path, { recursive: true, force: true }));
  return folder;
}

/**
 * runExplain in process with occlusion on `model` and `input()` (read at call
 * time, as a before hook may make it), writing into `folder`; a test
 * overrides what it is about.
 */
export function explainWith(
  folder: { readonly path: string },
  model: string,
  input: () => string,
): (overrides: Partial<ExplainParams>) => Promise<ExplainOutcome> {
  return (overrides) =>
    runExplain({ model, input: input(), method: 'occlusion', ...overrides }, silentContext, folder.path);
}

/** An assert.rejects check: an InputError naming `file`, its problem matching `problem`. */
export function expectInput(file: string, problem: RegExp) {
  return (error: unknown) => {
    assert.ok(isInputError(error), `an InputError, got ${String(error)}`);
    assert.equal((error as { file: string }).file, file);
    assert.match((error as { problem: string }).problem, problem);
    return true;
  };
}
