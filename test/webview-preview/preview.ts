/**
 * Renders the results webview for every task in headless Chromium, in the
 * light, dark and high-contrast themes, and writes PNG screenshots to
 * test/webview-preview/.out/ to look at. Not a test run by `npm test`: a
 * harness for reviewing the panel without VS Code.
 *
 *   npm run build && npx tsx test/webview-preview/preview.ts [scenario …]
 *
 * The page is the panel's own HTML (webviewHtml.ts, with its CSP) served from
 * a fake origin; a stand-in acquireVsCodeApi records the messages the webview
 * posts. Each shot also checks what a screenshot cannot show plainly: CSP
 * violations and console errors, text below 4.5:1 contrast, header cells cut
 * short, and (for some scenarios) keyboard and click behaviour. Problems are
 * listed at the end and in .out/report.json; the exit code is 1 when any.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { ResultsPayload, ResultsWebviewToHost } from '../../src/protocol/resultsPanel';
import {
  acquirePayload,
  adversarialPayload,
  boundaryPayload,
  emptyPayload,
  labelsPayload,
  prototypesPayload,
} from './payloads';
import {
  cspViolations,
  launchBrowser,
  loadUntilReady,
  openPreviewPage,
  pageHtml,
  printVerdict,
  postResults,
} from './previewPage';
import { reviewPayload } from './reviewPayload';
import { THEMES } from './themes';

const ROOT = join(__dirname, '../..');
const OUT = join(__dirname, '.out');

interface Viewport {
  width: number;
  height: number;
}

interface Scenario {
  name: string;
  payload: () => ResultsPayload;
  viewport?: Viewport;
  themes?: (keyof typeof THEMES)[];
  /** Runs after the results render; may take extra screenshots and return problems found. */
  interact?: (page: Page, shot: (suffix: string) => Promise<void>) => Promise<string[]>;
}

const DEFAULT_VIEWPORT: Viewport = { width: 1000, height: 760 };

const SCENARIOS: Scenario[] = [
  { name: 'labels', payload: () => labelsPayload(), interact: checkRowKeyboard },
  {
    name: 'review',
    payload: () => reviewPayload(),
    themes: ['light', 'dark', 'hc'],
    viewport: { width: 1280, height: 900 },
    interact: checkReview,
  },
  // Beside an opened sample: half of a 1280 px window.
  { name: 'review-half', payload: () => reviewPayload(), viewport: { width: 600, height: 900 } },
  { name: 'boundary', payload: boundaryPayload },
  {
    name: 'adversarial',
    payload: adversarialPayload,
    themes: ['light', 'dark', 'hc'],
    interact: checkHistogram,
  },
  {
    name: 'prototypes',
    payload: () => prototypesPayload(),
    themes: ['light', 'dark', 'hc'],
    interact: checkGalleries,
  },
  { name: 'prototypes-wide', payload: () => prototypesPayload(), viewport: { width: 1440, height: 820 } },
  { name: 'prototypes-arrays', payload: () => prototypesPayload(true), interact: checkArrayTiles },
  { name: 'acquire', payload: acquirePayload },
  // Five task columns at half width: the grid scrolls sideways, rank and picture stay put.
  {
    name: 'acquire-half',
    payload: acquirePayload,
    viewport: { width: 600, height: 900 },
    interact: checkGridFits,
  },
  { name: 'narrow-adversarial', payload: adversarialPayload, viewport: { width: 520, height: 760 } },
  { name: 'narrow-prototypes', payload: () => prototypesPayload(), viewport: { width: 520, height: 760 } },
  { name: 'empty', payload: emptyPayload },
  { name: 'prototypes-none', payload: () => ({ ...prototypesPayload(), prototypes: [], criticisms: [] }) },
  {
    name: 'labels-60000',
    payload: () => reviewPayload({ rowCount: 60000 }),
    themes: ['dark'],
    interact: checkVirtualised,
  },
];

