/**
 * Part 2 of the end-to-end run: a user's path through the real workbench UI in
 * headless Chromium. For each scan command: F1 → the command, the dataset (and,
 * for adversarial inputs, the reference set) picked in VS Code's quick pick, the
 * results webview lists the rows the CLI ranks first for the same files, and a
 * click on a row opens that sample in the editor. The task's own views (the
 * score histogram, the prototype galleries) are on screen. A row's explain
 * button opens the saliency panel for that sample. Screenshots of every panel, in the
 * dark and the light theme, are artifacts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ScanResult } from '../../../src/protocol/engine';
import { formatValue } from '../../../webview/results/format';
import { cliScanWith, exampleScans } from '../cliReference';
import { partTimeLimitMs, runPart } from './part';
import { repoRoot } from './paths';
import { readMapCanvases, saliencyFrame } from './saliencyFrame';
import { waitForWorkbench } from './session';
import { check, inSession, runFromPalette, switchToLightTheme } from './workbenchSteps';

const PART_TIME_LIMIT_MS = partTimeLimitMs(12 * 60_000);
const ROWS_COMPARED = 8;

/**
 * Answers a quick pick titled `title` by typing `choice` and taking the first
 * match. Resolves without doing anything if no such pick shows up in `timeoutMs`
 * (a command that found only one candidate does not ask).
 */
