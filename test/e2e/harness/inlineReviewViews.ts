/**
 * Inline review as the user sees it, for the UI test (runUiTest.ts): after
 * Find Label Issues on the image folder, a flagged image in the Explorer
 * carries the MARGIN badge ("!") and its class folder the count of its flagged
 * images; after Find Label Issues on a manifest CSV, the Problems panel lists
 * the MARGIN flags, the editor underlines the rows, and the quick-fix menu on
 * a flagged row offers "Relabel to …" and "Mark as reviewed". Nothing is
 * applied: the manifest stays byte for byte as written. Screenshots in the dark
 * and the light theme. (What the fixes do is the in-host suite's review.test.ts.)
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ScanResult, SampleResult } from '../../../src/protocol/engine';
import { LABEL_SCORERS } from '../../../src/engine/tasks/labels/scorers';
import { writeReviewManifest } from '../suite/reviewManifest';
import type { Tally } from './part';
import type { Session } from './session';
import { answerQuickPick, check, quickInput, runFromPalette, switchToLightTheme } from './workbenchSteps';

const MANIFEST_FOLDER = 'review-manifest';
/** 20 images of each of the 10 classes, 2 of each relabelled on purpose: as review.test.ts. */
const MANIFEST_PER_CLASS = 20;
const MANIFEST_CHANGED_PER_CLASS = 2;

type Theme = 'dark' | 'light';

/** The flagged samples of a labels result with no decisions yet: the top of the ranking down to the engine's estimate. */
function flaggedOf(result: ScanResult): SampleResult[] {
  const cut = result.metrics?.estimatedIssues;
  assert.equal(typeof cut, 'number', 'the labels result carries metrics.estimatedIssues');
  return [...result.samples].sort((a, b) => a.rank - b.rank).slice(0, Math.round(cut!));
}

async function switchToDarkTheme(page: Page): Promise<void> {
  await runFromPalette(page, 'Preferences: Toggle between Light/Dark Themes');
  await page.locator('.monaco-workbench.vs-dark').waitFor({ state: 'attached', timeout: 30_000 });
}

