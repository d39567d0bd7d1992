/**
 * Renders the calibration webview (`dist/webview/calibrate.js`,
 * `media/calibrate.css`) outside VS Code in headless Chromium, in the light,
 * dark and high-contrast themes, for a calibration computed by the real CLI
 * on the fixture manifest, and writes screenshots to .out/calibrate-*.png.
 * Checks what preview.ts checks: CSP violations, console errors, text under
 * 4.5:1 contrast; and that the button posts `findLabelIssues`.
 *
 *   npm run build && npx tsx test/webview-preview/calibrate.ts
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCalibrationPayload } from '../../src/extension/calibrate/calibratePayload';
import type { CalibrationPayload } from '../../src/protocol/calibratePanel';
import type { CalibrationResult } from '../../src/protocol/engine';
import { lowContrastText } from './preview';
import {
  cspViolations,
  launchBrowser,
  loadUntilReady,
  openPreviewPage,
  pageHtml,
  printVerdict,
} from './previewPage';
import { THEMES } from './themes';

const ROOT = join(__dirname, '../..');
const OUT = join(__dirname, '.out');

function calibration(): CalibrationPayload {
  const fmnist = join(ROOT, 'test/fixtures/fmnist');
  const stdout = execFileSync(
    process.execPath,
    [
      join(ROOT, 'dist/cli.js'),
      'calibrate',
      '--data',
      join(fmnist, 'manifest.csv'),
      '--model',
      join(fmnist, 'model.onnx'),
      '--json',
      '--quiet',
    ],
    { cwd: mkdtempSync(join(tmpdir(), 'margin-preview-')), encoding: 'utf8' },
  );
  const result = JSON.parse(stdout) as CalibrationResult;
  // One scorer that cannot run, as a calibration without a model shows it.
  result.scorers.push({
    scorer: 'needs-model',
    description: 'a scorer that needs the model’s outputs',
    recall: [],
    unavailable: 'needs a model',
  });
  return buildCalibrationPayload(result);
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/webview/calibrate.js'))) throw new Error('run `npm run build` first');
  mkdirSync(OUT, { recursive: true });
  const payload = calibration();
  const html = pageHtml('calibrate', 'MARGIN calibration preview');
  const browser = await launchBrowser();
  let failed = 0;
  try {
    for (const [name, theme] of Object.entries(THEMES)) {
      const { page, errors: problems } = await openPreviewPage(browser, html, theme, {
        width: 1000,
        height: 700,
      });
      await loadUntilReady(page);
      await page.evaluate((data) => window.postMessage({ type: 'calibration', payload: data }, '*'), payload);
      await page.waitForFunction(() => document.getElementById('app')?.getAttribute('aria-busy') === 'false');
      await page.evaluate(() => document.fonts.ready);
      await page.waitForTimeout(150);
      await page.screenshot({ path: join(OUT, `calibrate-${name}.png`), fullPage: true });
      problems.push(...(await page.evaluate(lowContrastText)));
      const rows = await page.locator('.calibration-row').count();
      if (rows !== payload.rows.length) problems.push(`${rows} rows for ${payload.rows.length} scorers`);
      await page.locator('.calibration-scan').click();
      const last = await page.evaluate(() =>
        (window as unknown as { posted: { type: string }[] }).posted.at(-1),
      );
      if (last?.type !== 'findLabelIssues') problems.push(`the button posted ${JSON.stringify(last)}`);
      problems.push(...(await cspViolations(page)));
      if (problems.length) failed++;
      printVerdict(`calibrate-${name}`, problems);
    }
  } finally {
    await browser.close();
  }
  console.log(`screenshots in ${OUT}`);
  process.exitCode = failed ? 1 : 0;
}

void main();