async function answerQuickPick(
  page: Page,
  title: string,
  choice: string,
  timeoutMs = 30_000,
): Promise<boolean> {
  const widget = page.locator('.quick-input-widget', { hasText: title });
  try {
    await widget.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    return false;
  }
  await page.locator('.quick-input-widget input').fill(choice);
  await page
    .locator('.quick-input-list .monaco-list-row', { hasText: choice })
    .first()
    .waitFor({ state: 'visible', timeout: 10_000 });
  await page.keyboard.press('Enter');
  return true;
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

/** A scan command as the user runs it from the palette, and the CLI run that must agree with it. */
interface UiScan {
  palette: string;
  /** The panel's tab title starts with this. */
  tab: string;
  /** Quick picks the command asks, answered in order: [title, what to type]. */
  picks: [string, string][];
  cli: string[];
  /** CSS selectors of the task's own views that must be on screen in the panel. */
  views: string[];
}

function uiScans(workspace: string): UiScan[] {
  const byTask = new Map(exampleScans(workspace).map((scan) => [scan.task, scan]));
  const dataPick = (choice: string): [string, string] => ['MARGIN: which dataset?', choice];
  return [
    {
      palette: 'MARGIN: Find Label Issues',
      tab: 'MARGIN: Label issues',
      picks: [dataPick('images')],
      cli: [
        '--task',
        'labels',
        '--data',
        join(workspace, 'images'),
        '--model',
        join(workspace, 'model.onnx'),
      ],
      views: [],
    },
    {
      palette: 'MARGIN: Find Boundary Samples',
      tab: 'MARGIN: Boundary samples',
      picks: [dataPick('images')],
      cli: byTask.get('boundary')!.cli,
      views: [],
    },
    {
      palette: 'MARGIN: Detect Adversarial Inputs',
      tab: 'MARGIN: Adversarial inputs',
      picks: [dataPick('inputs.csv'), ['MARGIN: which clean reference set?', 'images']],
      cli: byTask.get('adversarial')!.cli,
      views: ['.score-histogram svg'],
    },
    {
      palette: 'MARGIN: Find Prototypes and Criticisms',
      tab: 'MARGIN: Prototypes and criticisms',
      picks: [dataPick('images')],
      cli: byTask.get('prototypes')!.cli,
      views: ['.gallery-prototypes .gallery-item', '.gallery-criticisms .gallery-item'],
    },
    {
      palette: 'MARGIN: Suggest Samples to Label',
      tab: 'MARGIN: Samples to label next',
      picks: [dataPick('to-label.csv')],
      cli: byTask.get('acquire')!.cli,
      views: [],
    },
  ];
}

/** What a row's cells read: rank, thumbnail (no text), sample, the task's columns, score. */
function expectedCells(result: ScanResult, position: number): string[] {
  const sample = result.samples[position];
  const columns = result.columns.filter((column) =>
    result.samples.some((other) => other[column.key] !== undefined),
  );
  return [
    String(sample.rank),
    '',
    sample.id,
    ...columns.map((column) => formatValue(sample[column.key], column.kind)),
    sample.score.toFixed(3),
  ];
}

const slug = (tab: string) =>
  tab
    .replace(/^MARGIN: /, '')
    .toLowerCase()
    .replace(/[^a-z]+/g, '-');

runPart('workbench UI test', PART_TIME_LIMIT_MS, async (tally) => {
  console.log('workbench UI test');
  await inSession({ name: 'ui' }, async (session) => {
    const { page, work } = session;
    const results = page.frameLocator('iframe.webview').frameLocator('#active-frame');
    const rows = results.locator('.result-row');
    const scans = uiScans(work.workspace);

    /** Runs a command through the palette and its quick picks, and waits for its panel's rows. */
    const openPanel = async (scan: UiScan) => {
      // One webview at a time, so the panel's frame is the only one to look in.
      await runFromPalette(page, 'View: Close All Editors');
      await runFromPalette(page, scan.palette);
      for (const [title, choice] of scan.picks) await answerQuickPick(page, title, choice);
      await page
        .locator('.tab', { hasText: scan.tab })
        .first()
        .waitFor({ state: 'visible', timeout: 300_000 });
      await rows.first().waitFor({ state: 'visible', timeout: 300_000 });
    };

    await check(tally, 'the workbench loads with the extension', async () => {
      await waitForWorkbench(page);
    });

    for (const scan of scans) {
      const cli = await cliScanWith(
        join(repoRoot, 'dist/cli.js'),
        scan.cli,
        mkdtempSync(join(work.tmpDir, 'cli-')),
      );
      await check(tally, `F1 → "${scan.palette}" opens its panel`, () => openPanel(scan));

      await check(
        tally,
        `${scan.tab}: the first ${ROWS_COMPARED} rows are the CLI's, with thumbnails`,
        async () => {
          for (let position = 0; position < Math.min(ROWS_COMPARED, cli.samples.length); position++) {
            const row = rows.nth(position);
            const cells = await row.locator('.cell').allInnerTexts();
            assert.deepEqual(
              cells.map((text) => text.trim()),
              expectedCells(cli, position),
              `row ${position + 1}`,
            );
            const loaded = await row
              .locator('img')
              .evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth === 28);
            assert.ok(loaded, `row ${position + 1}: the 28×28 thumbnail did not load`);
          }
          for (const selector of scan.views) {
            await results.locator(selector).first().waitFor({ state: 'visible', timeout: 30_000 });
          }
          console.log(`    screenshot: ${await session.screenshot(`${slug(scan.tab)}-dark`)}`);
        },
      );

      await check(tally, `${scan.tab}: a click on a row opens that sample in the editor`, async () => {
        const target = cli.samples[2];
        await rows.nth(2).click();
        // The sample opens beside the panel, in the group that then has focus.
        const activeTab = page.locator('.editor-group-container.active .tab.active');
        await activeTab
          .filter({ hasText: basename(target.id) })
          .waitFor({ state: 'visible', timeout: 30_000 });
        // File names are unique in this dataset (t10k-<index>.png and the attacks' names), so the name identifies the sample.
        assert.equal(await activeTab.getAttribute('data-resource-name'), basename(target.id));
        // VS Code's image preview (a webview of its own) shows the 28×28 sample.
        assert.equal(await previewedImageWidth(page, basename(target.id)), 28);
      });
    }
    console.log(`    screenshot: ${await session.screenshot('sample-opened')}`);

    await check(
      tally,
      'in the light theme, every panel shows again (from the cache), for the screenshots',
      async () => {
        await switchToLightTheme(page);
        for (const scan of scans) {
          await openPanel(scan);
          for (const selector of scan.views)
            await results.locator(selector).first().waitFor({ state: 'visible', timeout: 30_000 });
          console.log(`    screenshot: ${await session.screenshot(`${slug(scan.tab)}-light`)}`);
        }
      },
    );

    await check(
      tally,
      "a results row's explain button opens the saliency panel for that sample",
      async () => {
        await openPanel(scans[0]);
        const row = rows.first();
        const id = (await row.locator('.cell-id').innerText()).trim();
        await row.hover();
        await row.locator('.row-explain').click();
        const saliency = await saliencyFrame(page, '.map-card[data-status="done"] .map-canvas');
        const facts = await saliency.locator('.results-facts').innerText();
        assert.ok(facts.includes(basename(id)), `the panel explains another file: ${facts}`);
        const [reading] = await readMapCanvases(saliency);
        assert.ok(reading && reading.distinct >= 16, 'the map canvas is uniform');
        console.log(`    screenshot: ${await session.screenshot('row-explained-light')}`);
      },
    );
  });
});
