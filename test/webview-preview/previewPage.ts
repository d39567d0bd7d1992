/**
 * What every panel preview (preview.ts, calibrate.ts, saliency.ts) does to put
 * a webview on a page: headless Chromium, the panel's own HTML and CSP served
 * from a fake origin with the bundle, media and codicons, a stand-in for
 * `acquireVsCodeApi` that records what the webview posts, the theme's
 * variables, and logs of console errors and CSP violations.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { packResultsPayload } from '../../src/extension/results/packRows';
import { buildWebviewHtml } from '../../src/extension/webviewHost/webviewHtml';
import type { ResultsPayload } from '../../src/protocol/resultsPanel';
import { IMAGES, ORIGIN } from './payloads';

const ROOT = join(__dirname, '../..');
const NONCE = 'previewNonce0123456789abcdefABCD';

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.ttf': 'font/ttf',
  '.html': 'text/html',
};

/** A theme as VS Code gives it to a webview: its kind (a class on <body>) and its colour variables. */
export interface PreviewTheme {
  kind: string;
  variables: Record<string, string>;
}

/** URL path → file on disk, for what the panel's HTML loads; nothing else is served. */
export function fileFor(path: string): string | undefined {
  const routes: [string, string][] = [
    ['/dist/webview/', join(ROOT, 'dist/webview')],
    ['/media/', join(ROOT, 'media')],
    ['/codicons/', join(ROOT, 'node_modules/@vscode/codicons/dist')],
    ['/data/', IMAGES],
  ];
  for (const [prefix, folder] of routes) {
    if (!path.startsWith(prefix)) continue;
    const file = normalize(join(folder, decodeURIComponent(path.slice(prefix.length))));
    return file.startsWith(folder) ? file : undefined;
  }
  return undefined;
}

/** A panel's own HTML and CSP (webviewHost/webviewHtml.ts) around the bundle `bundle`, as the host renders it. */
export function pageHtml(bundle: string, title: string): string {
  return buildWebviewHtml({
    cspSource: ORIGIN,
    nonce: NONCE,
    scriptUri: `${ORIGIN}/dist/webview/${bundle}.js`,
    styleUri: `${ORIGIN}/media/${bundle}.css`,
    codiconsUri: `${ORIGIN}/codicons/codicon.css`,
    title,
  });
}

/** Runs in the page before its scripts: a stand-in for the VS Code API (it exists only inside VS Code), the theme, and a CSP violation log. */
export function installVsCodeApiStandIn(theme: PreviewTheme): void {
  const win = window as unknown as {
    posted: unknown[];
    violations: string[];
    savedState: unknown;
    acquireVsCodeApi: () => unknown;
  };
  win.posted = [];
  win.violations = [];
  win.savedState = undefined;
  win.acquireVsCodeApi = () => ({
    postMessage: (message: unknown) => win.posted.push(message),
    getState: () => win.savedState,
    setState: (state: unknown) => (win.savedState = state),
  });
  document.addEventListener('securitypolicyviolation', (event) =>
    win.violations.push(`${event.violatedDirective}: ${event.blockedURI || event.sample || 'inline'}`),
  );
  // VS Code sets these on <html> through CSSOM and the theme kind on <body>.
  document.addEventListener('DOMContentLoaded', () => {
    for (const [name, value] of Object.entries(theme.variables))
      document.documentElement.style.setProperty(`--vscode-${name}`, value);
    document.body.classList.add(theme.kind);
    document.body.dataset.vscodeThemeKind = theme.kind;
  });
}

/** Debian's Chromium, headless, without the background traffic a screenshot does not need. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface PreviewPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught page errors, as they happen. */
  errors: string[];
}

/**
 * A page in a context of its own that serves `html` at ORIGIN/index.html (and
 * the files fileFor names) in `theme`; call `page.goto(`${ORIGIN}/index.html`)`
 * to load it.
 */
export async function openPreviewPage(
  browser: Browser,
  html: string,
  theme: PreviewTheme,
  viewport: { width: number; height: number },
): Promise<PreviewPage> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  // tsx compiles with esbuild's keepNames: functions sent to the page call its __name helper.
  await page.addInitScript({ content: 'window.__name = (fn) => fn;' });
  await page.addInitScript(installVsCodeApiStandIn, theme);
  await page.route(`${ORIGIN}/**`, async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/index.html') return route.fulfill({ body: html, contentType: 'text/html' });
    const file = fileFor(path);
    if (!file || !existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
    return route.fulfill({
      body: readFileSync(file),
      contentType: CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    });
  });
  return { context, page, errors };
}

/** Loads the page and waits until the webview has said `ready` (it listens for the host's message). */
export async function loadUntilReady(page: Page): Promise<void> {
  await page.goto(`${ORIGIN}/index.html`);
  await page.waitForFunction(() =>
    (window as unknown as { posted: { type: string }[] }).posted.some((message) => message.type === 'ready'),
  );
}

/** The CSP violations the page logged, one line each. */
export async function cspViolations(page: Page): Promise<string[]> {
  const violations = await page.evaluate(() => (window as unknown as { violations: string[] }).violations);
  return violations.map((violation) => `CSP: ${violation}`);
}

/** Prints one shot's verdict: ✓ name, or ✗ name and its problems, one a line. */
export function printVerdict(name: string, problems: readonly string[]): void {
  console.log(
    `${problems.length ? '✗' : '✓'} ${name}${problems.map((problem) => `\n    ${problem}`).join('')}`,
  );
}

/** JSON for a packed payload, its typed arrays spelled `{ typed: 'Float64Array', values: [...] }` (JSON has none). */
export function packedJson(payload: ResultsPayload): string {
  return JSON.stringify(packResultsPayload(payload), (_key, value: unknown) =>
    ArrayBuffer.isView(value)
      ? { typed: value.constructor.name, values: Array.from(value as unknown as ArrayLike<number>) }
      : value,
  );
}

/** Runs in the page: packedJson's text back to the packed payload with its typed arrays, kept as window[name]. */
export function storePackedInPage({ text, name }: { text: string; name: string }): void {
  const typed: Record<string, new (values: number[]) => unknown> = { Int32Array, Float64Array, Uint8Array };
  (window as unknown as Record<string, unknown>)[name] = JSON.parse(text, (_key, value: unknown) => {
    const spelled = value as { typed?: string; values?: number[] } | null;
    return spelled && typeof spelled.typed === 'string' && Array.isArray(spelled.values)
      ? new typed[spelled.typed](spelled.values)
      : value;
  });
}

/** Posts `payload` to the page's results webview packed, as the host does (src/extension/results/resultsPanel.ts). */
export async function postResults(page: Page, payload: ResultsPayload): Promise<void> {
  await page.evaluate(storePackedInPage, { text: packedJson(payload), name: 'packedResults' });
  await page.evaluate(() =>
    window.postMessage(
      { type: 'results', payload: (window as unknown as { packedResults: unknown }).packedResults },
      '*',
    ),
  );
}
