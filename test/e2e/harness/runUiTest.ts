/**
 * Part 2 of the end-to-end run: a user's path through the real workbench UI in
 * headless Chromium. For each scan command: F1 → the command, the dataset (and,
 * for adversarial inputs, the reference set) picked in VS Code's quick pick, the
 * results webview lists the rows the CLI ranks first for the same files, and a
 * click on a row opens that sample in the editor. The task's own views (the
 * score histogram, the prototype galleries) are on screen. A row's explain
 * button opens the saliency panel for that sample. A dataset outside the
 * workspace shows its thumbnails only once the user allows its folder
 * (outsideThumbnails.ts). Inline review shows: a flagged image's badge in
 * the Explorer, a manifest's MARGIN problems and its Relabel / Mark as reviewed
 * quick fixes, and the calibration panel's table (inlineReviewViews.ts).
 * Screenshots of every panel, in the dark and the light theme, are artifacts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import type { ScanResult } from '../../../src/protocol/engine';
import { formatValue } from '../../../webview/results/format';
import { cliScanWith, exampleScans } from '../cliReference';
import { checkCalibratePanel, checkInlineReviewViews } from './inlineReviewViews';
import { checkOutsideThumbnails } from './outsideThumbnails';
import { partTimeLimitMs, runPart } from './part';
import { repoRoot } from './paths';
import { readMapCanvases, saliencyFrame } from './saliencyFrame';
import { waitForWorkbench } from './session';
import { answerQuickPick, check, inSession, runFromPalette, switchToLightTheme } from './workbenchSteps';

const PART_TIME_LIMIT_MS = partTimeLimitMs(12 * 60_000);
const ROWS_COMPARED = 8;

/**
 * Opens the MARGIN view (activity bar) and expands Label issues: the tree
 * names the workspace's model and image folder, and the task's first flagged
 * sample is the CLI's top-ranked one (its file name, as the item's label).
 */
async function checkSidePanel(page: Page, cli: ScanResult): Promise<void> {
  await runFromPalette(page, 'MARGIN Lens: Focus on Review View');
  const tree = page.locator('.part.sidebar .monaco-list');
  const row = (text: string) => tree.locator('.monaco-list-row', { hasText: text }).first();
  await row('model.onnx').waitFor({ state: 'visible', timeout: 30_000 });
  await row('images').waitFor({ state: 'visible', timeout: 30_000 });
  const task = row('Label issues');
  await task.waitFor({ state: 'visible', timeout: 30_000 });
  if ((await task.getAttribute('aria-expanded')) !== 'true') await task.click();
  await row(basename(cli.samples[0].id)).waitFor({ state: 'visible', timeout: 30_000 });
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

/** What a row's cells read: rank, thumbnail (no text), sample, the task's columns, review, score. */
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
    '', // Review: no decision yet in a fresh workspace
    sample.score.toFixed(3),
  ];
}

/**
 * Selects the second row: the detail pane shows that sample, enlarged, with
 * the CLI's neighbours in the CLI's order and their labels; the histogram has
 * bars; the map's canvas has dots of several colours.
 */
