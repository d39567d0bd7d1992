/**
 * A dataset outside the workspace, as the UI test (runUiTest.ts) sees it: the
 * results panel may not read that folder, so its thumbnails do not load and a
 * warning asks "Show Images From This Folder / Add Folder to Workspace". Show
 * Images lets the open panel load them (no reopening); MARGIN: Forget Folders
 * Allowed for Thumbnails takes that back. The dataset is named the way the
 * dataset question tells users to skip it: `margin.dataPath` in the
 * workspace's settings.
 */
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { onCleanup, type Tally } from './part';
import { fixtureDir } from './paths';
import type { Session } from './session';
import { check, runFromPalette } from './workbenchSteps';

/**
 * The system's temporary folder, read when this module loads: before the
 * session points TMPDIR into the profile. Not under test/e2e/.work/: that is
 * inside the clone, which is the extension's own folder in these runs, and a
 * panel may read the extension's folder, so nothing there is refused.
 */
const systemTempDir = tmpdir();
/** The panel's tab names the dataset by this folder name. */
const DATASET_NAME = 'outside-dataset';
/** Three classes of eight: more than the 20 neighbours a labels scan needs (k = 20), and fast. */
const CLASSES = ['Bag', 'Sandal', 'Trouser'];
const IMAGES_PER_CLASS = 8;
/** The example's images are 28×28. */
const THUMBNAIL_WIDTH = 28;

const SHOW_IMAGES = 'Show Images From This Folder';
const ADD_TO_WORKSPACE = 'Add Folder to Workspace';

/** A few images of each class, copied into a fresh folder outside the clone (removed when the part ends). */
async function makeOutsideDataset(): Promise<string> {
  const parent = await mkdtemp(join(systemTempDir, 'margin-e2e-'));
  onCleanup(() => rm(parent, { recursive: true, force: true }));
  const dataset = join(parent, DATASET_NAME);
  for (const label of CLASSES) {
    const from = join(fixtureDir, 'images', label);
    const files = (await readdir(from)).filter((name) => name.endsWith('.png')).sort();
    await mkdir(join(dataset, label), { recursive: true });
    for (const file of files.slice(0, IMAGES_PER_CLASS))
      await cp(join(from, file), join(dataset, label, file));
  }
  return dataset;
}

interface Thumbnail {
  complete: boolean;
  naturalWidth: number;
}

/**
 * Polls the rows' thumbnails until every one has finished (loaded or failed)
 * and `settled` holds for them; answers the last reading either way, so the
 * assertion that follows says what was on screen.
 */
async function settledThumbnails(
  results: FrameLocator,
  settled: (thumbnails: Thumbnail[]) => boolean,
  timeoutMs = 30_000,
): Promise<Thumbnail[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const thumbnails = await results
      .locator('.result-row img')
      .evaluateAll((images) =>
        images.map((img) => ({
          complete: (img as HTMLImageElement).complete,
          naturalWidth: (img as HTMLImageElement).naturalWidth,
        })),
      )
      .catch((): Thumbnail[] => []); // the panel's document is being replaced
    const finished = thumbnails.length > 0 && thumbnails.every((thumbnail) => thumbnail.complete);
    if ((finished && settled(thumbnails)) || Date.now() > deadline) return thumbnails;
    await new Promise((done) => setTimeout(done, 200));
  }
}

const noneLoaded = (thumbnails: Thumbnail[]) => thumbnails.every((thumbnail) => thumbnail.naturalWidth === 0);
const allLoaded = (thumbnails: Thumbnail[]) =>
  thumbnails.every((thumbnail) => thumbnail.naturalWidth === THUMBNAIL_WIDTH);
const describe = (thumbnails: Thumbnail[]) =>
  `${thumbnails.length} thumbnail(s), natural widths ${thumbnails.map((t) => (t.complete ? t.naturalWidth : 'pending')).join(' ')}`;

/**
 * The warning about `folder`: a toast, or, if the toast already timed out
 * (18 s for warnings), the same item in the notification center.
 */
async function refusedFolderNotification(page: Page, folder: string): Promise<Locator> {
  const item = page.locator('.notification-list-item', { hasText: folder }).first();
  try {
    await item.waitFor({ state: 'visible', timeout: 15_000 });
  } catch {
    await runFromPalette(page, 'Notifications: Show Notifications');
    await item.waitFor({ state: 'visible', timeout: 10_000 });
  }
  return item;
}

