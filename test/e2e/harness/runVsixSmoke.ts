/**
 * The installed extension, not the clone: code-server installs the linux-x64
 * .vsix that `npm run package` built (code-server --install-extension) into a
 * fresh extensions folder outside the clone, so nothing can fall back on the
 * clone's dist/ or node_modules. Then, as a user would: F1 → MARGIN: Find Label
 * Issues on the example, and the results panel lists the rows that the CLI
 * shipped inside that same .vsix ranks first. Screenshot: vsix-label-issues.png.
 * Env MARGIN_E2E_VSIX: another .vsix to test.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliScanWith } from '../cliReference';
import { partTimeLimitMs, runPart } from './part';
import { processesMentioning } from './processes';
import { repoRoot } from './paths';
import { waitForWorkbench } from './session';
import { answerQuickPick, check, inSession, runFromPalette } from './workbenchSteps';

const PART_TIME_LIMIT_MS = partTimeLimitMs(8 * 60_000);
const ROWS_COMPARED = 5;

function builtVsix(): string {
  const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const vsix =
    process.env.MARGIN_E2E_VSIX ??
    join(repoRoot, 'out/vsix', `${manifest.name}-linux-x64-${manifest.version}.vsix`);
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run npm run package first`);
  return vsix;
}

runPart('vsix smoke test', PART_TIME_LIMIT_MS, async (tally) => {
  console.log('vsix smoke test');
  const vsix = builtVsix();
  await inSession({ name: 'vsix', vsix }, async (session) => {
    const { page, work } = session;
    const installed = session.installedExtension!;

    await check(
      tally,
      `code-server installed ${vsix.slice(repoRoot.length + 1)} outside the clone`,
      async () => {
        assert.ok(!installed.startsWith(repoRoot), installed);
        const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as {
          name: string;
        };
        assert.equal(manifest.name, 'margin-lens');
        // The package's own check (scripts/package/checkVsix.mjs) asserts the same inside the zip.
        assert.deepEqual(readdirSync(join(installed, 'node_modules/onnxruntime-node/bin/napi-v6')), [
          'linux',
        ]);
        assert.deepEqual(readdirSync(join(installed, 'node_modules/usearch/prebuilds')), ['linux-x64']);
      },
    );

    await check(tally, 'the workbench loads with the installed extension', () => waitForWorkbench(page));

    // The reference: the CLI from the installed extension, with its own node_modules.
    const cli = await cliScanWith(
      join(installed, 'dist/cli.js'),
      [
        '--task',
        'labels',
        '--data',
        join(work.workspace, 'images'),
        '--model',
        join(work.workspace, 'model.onnx'),
      ],
      mkdtempSync(join(work.tmpDir, 'cli-')),
    );

    await check(tally, 'F1 → "MARGIN: Find Label Issues" lists the CLI\'s first rows', async () => {
      await runFromPalette(page, 'MARGIN: Find Label Issues');
      await answerQuickPick(page, 'MARGIN: which dataset?', 'images');
      await page
        .locator('.tab', { hasText: 'MARGIN: Label issues' })
        .first()
        .waitFor({ state: 'visible', timeout: 300_000 });
      const rows = page.frameLocator('iframe.webview').frameLocator('#active-frame').locator('.result-row');
      await rows.first().waitFor({ state: 'visible', timeout: 300_000 });
      for (let position = 0; position < ROWS_COMPARED; position++) {
        const id = (await rows.nth(position).locator('.cell-id').innerText()).trim();
        assert.equal(id, cli.samples[position].id, `row ${position + 1}`);
      }
      console.log(`    screenshot: ${await session.screenshot('label-issues')}`);
    });

    await check(tally, 'the engine that answered runs from the installed extension', async () => {
      const engines = processesMentioning(join(installed, 'dist/engine.js'));
      assert.ok(engines.length > 0, `no process runs ${join(installed, 'dist/engine.js')}`);
      assert.doesNotMatch(await page.title(), /Extension Development Host/);
    });
  });
});