/** Text below 4.5:1 (3:1 for large text) against what is painted behind it; SVG text by its fill. */
export function lowContrastText(): string[] {
  type Rgba = [number, number, number, number];
  const parse = (color: string): Rgba | undefined => {
    const match = color.match(/rgba?\(([^)]+)\)/);
    if (!match) return undefined;
    const parts = match[1]
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map(Number);
    return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
  };
  const over = (top: Rgba, bottom: Rgba): Rgba => {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) return [0, 0, 0, 0];
    const mix = (i: number) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  };
  const luminance = ([r, g, b]: Rgba) => {
    const channel = (value: number) => {
      const c = value / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const backgroundOf = (node: Element): Rgba => {
    const layers: Rgba[] = [];
    for (let current: Element | null = node; current; current = current.parentElement) {
      const color = parse(getComputedStyle(current).backgroundColor);
      if (color && color[3] > 0) layers.push(color);
      if (color && color[3] >= 1) break;
    }
    let painted: Rgba = [255, 255, 255, 1];
    for (let i = layers.length - 1; i >= 0; i--) painted = over(layers[i], painted);
    return painted;
  };
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const node of Array.from(document.querySelectorAll('body *'))) {
    const text = Array.from(node.childNodes)
      .filter((child) => child.nodeType === Node.TEXT_NODE)
      .map((child) => child.textContent ?? '')
      .join('')
      .trim();
    if (!text) continue;
    const box = node.getBoundingClientRect();
    const style = getComputedStyle(node);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
    const isSvg = node instanceof SVGElement;
    const fill = parse(isSvg ? style.fill : style.color);
    if (!fill) continue;
    const background = backgroundOf(node);
    const foreground = over([fill[0], fill[1], fill[2], fill[3] * Number(style.opacity || 1)], background);
    const [light, dark] = [luminance(foreground), luminance(background)].sort((a, b) => b - a);
    const ratio = (light + 0.05) / (dark + 0.05);
    const size = parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    const needed = large ? 3 : 4.5;
    const key = `${node.className && typeof node.className === 'string' ? node.className : node.tagName}`;
    if (ratio < needed && !seen.has(key)) {
      seen.add(key);
      problems.push(`contrast ${ratio.toFixed(2)}:1 < ${needed}:1 for "${text.slice(0, 40)}" (${key})`);
    }
  }
  return problems;
}

/** Column headers and captions whose text does not fit (ellipsised). */
function cutShortText(): string[] {
  const problems: string[] = [];
  const selectors = '.results-head-row .cell, .histogram-caption *, .gallery-title, .gallery-group-title';
  for (const node of Array.from(document.querySelectorAll<HTMLElement>(selectors))) {
    if (node.textContent && node.scrollWidth > node.clientWidth + 1)
      problems.push(`cut short: "${node.textContent}" (${node.scrollWidth}px in ${node.clientWidth}px)`);
  }
  return problems;
}

async function posted(page: Page): Promise<ResultsWebviewToHost[]> {
  return page.evaluate(() => (window as unknown as { posted: ResultsWebviewToHost[] }).posted);
}

async function checkRowKeyboard(page: Page): Promise<string[]> {
  const problems: string[] = [];
  await page.locator('.result-row').first().focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const messages = await posted(page);
  const second = await page.locator('.result-row').nth(1).getAttribute('data-index');
  const last = messages[messages.length - 1];
  if (last?.type !== 'openSample' || String(last.index) !== second)
    problems.push(`ArrowDown + Enter on the grid posted ${JSON.stringify(last)}, not openSample ${second}`);
  return problems;
}

/** The review tools: detail pane, neighbours, map, keys, sort, filters. */
async function checkReview(page: Page, shot: (suffix: string) => Promise<void>): Promise<string[]> {
  const problems: string[] = [];
  const payload = reviewPayload();
  const first = payload.rows[0];
  if ((await page.locator('.detail-pane').getAttribute('data-index')) !== String(first.index))
    problems.push('the detail pane does not show the first row');
  const neighbours = await page.locator('.detail-pane .neighbour-tile').count();
  if (neighbours !== first.neighbours!.length)
    problems.push(`${neighbours} neighbour tiles, not ${first.neighbours!.length}`);
  if ((await page.locator('.map-canvas').count()) !== 1) problems.push('no map canvas');
  if ((await page.locator('.score-histogram .histogram-bar').count()) === 0)
    problems.push('no histogram bars');
  const summary = await page.locator('.results-summary').innerText();
  if (!summary.includes('the suggested label differs from the given one'))
    problems.push(`the summary does not speak words: ${summary}`);
  await page.locator('.result-row').nth(2).click();
  await page.keyboard.press('o');
  await page.keyboard.press('r');
  const messages = (await posted(page)).slice(-2);
  const third = payload.rows[2].index;
  if (
    messages[0]?.type !== 'markReviewed' ||
    messages[0].index !== third ||
    messages[1]?.type !== 'relabelSample'
  )
    problems.push(`O and R posted ${JSON.stringify(messages)}`);
  await shot('selected');
  await page.locator('.results-head-row .sort-button', { hasText: 'Score' }).click();
  await page.locator('.results-head-row .sort-button', { hasText: 'Score' }).click();
  // The selected row stays selected and in view: the first position may be scrolled out; scroll back.
  await page.locator('.results-viewport').evaluate((viewport) => (viewport.scrollTop = 0));
  await page.locator('.result-row[data-position="0"]').waitFor();
  const lowest = await page.locator('.result-row[data-position="0"]').getAttribute('data-rank');
  // Lowest score first; ties keep rank order.
  const minimum = Math.min(...payload.rows.map((row) => row.score));
  const expected = payload.rows.find((row) => row.score === minimum)!.rank;
  if (lowest !== String(expected))
    problems.push(`score ascending starts with rank ${lowest}, not ${expected}`);
  await page.locator('.filter-review select').selectOption('reviewed');
  if ((await page.locator('.result-row').count()) !== 2)
    problems.push('the review filter does not leave the 2 reviewed rows');
  await shot('reviewed-filter');
  return problems;
}