async function withRetries(step: () => Promise<void>, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

/** Hides the panel (Problems) if it shows, so the Explorer has the screenshot to itself. */
async function hidePanel(page: Page): Promise<void> {
  const panel = page.locator('.monaco-workbench .part.panel');
  if (!(await panel.isVisible())) return;
  await runFromPalette(page, 'View: Hide Panel');
  await panel.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** The badge text a decorated Explorer row draws after its label (VS Code puts it in a CSS ::after). */
async function explorerBadge(page: Page, name: string): Promise<{ badge: string; classes: string }> {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  const deadline = Date.now() + 15_000;
  for (;;) {
    const found = await row
      .locator('.monaco-icon-label')
      .first()
      .evaluate((label) => {
        const decorated = [label, ...Array.from(label.querySelectorAll('*'))].map(
          (node) => getComputedStyle(node, '::after').content,
        );
        const content = decorated.find((text) => text && text !== 'none' && text !== 'normal') ?? '';
        return { badge: content.replace(/^"|"$/g, ''), classes: label.className };
      });
    if (found.badge || Date.now() > deadline) return found;
    await page.waitForTimeout(250);
  }
}

/**
 * Reveals the first flagged image that has another label suggested in the
 * Explorer: its row has the "!" badge and, on hover, the flag's message; its
 * class folder has the count of that folder's flagged images.
 */
async function showExplorerBadges(session: Session, labels: ScanResult, theme: Theme): Promise<void> {
  const { page } = session;
  const flagged = flaggedOf(labels);
  const sample = flagged.find((candidate) => candidate.suggested !== candidate.label);
  assert.ok(sample, 'no flagged image with another label suggested');
  const [folder, fileName] = sample.id.split('/');
  const inFolder = flagged.filter((candidate) => candidate.id.startsWith(`${folder}/`)).length;

  await runFromPalette(page, 'View: Close All Editors');
  await hidePanel(page);
  await quickInput(page, fileName, fileName);
  await page
    .locator('.editor-group-container.active .tab.active', { hasText: fileName })
    .waitFor({ state: 'visible', timeout: 30_000 });
  // The image preview takes focus a moment after its tab shows, which can close the palette: try again.
  await withRetries(() => runFromPalette(page, 'File: Reveal Active File in Explorer View', 10_000));

  const file = await explorerBadge(page, fileName);
  assert.equal(file.badge, '!', `${fileName}'s Explorer row badge (classes: ${file.classes})`);
  const folderBadge = await explorerBadge(page, folder);
  assert.equal(folderBadge.badge, String(Math.min(inFolder, 99)), `${folder}'s badge`);

  // The decoration's tooltip joins the row's hover.
  const row = page.locator('.explorer-folders-view .monaco-list-row', { hasText: fileName }).first();
  await row.hover();
  const hover = page.locator('.workbench-hover, .monaco-hover', { hasText: 'MARGIN' }).first();
  await hover.waitFor({ state: 'visible', timeout: 15_000 });
  const text = await hover.innerText();
  assert.ok(text.includes(`suggested: "${String(sample.suggested)}"`), `the hover says: ${text}`);
  console.log(`    screenshot: ${await session.screenshot(`explorer-badges-${theme}`)}`);
  await page.mouse.move(700, 450);
}

/**
 * Find Label Issues on the manifest, then: Problems lists MARGIN flags with a
 * suggestion; the first such entry opens the manifest at its row, which is
 * underlined; Ctrl+. there lists "Relabel to <the suggestion>" and "Mark as
 * reviewed". The menu is closed with Escape; the file does not change.
 */
async function showManifestDiagnostics(session: Session, manifest: string, theme: Theme): Promise<void> {
  const { page } = session;
  const original = readFileSync(manifest);
  await runFromPalette(page, 'View: Close All Editors');
  await runFromPalette(page, 'MARGIN: Find Label Issues');
  await answerQuickPick(page, 'MARGIN: which dataset?', `${MANIFEST_FOLDER}/labels.csv`);
  const results = page.frameLocator('iframe.webview').frameLocator('#active-frame');
  await page
    .locator('.tab', { hasText: 'labels.csv' })
    .first()
    .waitFor({ state: 'visible', timeout: 300_000 });
  await results.locator('.result-row').first().waitFor({ state: 'visible', timeout: 300_000 });

  await runFromPalette(page, 'Problems: Focus on Problems View');
  const problems = page.locator('.markers-panel .monaco-list-row');
  const suggesting = problems.filter({ hasText: /MARGIN.*suggested: "/ });
  await suggesting.first().waitFor({ state: 'visible', timeout: 30_000 });
  const entry = await suggesting.first().innerText();
  const suggestion = /suggested: "([^"]+)"/.exec(entry)?.[1];
  assert.ok(suggestion, `no suggestion in the Problems entry: ${entry}`);

  // Opening the entry puts the cursor on its row, in the manifest's editor.
  await suggesting.first().click();
  await page.keyboard.press('Enter');
  const editor = page.locator('.editor-group-container.active');
  await editor
    .locator('.tab.active', { hasText: 'labels.csv' })
    .waitFor({ state: 'visible', timeout: 30_000 });
  await editor
    .locator('.monaco-editor [class*="squiggly-"]')
    .first()
    .waitFor({ state: 'attached', timeout: 30_000 });
  await editor.locator('.monaco-editor textarea').first().focus();

  const menu = page.locator('.action-widget');
  const relabel = menu.locator('.monaco-list-row', { hasText: `Relabel to ${suggestion}` });
  const reviewed = menu.locator('.monaco-list-row', { hasText: 'Mark as reviewed' });
  await page.keyboard.press('Control+.');
  await relabel.first().waitFor({ state: 'visible', timeout: 30_000 });
  await reviewed.first().waitFor({ state: 'visible', timeout: 5_000 });
  console.log(`    screenshot: ${await session.screenshot(`inline-review-diagnostics-${theme}`)}`);
  await page.keyboard.press('Escape');
  await menu.waitFor({ state: 'hidden', timeout: 10_000 });
  assert.equal(readFileSync(manifest).equals(original), true, 'the manifest changed');
}

/**
 * The scenario, in the dark theme (the session's) and then the light one; it
 * leaves the dark theme on, the image folder's result as the latest, and the
 * workspace without the manifest. `scanImages` runs Find Label Issues on the
 * image folder (from the cache) and waits for its panel; `labels` is the CLI's
 * result for it.
 */
export async function checkInlineReviewViews(
  session: Session,
  tally: Tally,
  labels: ScanResult,
  scanImages: () => Promise<void>,
): Promise<void> {
  const { page, work } = session;
  const { file: manifest } = writeReviewManifest(
    work.workspace,
    MANIFEST_FOLDER,
    MANIFEST_PER_CLASS,
    MANIFEST_CHANGED_PER_CLASS,
  );
  try {
    for (const theme of ['dark', 'light'] as const) {
      if (theme === 'light') await switchToLightTheme(page);
      await check(
        tally,
        `${theme}: a flagged image in the Explorer has the MARGIN badge and tooltip, its class folder the count`,
        async () => {
          await scanImages();
          await showExplorerBadges(session, labels, theme);
        },
      );
      await check(
        tally,
        `${theme}: on a manifest, Problems lists the MARGIN flags and the quick fixes are Relabel to … and Mark as reviewed`,
        () => showManifestDiagnostics(session, manifest, theme),
      );
    }
    await switchToDarkTheme(page);
    await runFromPalette(page, 'View: Close All Editors');
    await hidePanel(page);
  } finally {
    rmSync(join(work.workspace, MANIFEST_FOLDER), { recursive: true, force: true });
  }
  // The rest of the part reads the image folder's flags.
  await scanImages();
}

/**
 * MARGIN: Calibrate on This Dataset on the image folder: its panel's table has
 * a row per label scorer, exactly one recommended, each with recall figures.
 * Screenshots in the current theme and in the other one; it leaves the theme
 * as it found it. Late in the part: the stored recommendation changes the
 * scorer later scans of the image folder use.
 */
export async function checkCalibratePanel(session: Session, tally: Tally, theme: Theme): Promise<void> {
  const { page } = session;
  const panel = page.frameLocator('iframe.webview').frameLocator('#active-frame');
  const rows = panel.locator('.calibration-table .calibration-row');
  await check(
    tally,
    'MARGIN: Calibrate on This Dataset: its panel has a row per label scorer, one recommended',
    async () => {
      await runFromPalette(page, 'View: Close All Editors');
      await runFromPalette(page, 'MARGIN: Calibrate on This Dataset');
      await answerQuickPick(page, 'MARGIN: which dataset?', 'images');
      await page
        .locator('.tab', { hasText: 'MARGIN: Scorer calibration · images' })
        .first()
        .waitFor({ state: 'visible', timeout: 300_000 });
      await rows.first().waitFor({ state: 'visible', timeout: 300_000 });
      const scorers = await rows.evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.scorer));
      assert.deepEqual([...scorers].sort(), LABEL_SCORERS.map((scorer) => scorer.name).sort());
      assert.equal(await panel.locator('.calibration-row.is-recommended').count(), 1, 'recommended rows');
      for (const row of await rows.all()) {
        if ((await row.getAttribute('class'))?.includes('is-unavailable')) continue;
        const means = await row.locator('.calibration-mean').allInnerTexts();
        assert.ok(
          means.length > 0 && means.every((text) => /\d/.test(text)),
          `recall figures: ${means.join(' ')}`,
        );
      }
      console.log(`    screenshot: ${await session.screenshot(`calibration-${theme}`)}`);
      const other: Theme = theme === 'dark' ? 'light' : 'dark';
      const switchTo = (to: Theme) => (to === 'light' ? switchToLightTheme(page) : switchToDarkTheme(page));
      await switchTo(other);
      await rows.first().waitFor({ state: 'visible', timeout: 30_000 });
      console.log(`    screenshot: ${await session.screenshot(`calibration-${other}`)}`);
      await switchTo(theme);
    },
  );
}
