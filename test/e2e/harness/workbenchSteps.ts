/**
 * The steps the UI parts (runUiTest.ts, runSaliencyUiTest.ts) take in the
 * workbench: a session that leaves a screenshot when it fails, the quick
 * input (palette commands and Go to File), the switch to the light theme, and
 * a check that prints a line and counts.
 */
import type { Page } from 'playwright-core';
import type { Tally } from './part';
import { openSession, type Session, type SessionOptions } from './session';

/**
 * Types `text` into the quick input (F1; `>title` runs a command, a file name
 * opens the file) and takes the row that shows `rowText`. Commands appear only
 * once the extension host has activated (seconds after the workbench shows),
 * so it is retried until `timeoutMs`.
 */
export async function quickInput(
  page: Page,
  text: string,
  rowText: string,
  timeoutMs = 90_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first();
  for (;;) {
    // Keys typed while an editor's webview (the image preview, our panels) has focus
    // stay in its iframe: hand focus back to the workbench first.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill(text);
    try {
      await row.waitFor({ state: 'visible', timeout: 3_000 });
      await page.keyboard.press('Enter');
      return;
    } catch {
      await page.keyboard.press('Escape');
      if (Date.now() > deadline) throw new Error(`the quick input never offered "${rowText}" for "${text}"`);
      await page.waitForTimeout(1_000);
    }
  }
}

/** Runs the command titled `title` from the palette. */
export function runFromPalette(page: Page, title: string, timeoutMs?: number): Promise<void> {
  return quickInput(page, `>${title}`, title, timeoutMs);
}

/** Switches the workbench from the dark theme (the session's) to the light one, and waits until it shows. */
export async function switchToLightTheme(page: Page): Promise<void> {
  await runFromPalette(page, 'Preferences: Toggle between Light/Dark Themes');
  await page.locator('.monaco-workbench.vs:not(.vs-dark)').waitFor({ state: 'attached', timeout: 30_000 });
}

/** Each check prints a line and counts; the first failure ends the part (later checks depend on it). */
export async function check(tally: Tally, name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    console.log(`  ✗ ${name}`);
    throw error;
  }
  tally.passed += 1;
  console.log(`  ✓ ${name}`);
}

/** Runs `body` in a new code-server session; a failure leaves failure.png, and the session closes either way. */
export async function inSession(
  options: SessionOptions,
  body: (session: Session) => Promise<void>,
): Promise<void> {
  const session = await openSession(options);
  try {
    await body(session);
  } catch (error) {
    await session.screenshot('failure').catch(() => undefined);
    throw error;
  } finally {
    await session.close();
  }
}

/**
 * Answers a quick pick titled `title` by typing `choice` and taking the first
 * match. Resolves without doing anything if no such pick shows up in `timeoutMs`
 * (a command that found only one candidate does not ask).
 */
export async function answerQuickPick(
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