async function checkHistogram(page: Page): Promise<string[]> {
  const problems: string[] = [];
  // The selector the end-to-end test waits for (test/e2e/harness/runUiTest.ts).
  if ((await page.locator('.score-histogram svg').count()) !== 1) problems.push('no .score-histogram svg');
  const bars = await page.locator('.histogram-bar').count();
  if (bars === 0) problems.push('the histogram has no bars');
  const label = await page.locator('.histogram-plot').getAttribute('aria-label');
  if (!label?.includes('reference (clean)') || !label.includes('data under test'))
    problems.push(`the histogram's accessible name does not name both sets: ${label}`);
  return problems;
}

async function checkGalleries(page: Page, shot: (suffix: string) => Promise<void>): Promise<string[]> {
  const problems: string[] = [];
  const payload = prototypesPayload();
  for (const selector of ['.gallery-prototypes .gallery-item', '.gallery-criticisms .gallery-item'])
    if ((await page.locator(selector).count()) !== 50) problems.push(`not 50 × ${selector}`);
  const firstTile = page.locator('.gallery-prototypes .gallery-tile').first();
  if ((await firstTile.getAttribute('data-index')) !== String(payload.prototypes![0]))
    problems.push('the first prototype tile is not the first prototype');
  await firstTile.click();
  let last = (await posted(page)).at(-1);
  if (last?.type !== 'openSample' || last.index !== payload.prototypes![0])
    problems.push(`a click on the first prototype posted ${JSON.stringify(last)}`);

  // Keyboard: the clicked tile has the focus; End moves to the last prototype, Enter opens it.
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  last = (await posted(page)).at(-1);
  if (last?.type !== 'openSample' || last.index !== payload.prototypes!.at(-1))
    problems.push(`End + Enter in the prototypes posted ${JSON.stringify(last)}`);

  await page.locator('vscode-radio', { hasText: 'By class' }).click();
  await page.locator('.gallery-group-title').first().waitFor();
  const groups = await page.locator('.gallery-prototypes .gallery-group-title').allTextContents();
  if (groups.length < 2) problems.push(`by class shows ${groups.length} groups`);
  const saved = await page.evaluate(
    () => (window as unknown as { savedState?: { grouping?: string } }).savedState,
  );
  if (saved?.grouping !== 'class') problems.push(`the grouping was not saved: ${JSON.stringify(saved)}`);
  await page.locator('.gallery-criticisms .gallery-tile').first().focus();
  await shot('by-class');
  return problems;
}

async function checkArrayTiles(page: Page): Promise<string[]> {
  const problems: string[] = [];
  const tile = page.locator('.gallery-prototypes .gallery-tile').first();
  if ((await tile.locator('.gallery-id').count()) !== 1)
    problems.push('a tile without a thumbnail shows no id');
  const before = (await posted(page)).length;
  await tile.click();
  if ((await posted(page)).length !== before) problems.push('a tile of a non-file sample posted a message');
  const index = await tile.getAttribute('data-index');
  const focused = await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.index);
  if (focused !== index)
    problems.push(`a tile of a non-file sample did not reveal its row (focus on ${focused})`);
  return problems;
}

/** Nothing of the grid is cut off at the panel's edge: what does not fit scrolls sideways, the sticky cells stay. */
async function checkGridFits(page: Page, shot: (suffix: string) => Promise<void>): Promise<string[]> {
  const problems: string[] = [];
  const viewport = page.locator('.results-viewport');
  const fits = await viewport.evaluate((node) => {
    const right = node.getBoundingClientRect().right;
    return {
      right,
      scrollable: node.scrollWidth > node.clientWidth,
      panel: document.documentElement.clientWidth,
    };
  });
  if (fits.right > fits.panel + 0.5)
    problems.push(`the grid's viewport ends at ${fits.right} px, past the panel (${fits.panel} px)`);
  if (!fits.scrollable) return problems; // everything fits: nothing to scroll
  const before = await page.locator('.result-row .cell-thumb').first().boundingBox();
  await viewport.evaluate((node) => (node.scrollLeft = node.scrollWidth));
  await page.waitForTimeout(100);
  await shot('scrolled');
  const after = await page.locator('.result-row .cell-thumb').first().boundingBox();
  if (before && after && Math.abs(before.x - after.x) > 1)
    problems.push(`the picture column moved ${before.x - after.x} px when the grid scrolled sideways`);
  const score = await page.locator('.result-row .cell-score').first().boundingBox();
  const headScore = await page.locator('.results-head-row .cell-score').boundingBox();
  if (!score || score.x + score.width > fits.panel + 0.5)
    problems.push('scrolled to the end, the score column is still cut off');
  if (score && headScore && Math.abs(score.x - headScore.x) > 1)
    problems.push(`the Score header is ${headScore.x - score.x} px off its column after a sideways scroll`);
  await viewport.evaluate((node) => (node.scrollLeft = 0));
  await page.waitForTimeout(50);
  return problems;
}