/** Which of `locators` becomes visible first (the others' waits are dropped). */
async function firstVisible(locators: Record<string, Locator>, timeoutMs: number): Promise<string> {
  return Promise.any(
    Object.entries(locators).map(([name, locator]) =>
      locator.waitFor({ state: 'visible', timeout: timeoutMs }).then(() => name),
    ),
  );
}

/**
 * Runs Find Label Issues on the outside folder and waits for its rows. VS Code
 * reads the settings file a moment after it is written: if the scan still asks
 * which dataset, the setting was not seen yet, so the question is closed and
 * the command run again.
 */
async function scanOutsideFolder(page: Page, results: FrameLocator): Promise<void> {
  const panelTab = page.locator('.tab', { hasText: `Label issues · ${DATASET_NAME}` }).first();
  const datasetQuestion = page.locator('.quick-input-widget', { hasText: 'MARGIN: which dataset?' });
  const deadline = Date.now() + 60_000;
  for (;;) {
    await runFromPalette(page, 'View: Close All Editors');
    await runFromPalette(page, 'MARGIN: Find Label Issues');
    const shown = await firstVisible({ panelTab, datasetQuestion }, 120_000);
    if (shown === 'panelTab') break;
    await page.keyboard.press('Escape');
    if (Date.now() > deadline)
      throw new Error('the scan never used margin.dataPath from the workspace settings');
  }
  await results.locator('.result-row').first().waitFor({ state: 'visible', timeout: 120_000 });
}

/** The scenario: three checks, counted into `tally`. Leaves the workspace's settings as it found them. */
export async function checkOutsideThumbnails(
  session: Session,
  tally: Tally,
  results: FrameLocator,
): Promise<void> {
  const { page, work } = session;
  const settingsFolder = join(work.workspace, '.vscode');
  const outsideFolder = await makeOutsideDataset();
  await mkdir(settingsFolder, { recursive: true });
  await writeFile(
    join(settingsFolder, 'settings.json'),
    JSON.stringify({ 'margin.dataPath': outsideFolder }, null, 2),
  );
  try {
    await check(
      tally,
      `a dataset outside the workspace (margin.dataPath = ${outsideFolder}): Find Label Issues lists its samples without thumbnails, and a warning names the folder with both choices`,
      async () => {
        await scanOutsideFolder(page, results);
        // The grid draws only the rows in view: each of them is a sample of the outside folder.
        const ids = await results.locator('.result-row .cell-id').allInnerTexts();
        const ofOutside = new RegExp(`^(${CLASSES.join('|')})/t10k-\\d+\\.png$`);
        assert.ok(ids.length > 0 && ids.every((id) => ofOutside.test(id.trim())), `rows: ${ids.join(', ')}`);
        const before = await settledThumbnails(results, noneLoaded);
        assert.ok(before.length > 0 && noneLoaded(before), `before the grant: ${describe(before)}`);
        const warning = await refusedFolderNotification(page, outsideFolder);
        assert.match(await warning.innerText(), /outside this workspace/);
        for (const name of [SHOW_IMAGES, ADD_TO_WORKSPACE])
          await warning.getByRole('button', { name }).waitFor({ state: 'visible', timeout: 5_000 });
        console.log(`    screenshot: ${await session.screenshot('outside-thumbnails-refused-light')}`);
      },
    );

    await check(tally, `"${SHOW_IMAGES}": the open panel's thumbnails load`, async () => {
      const warning = await refusedFolderNotification(page, outsideFolder);
      await warning.getByRole('button', { name: SHOW_IMAGES }).click();
      const after = await settledThumbnails(results, allLoaded);
      assert.ok(after.length > 0 && allLoaded(after), `after the grant: ${describe(after)}`);
      console.log(`    screenshot: ${await session.screenshot('outside-thumbnails-shown-light')}`);
    });

    await check(
      tally,
      'MARGIN: Forget Folders Allowed for Thumbnails: the panel stops showing them',
      async () => {
        await runFromPalette(page, 'MARGIN: Forget Folders Allowed for Thumbnails');
        await page
          .locator('.notification-list-item', { hasText: 'forgot 1 folder(s) allowed for thumbnails' })
          .first()
          .waitFor({ state: 'visible', timeout: 15_000 });
        const forgotten = await settledThumbnails(results, noneLoaded);
        assert.ok(forgotten.length > 0 && noneLoaded(forgotten), `after forgetting: ${describe(forgotten)}`);
        console.log(`    screenshot: ${await session.screenshot('outside-thumbnails-forgotten-light')}`);
      },
    );
  } finally {
    await rm(settingsFolder, { recursive: true, force: true });
  }
}
