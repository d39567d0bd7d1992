/** Where the end-to-end harness keeps things. Everything it writes stays under `.work/`. */
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '../../..');
export const workRoot = join(repoRoot, 'test/e2e/.work');
export const artifactsDir = join(workRoot, 'artifacts');

/**
 * The folder holding the extension under test. Overridable so the harness can be
 * proven with a throwaway extension while the real one is being written.
 */
export const extensionPath = process.env.MARGIN_E2E_EXTENSION ?? repoRoot;

/** The compiled in-host mocha suite (test/e2e/build.mjs writes it). */
export const hostSuiteEntry = process.env.MARGIN_E2E_TESTS ?? join(workRoot, 'suite/index.js');

/** The fixture the workspace is copied from. */
export const fixtureDir = process.env.MARGIN_E2E_FIXTURE ?? join(repoRoot, 'examples/fashion-mnist');

/** The fixture entries copied into the workspace: the datasets and the model (not the answer keys). */
export const workspaceEntries = ['images', 'model.onnx', 'model.margin.json', 'to-label.csv', 'adversarial'];

/** The code-server install, as printed by scripts/e2e/install-code-server.sh. */
export function codeServerInstallDir(): string {
  const dir = process.env.MARGIN_E2E_CODE_SERVER;
  if (!dir)
    throw new Error(
      'MARGIN_E2E_CODE_SERVER is not set: run test/e2e/run.sh, which installs code-server and sets it',
    );
  return dir;
}

export const chromiumPath = process.env.MARGIN_E2E_CHROMIUM ?? '/usr/bin/chromium';
