/**
 * The folder rules of DESIGN.md §2 as the lint enforces them, checked on
 * probe sources linted as if they sat in each folder (nothing is written).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const repo = join(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: repo });

async function boundaryErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: join(repo, file) });
  return result.messages
    .filter(
      (message) =>
        message.ruleId === 'import-x/no-restricted-paths' || message.ruleId === 'no-restricted-imports',
    )
    .map((message) => message.message);
}

describe('lint: folder boundaries (DESIGN.md §2)', function () {
  this.timeout(60_000);

  it('refuses an engine import from a subfolder of model/, which the old patterns let through', async () => {
    const errors = await boundaryErrors(
      'src/model/autodiff/probe.ts',
      "import { silentContext } from '../../engine/context';\nexport const x = silentContext;\n",
    );
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /model\/ may import only core, data/);
  });

  it('keeps onnxruntime, and every folder but protocol, out of the extension host', async () => {
    const errors = await boundaryErrors(
      'src/extension/results/probe.ts',
      "import { ortKnn } from '../../model';\nimport * as ort from 'onnxruntime-node';\nexport const x = [ortKnn, ort];\n",
    );
    assert.equal(errors.length, 2, errors.join('\n'));
  });

  it('keeps core free of I/O and of every other folder', async () => {
    const errors = await boundaryErrors(
      'src/core/probe.ts',
      "import { readFile } from 'node:fs/promises';\nimport { openDataset } from '../data/open';\nexport const x = [readFile, openDataset];\n",
    );
    assert.equal(errors.length, 2, errors.join('\n'));
  });

  it('lets the webview import the protocol only', async () => {
    assert.equal(
      (
        await boundaryErrors(
          'webview/results/probe.ts',
          "import { ortKnn } from '../../src/model';\nexport const x = ortKnn;\n",
        )
      ).length,
      1,
    );
    assert.deepEqual(
      await boundaryErrors(
        'webview/results/probe.ts',
        "import type { ResultsPayload } from '../../src/protocol/webview';\nexport type X = ResultsPayload;\n",
      ),
      [],
    );
  });

  it('lets the engine and the webview share the colour maps in protocol/, which stay browser-pure', async () => {
    const shared = 'saliencyColours';
    assert.deepEqual(
      await boundaryErrors(
        'src/engine/probe.ts',
        `import { colourOf } from '../protocol/${shared}';\nexport const x = colourOf;\n`,
      ),
      [],
    );
    assert.deepEqual(
      await boundaryErrors(
        'webview/saliency/probe.ts',
        `import { colourOf } from '../../src/protocol/${shared}';\nexport const x = colourOf;\n`,
      ),
      [],
    );
    // The shared module itself, as it is: a Node import there would break the webview bundle.
    const file = `src/protocol/${shared}.ts`;
    assert.deepEqual(await boundaryErrors(file, await readFile(join(repo, file), 'utf8')), []);
    assert.equal(
      (
        await boundaryErrors(
          file,
          "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
        )
      ).length,
      1,
    );
  });

  it('allows what the design allows: engine → model, cli → engine, extension → protocol', async () => {
    assert.deepEqual(
      await boundaryErrors(
        'src/engine/tasks/probe.ts',
        "import { ortKnn } from '../../model';\nexport const x = ortKnn;\n",
      ),
      [],
    );
    assert.deepEqual(
      await boundaryErrors(
        'src/cli/probe.ts',
        "import { runScan } from '../engine/scan';\nexport const x = runScan;\n",
      ),
      [],
    );
    assert.deepEqual(
      await boundaryErrors(
        'src/extension/probe.ts',
        "import { ENGINE_ERRORS } from '../protocol/engine';\nexport const x = ENGINE_ERRORS;\n",
      ),
      [],
    );
  });
});
