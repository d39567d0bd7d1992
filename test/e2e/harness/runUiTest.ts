/**
 * Part 2 of the end-to-end run: a user's path through the real workbench UI in
 * headless Chromium. F1 → "MARGIN: Find Label Issues" (the workspace holds one
 * dataset and one model, so the command finds both), the results webview lists
 * the rows the CLI ranks first for the same files, and a click on a row opens
 * that sample in the editor. A pending command shows its "not available yet" notice.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import { cliScan } from '../cliReference';
import { partTimeLimitMs, runPart, type Tally } from './part';
import { repoRoot } from './paths';
import { openSession, waitForWorkbench, type Session } from './session';

const PART_TIME_LIMIT_MS = partTimeLimitMs(6 * 60_000);
const ROWS_COMPARED = 8;

/**
 * Runs a command from the palette. Commands appear only once the extension host
 * has activated (seconds after the workbench shows), so the palette is retried.
 */
async function runFromPalette(page: Page, title: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (;;) {
    // Keys typed while an editor's webview (the image preview, our panel) has focus
    // stay in its iframe: hand focus back to the workbench first.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ state: 'visible', timeout: 3_000 });
      await page.keyboard.press('Enter');
      return;
    } catch {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`the command palette never offered "${title}"`);
      await page.waitForTimeout(1_000);
    }
  }
}

/**
 * The natural width of the image an image-preview webview shows for `fileName`.
 * Webview iframes are not inside their editor group's DOM (the workbench lays
 * them over it), so every frame is searched; our own panel, whose thumbnails
 * name the same files, is left out.
 */
async function previewedImageWidth(page: Page, fileName: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const width = await frame
        .evaluate((name) => {
          if (document.querySelector('.result-row')) return 0;
          const image = Array.from(document.images).find((img) => decodeURIComponent(img.src).includes(name));
          return image?.complete ? image.naturalWidth : 0;
        }, fileName)
        .catch(() => 0); // a frame that navigated away while we looked
      if (width > 0) return width;
    }
    if (Date.now() > deadline) throw new Error(`no image preview of ${fileName} appeared`);
    await page.waitForTimeout(250);
  }
}

/** Each check prints a line and counts; the first failure ends the part (later checks depend on it). */
async function check(tally: Tally, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    console.log(`  ✗ ${name}`);
    throw error;
  }
  tally.passed += 1;
  console.log(`  ✓ ${name}`);
}

runPart('workbench UI test', PART_TIME_LIMIT_MS, async (tally) => {
  const session: Session = await openSession({ name: 'ui' });
  const { page, work } = session;
  // The reference the panel must show: the CLI's ranking of the same files.
  const cli = cliScan(
    join(repoRoot, 'dist/cli.js'),
    join(work.workspace, 'images'),
    join(work.workspace, 'model.onnx'),
    mkdtempSync(join(work.tmpDir, 'cli-')),
  );
  const results = page.frameLocator('iframe.webview').frameLocator('#active-frame');
  const rows = results.locator('.result-row');

  console.log('workbench UI test');
  try {
    await check(tally, 'the workbench loads with the extension', async () => {
      await waitForWorkbench(page);
    });

    await check(tally, 'F1 → "MARGIN: Find Label Issues" opens the results panel', async () => {
      await runFromPalette(page, 'MARGIN: Find Label Issues');
      await page
        .locator('.tab', { hasText: 'MARGIN: Label Issues' })
        .first()
        .waitFor({ state: 'visible', timeout: 120_000 });
      await rows.first().waitFor({ state: 'visible', timeout: 120_000 });
    });

    await check(tally, `the panel's first ${ROWS_COMPARED} rows are the CLI's, with thumbnails`, async () => {
      for (let position = 0; position < ROWS_COMPARED; position++) {
        const row = rows.nth(position);
        const expected = cli.samples[position];
        const cells = await row.locator('.cell').allInnerTexts();
        // rank, thumbnail (no text), sample, given, suggested, score
        assert.deepEqual(
          cells.map((text) => text.trim()),
          [
            String(expected.rank),
            '',
            expected.id,
            expected.label ?? '',
            expected.suggested ?? '',
            expected.score.toFixed(3),
          ],
          `row ${position + 1}`,
        );
        const loaded = await row
          .locator('img')
          .evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth === 28);
        assert.ok(loaded, `row ${position + 1}: the 28×28 thumbnail did not load`);
      }
      console.log(`    screenshot: ${await session.screenshot('results-panel')}`);
    });

    await check(tally, 'a click on a row opens that sample in the editor', async () => {
      const target = cli.samples[2];
      await rows.nth(2).click();
      // The sample opens beside the panel, in the group that then has focus.
      const activeTab = page.locator('.editor-group-container.active .tab.active');
      await activeTab.filter({ hasText: basename(target.id) }).waitFor({ state: 'visible', timeout: 30_000 });
      // File names are unique in this dataset (t10k-<index>.png), so the name identifies the sample.
      assert.equal(await activeTab.getAttribute('data-resource-name'), basename(target.id));
      // VS Code's image preview (a webview of its own) shows the 28×28 sample.
      assert.equal(await previewedImageWidth(page, basename(target.id)), 28);
      console.log(`    screenshot: ${await session.screenshot('sample-opened')}`);
    });

    await check(tally, '"MARGIN: Explain Prediction" says it is not available yet', async () => {
      await runFromPalette(page, 'MARGIN: Explain Prediction');
      const notice = page.locator('.notifications-toasts .notification-list-item-message', {
        hasText: 'not available yet',
      });
      await notice.first().waitFor({ state: 'visible', timeout: 30_000 });
    });
  } catch (error) {
    await session.screenshot('failure').catch(() => undefined);
    throw error;
  } finally {
    await session.close();
  }
});