async function checkVirtualised(page: Page): Promise<string[]> {
  const rows = await page.locator('.result-row').count();
  await page.locator('.results-viewport').evaluate((viewport) => (viewport.scrollTop = 30000 * 64));
  await page.waitForTimeout(200);
  const middle = await page.locator('.result-row').first().getAttribute('data-rank');
  const problems: string[] = [];
  if (rows > 60) problems.push(`${rows} rows in the DOM for 60,000 results`);
  if (Number(middle) < 29000)
    problems.push(`after scrolling to row 30,000 the first rendered rank is ${middle}`);
  return problems;
}

async function render(page: Page, payload: ResultsPayload): Promise<void> {
  await loadUntilReady(page);
  await postResults(page, payload);
  await page.waitForFunction(() => document.getElementById('app')?.getAttribute('aria-busy') === 'false');
  // Thumbnails in view, fonts and the histogram's first draw.
  await page.waitForFunction(() =>
    Array.from(document.images).every((image) => image.complete || image.loading === 'lazy'),
  );
  await page.evaluate(() => document.fonts.ready);
  await page.waitForTimeout(150);
}

async function main(): Promise<void> {
  const bundle = join(ROOT, 'dist/webview/results.js');
  if (!existsSync(bundle)) throw new Error('dist/webview/results.js is missing: run `npm run build` first');
  const newestSource = Math.max(
    ...[
      'main.ts',
      'histogram.ts',
      'gallery.ts',
      'header.ts',
      'resultsTable.ts',
      'detailPane.ts',
      'embeddingMap.ts',
    ].map((file) => statSync(join(ROOT, 'webview/results', file)).mtimeMs),
  );
  if (statSync(bundle).mtimeMs < newestSource)
    console.warn('warning: dist/webview/results.js is older than webview/results/: run `npm run build`');
  mkdirSync(OUT, { recursive: true });
  // Screenshots of an earlier run would pass for this one's.
  for (const file of readdirSync(OUT)) if (file.endsWith('.png')) rmSync(join(OUT, file));

  const only = process.argv.slice(2);
  const scenarios = only.length ? SCENARIOS.filter((scenario) => only.includes(scenario.name)) : SCENARIOS;
  const browser = await launchBrowser();
  const html = pageHtml('results', 'MARGIN preview');
  const report: Record<string, string[]> = {};
  try {
    for (const scenario of scenarios) {
      for (const themeName of scenario.themes ?? ['light', 'dark']) {
        const name = `${scenario.name}-${themeName}`;
        const { context, page, errors } = await openPreviewPage(
          browser,
          html,
          THEMES[themeName],
          scenario.viewport ?? DEFAULT_VIEWPORT,
        );

        const shot = async (suffix: string) => {
          await page.screenshot({ path: join(OUT, `${name}${suffix ? `-${suffix}` : ''}.png`) });
        };
        const problems: string[] = [];
        try {
          await render(page, scenario.payload());
          await shot('');
          problems.push(...(await page.evaluate(lowContrastText)), ...(await page.evaluate(cutShortText)));
          if (scenario.interact) problems.push(...(await scenario.interact(page, shot)));
          problems.push(...(await cspViolations(page)));
        } catch (error) {
          problems.push(`failed: ${(error as Error).message.split('\n')[0]}`);
          await shot('failure').catch(() => undefined);
        }
        problems.push(...errors);
        report[name] = problems;
        printVerdict(name, problems);
        await context.close();
      }
    }
  } finally {
    await browser.close();
  }
  writeFileSync(join(OUT, 'report.json'), JSON.stringify(report, null, 2) + '\n');
  const failed = Object.values(report).filter((problems) => problems.length).length;
  console.log(`${Object.keys(report).length - failed} clean, ${failed} with problems; screenshots in ${OUT}`);
  process.exitCode = failed ? 1 : 0;
}

// Also imported for lowContrastText (calibrate.ts, saliency.ts): render only when run.
if (require.main === module) void main();
