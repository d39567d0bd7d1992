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
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildCalibrationPayload } from '../../src/extension/calibrate/calibratePayload';
import { buildResultsHtml } from '../../src/extension/results/resultsHtml';
import type { CalibrationPayload } from '../../src/protocol/calibratePanel';
import type { CalibrationResult } from '../../src/protocol/engine';
import { ORIGIN } from './payloads';
import { fileFor, installStub, lowContrastText } from './preview';
import { THEMES } from './themes';

const ROOT = join(__dirname, '../..');
const OUT = join(__dirname, '.out');
const NONCE = 'previewNonce0123456789abcdefABCD';

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
  const html = buildResultsHtml({
    cspSource: ORIGIN,
    nonce: NONCE,
    scriptUri: `${ORIGIN}/dist/webview/calibrate.js`,
    styleUri: `${ORIGIN}/media/calibrate.css`,
    codiconsUri: `${ORIGIN}/codicons/codicon.css`,
    title: 'MARGIN calibration preview',
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  let failed = 0;
  try {
    for (const [name, theme] of Object.entries(THEMES)) {
      const page = await (await browser.newContext({ viewport: { width: 1000, height: 700 } })).newPage();
      const problems: string[] = [];
      page.on(
        'console',
        (message) => message.type() === 'error' && problems.push(`console: ${message.text()}`),
      );
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      await page.addInitScript({ content: 'window.__name = (fn) => fn;' });
      await page.addInitScript(installStub, theme);
      await page.route(`${ORIGIN}/**`, async (route) => {
        const path = new URL(route.request().url()).pathname;
        if (path === '/index.html') return route.fulfill({ body: html, contentType: 'text/html' });
        const file = fileFor(path);
        if (!file || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
        const types: Record<string, string> = {
          '.js': 'text/javascript',
          '.css': 'text/css',
          '.ttf': 'font/ttf',
        };
        return route.fulfill({
          body: readFileSync(file),
          contentType: types[extname(file)] ?? 'application/octet-stream',
        });
      });
      await page.goto(`${ORIGIN}/index.html`);
      await page.waitForFunction(() =>
        (window as unknown as { posted: { type: string }[] }).posted.some((m) => m.type === 'ready'),
      );
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
      const violations = await page.evaluate(
        () => (window as unknown as { violations: string[] }).violations,
      );
      problems.push(...violations.map((violation) => `CSP: ${violation}`));
      if (problems.length) failed++;
      console.log(
        `${problems.length ? '✗' : '✓'} calibrate-${name}${problems.map((p) => `\n    ${p}`).join('')}`,
      );
    }
  } finally {
    await browser.close();
  }
  console.log(`screenshots in ${OUT}`);
  process.exitCode = failed ? 1 : 0;
}

void main();
