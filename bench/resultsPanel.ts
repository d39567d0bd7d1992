/**
 * The results panel with 60,000 rows in headless Chromium: the built webview
 * (dist/webview/results.js, `npm run build` first) on its own HTML and CSP,
 * as test/webview-preview renders it, given a synthesised label-issues result
 * shaped like the engine's on the Fashion-MNIST training set (60,000 rows,
 * 10 neighbours each, a 2-D map, real thumbnails; test/webview-preview/reviewPayload.ts),
 * packed column-wise as the host posts it (src/extension/results/packRows.ts).
 *
 * Prints, never asserts:
 * - first paint: from the results message to the first frame with rows
 *   (the message's structured clone included, as in VS Code), and to the
 *   frame with the histogram and the map too (drawn a frame after the rows);
 * - scroll frame times: the grid scrolled at a steady speed for N frames,
 *   the time between animation frames (60 fps = 16.7 ms);
 * - the time a sort, a filter and a map brush take to show.
 *
 *   npm run build && npx tsx bench/resultsPanel.ts [--rows 60000] [--frames 300] [--speed 2400]
 */
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import {
  launchBrowser,
  loadUntilReady,
  openPreviewPage,
  packedJson,
  pageHtml,
  storePackedInPage,
} from '../test/webview-preview/previewPage';
import { reviewPayload } from '../test/webview-preview/reviewPayload';
import { THEMES } from '../test/webview-preview/themes';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '60000' },
    frames: { type: 'string', default: '300' },
    /** Scroll speed in px per second (2,400 px/s ≈ 37 rows a second: a fast flick). */
    speed: { type: 'string', default: '2400' },
    runs: { type: 'string', default: '3' },
  },
});

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Scrolls the grid `speed` px/s for `frames` frames; returns the intervals between frames. */
async function scrollFrames(page: Page, frames: number, speed: number): Promise<number[]> {
  return page.evaluate(
    ({ frames, speed }) =>
      new Promise<number[]>((resolve) => {
        const viewport = document.querySelector('.results-viewport') as HTMLElement;
        const intervals: number[] = [];
        let last: number | undefined;
        const step = (now: number) => {
          if (last !== undefined) {
            intervals.push(now - last);
            viewport.scrollTop += (speed * (now - last)) / 1000;
          }
          last = now;
          if (intervals.length < frames) requestAnimationFrame(step);
          else resolve(intervals);
        };
        requestAnimationFrame(step);
      }),
    { frames, speed },
  );
}

/** ms from `act` until the grid's count changed and the next frame ran. */
async function timed(page: Page, act: () => Promise<void>): Promise<number> {
  await page.evaluate(() => {
    const win = window as unknown as { mark: number; before: string };
    win.before = document.querySelector('.results-shown')?.textContent ?? '';
    win.mark = performance.now();
  });
  await act();
  return page.evaluate(
    () =>
      new Promise<number>((resolve) =>
        requestAnimationFrame(() =>
          setTimeout(() => resolve(performance.now() - (window as unknown as { mark: number }).mark)),
        ),
      ),
  );
}

async function main(): Promise<void> {
  const rowCount = Number(values.rows);
  const payload = reviewPayload({ rowCount });
  const json = JSON.stringify(payload);
  // What the host posts: the rows packed column-wise (src/extension/results/packRows.ts).
  const packed = packedJson(payload);
  console.log(
    `results panel bench: ${rowCount.toLocaleString('en-US')} rows, ${(json.length / 1e6).toFixed(1)} MB as JSON, ` +
      `Chromium headless (--disable-gpu), viewport 1280×900`,
  );
  const browser = await launchBrowser();
  try {
    const paints: number[] = [];
    const drawn: number[] = [];
    const allIntervals: number[] = [];
    for (let run = 0; run < Number(values.runs); run++) {
      const { page, context } = await openPreviewPage(browser, pageHtml('results', 'bench'), THEMES.dark, {
        width: 1280,
        height: 900,
      });
      await loadUntilReady(page);
      // The packed payload goes into the page once, untimed, as JSON (that copy is Playwright's, not VS Code's);
      // the timed postMessage below then clones it as VS Code's does, typed arrays and all.
      await page.evaluate(storePackedInPage, { text: packed, name: 'benchPayload' });
      // Rows on screen (the first paint a reviewer sees), then the histogram and the map (drawn a frame later).
      const [rowsPaint, allPaint] = await page.evaluate(
        () =>
          new Promise<[number, number]>((resolve) => {
            const started = performance.now();
            let rows: number | undefined;
            window.postMessage(
              { type: 'results', payload: (window as unknown as { benchPayload: unknown }).benchPayload },
              '*',
            );
            const poll = () => {
              if (rows === undefined && document.querySelector('.result-row'))
                rows = performance.now() - started;
              if (
                rows !== undefined &&
                document.querySelector('.histogram-bar') &&
                document.querySelector('.map-canvas')
              )
                // The frame after: the one painted with them.
                requestAnimationFrame(() => setTimeout(() => resolve([rows!, performance.now() - started])));
              else requestAnimationFrame(poll);
            };
            poll();
          }),
      );
      paints.push(rowsPaint);
      drawn.push(allPaint);

      await page.waitForTimeout(300);
      const intervals = await scrollFrames(page, Number(values.frames), Number(values.speed));
      allIntervals.push(...intervals);
      if (run === 0) {
        const sort = await timed(page, () =>
          page.locator('.results-head-row .sort-button', { hasText: 'Suggested' }).click(),
        );
        const filter = await timed(page, async () => {
          await page.locator('.filter-class select').selectOption({ index: 3 });
        });
        await page.locator('.filter-class select').selectOption({ index: 0 });
        const box = (await page.locator('.map-overlay').boundingBox())!;
        const brush = await timed(page, async () => {
          await page.mouse.move(box.x + box.width * 0.2, box.y + 20);
          await page.mouse.down();
          await page.mouse.move(box.x + box.width * 0.6, box.y + 120, { steps: 2 });
          await page.mouse.up();
        });
        const shown = await page.locator('.results-shown').innerText();
        console.log(
          `sort by Suggested: ${ms(sort)} · class filter: ${ms(filter)} · map brush: ${ms(brush)} (${shown})`,
        );
        const inDom = await page.locator('.result-row').count();
        console.log(`rows in the DOM while scrolling: ${inDom}`);
      }
      await context.close();
    }
    const sortedPaints = [...paints].sort((a, b) => a - b);
    const sortedDrawn = [...drawn].sort((a, b) => a - b);
    console.log(
      `first paint, message → rows on screen: ${paints.map(ms).join(', ')}; median ${ms(percentile(sortedPaints, 50))}`,
    );
    console.log(
      `message → histogram and map drawn too: ${drawn.map(ms).join(', ')}; median ${ms(percentile(sortedDrawn, 50))}`,
    );
    const sorted = [...allIntervals].sort((a, b) => a - b);
    const slow = allIntervals.filter((interval) => interval > 1000 / 60 + 2).length;
    console.log(
      `scroll at ${values.speed} px/s, ${allIntervals.length} frames: median ${ms(percentile(sorted, 50))}, ` +
        `p95 ${ms(percentile(sorted, 95))}, p99 ${ms(percentile(sorted, 99))}, max ${ms(sorted[sorted.length - 1])}; ` +
        `${slow} frames over 18.7 ms (${((100 * slow) / allIntervals.length).toFixed(1)}%); ` +
        `${(1000 / (allIntervals.reduce((sum, value) => sum + value, 0) / allIntervals.length)).toFixed(1)} fps mean`,
    );
  } finally {
    await browser.close();
  }
}

void main();