async function checkDetailPane(results: FrameLocator, rows: Locator, cli: ScanResult): Promise<void> {
  const sample = cli.samples[1];
  await rows.nth(1).click();
  const pane = results.locator('.detail-pane');
  await pane.locator('.neighbour-tile').first().waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await pane.getAttribute('data-index'), String(sample.index));
  assert.equal((await pane.locator('.detail-id').innerText()).trim(), sample.id);
  const image = await pane
    .locator('.detail-image')
    .evaluate((img: HTMLImageElement) => ({ width: img.clientWidth, natural: img.naturalWidth }));
  assert.ok(image.natural === 28 && image.width >= 4 * 28, `the sample shows ${image.width}px wide`);
  const neighbours = sample.neighbours ?? [];
  assert.ok(neighbours.length > 0, 'the CLI result has no neighbours for the sample');
  const byIndex = new Map(cli.samples.map((other) => [other.index, other]));
  const tiles = await pane
    .locator('.neighbour-tile')
    .evaluateAll((nodes) =>
      nodes.map((node) => [
        Number((node as HTMLElement).dataset.index),
        node.querySelector('.neighbour-label')?.textContent ?? '',
      ]),
    );
  assert.deepEqual(
    tiles,
    neighbours.map((index) => [index, String(byIndex.get(index)?.label ?? '—')]),
  );
  assert.ok(
    (await results.locator('.score-histogram .histogram-bar').count()) > 0,
    'the histogram has no bars',
  );
  const map = await results.locator('.map-canvas').evaluate((canvas: HTMLCanvasElement) => {
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    const colours = new Set<number>();
    let painted = 0;
    for (let i = 0; i < data.length; i += 4)
      if (data[i + 3] > 0) {
        painted++;
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      }
    return { painted, colours: colours.size };
  });
  assert.ok(map.painted > 200 && map.colours >= 3, `the map canvas: ${JSON.stringify(map)}`);
  assert.ok((await results.locator('.map-overlay .map-axis .tick').count()) > 2, 'the map has no axes');
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

    let labelIssues: ScanResult | undefined;
    for (const scan of scans) {
      const cli = await cliScanWith(
        join(repoRoot, 'dist/cli.js'),
        scan.cli,
        mkdtempSync(join(work.tmpDir, 'cli-')),
      );
      labelIssues ??= cli;
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

      if (scan === scans[0])
        await check(
          tally,
          `${scan.tab}: a selected row's detail pane lists its neighbours; the histogram and the map are drawn`,
          async () => {
            await checkDetailPane(results, rows, cli);
            console.log(`    screenshot: ${await session.screenshot(`${slug(scan.tab)}-detail-dark`)}`);
          },
        );
      await check(tally, `${scan.tab}: a double-click on a row opens that sample in the editor`, async () => {
        const target = cli.samples[2];
        // A click selects the row (the detail pane shows it); a double-click, Enter or Open opens it.
        await rows.nth(2).dblclick();
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
      'the side panel lists the model, the dataset and the flagged label issues',
      async () => {
        // After the panels, so that focusing the side panel does not change where samples open above.
        await openPanel(scans[0]);
        await checkSidePanel(page, labelIssues!);
        console.log(`    screenshot: ${await session.screenshot('side-panel-dark')}`);
      },
    );

    // Inline review: Explorer badges and the manifest's Problems and quick fixes, dark then light (ends dark).
    await checkInlineReviewViews(session, tally, labelIssues!, () => openPanel(scans[0]));

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
          if (scan === scans[0]) {
            await rows.nth(1).click();
            await results
              .locator('.detail-pane .neighbour-tile')
              .first()
              .waitFor({ state: 'visible', timeout: 30_000 });
            console.log(`    screenshot: ${await session.screenshot(`${slug(scan.tab)}-detail-light`)}`);
          }
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

    await check(
      tally,
      'Mark OK survives a window reload: the sample is still marked and no longer flagged in the side panel',
      async () => {
        await openPanel(scans[0]);
        const first = rows.first();
        const id = (await first.locator('.cell-id').innerText()).trim();
        await first.click();
        await results.locator('.detail-pane button', { hasText: 'Mark OK' }).click();
        const marked = rows.filter({ hasText: id }).locator('.cell-review', { hasText: 'OK' });
        await marked.waitFor({ state: 'visible', timeout: 30_000 });

        await runFromPalette(page, 'Developer: Reload Window');
        await page.waitForTimeout(2_000); // the old workbench is still on screen for a moment
        await waitForWorkbench(page, 120_000);
        await openPanel(scans[0]);
        await marked.waitFor({ state: 'visible', timeout: 60_000 });
        await runFromPalette(page, 'MARGIN Lens: Focus on Review View');
        const tree = page.locator('.part.sidebar .monaco-list');
        const task = tree.locator('.monaco-list-row', { hasText: 'Label issues' }).first();
        await task.waitFor({ state: 'visible', timeout: 30_000 });
        if ((await task.getAttribute('aria-expanded')) !== 'true') await task.click();
        // The task's other flagged samples are listed; the reviewed one is not.
        await tree
          .locator('.monaco-list-row[aria-level="2"]')
          .first()
          .waitFor({ state: 'visible', timeout: 30_000 });
        const listed = await tree.locator('.monaco-list-row', { hasText: basename(id) }).count();
        assert.equal(listed, 0, `${id} is still listed as flagged after Mark OK and a reload`);
        console.log(`    screenshot: ${await session.screenshot('reviewed-after-reload')}`);
      },
    );

    // After the scans it would change (it stores a recommended scorer for the image folder).
    await checkCalibratePanel(session, tally, 'light');

    // Last: it sets margin.dataPath for a while, which would skip the dataset question above.
    await checkOutsideThumbnails(session, tally, results);
  });
});
