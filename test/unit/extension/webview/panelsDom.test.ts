/**
 * The webviews' code in a real browser: the built bundles (dist/webview/*.js)
 * in headless Chromium, on the panel's own HTML and CSP, with a stand-in for
 * `acquireVsCodeApi` that records what the webview posts
 * (test/webview-preview/previewPage.ts). Needs `npm run build` and Debian's
 * /usr/bin/chromium.
 *
 * - Every file name, label, class name, metric name and notice that reaches a
 *   panel stays text: `<img src=x onerror=alert(1)>` creates no element and
 *   runs nothing, in the results, calibrate and saliency panels.
 * - The results panel as a review tool: the detail pane and its neighbours,
 *   the actions and their keys, review decisions, sort, filters and the
 *   map's brush linked to the grid.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { CalibrationPayload } from '../../../../src/protocol/calibratePanel';
import type { ResultsPayload } from '../../../../src/protocol/resultsPanel';
import type { SaliencyState } from '../../../../src/protocol/saliencyPanel';
import {
  launchBrowser,
  loadUntilReady,
  openPreviewPage,
  pageHtml,
  postResults,
} from '../../../webview-preview/previewPage';
import { reviewPayload } from '../../../webview-preview/reviewPayload';
import { THEMES } from '../../../webview-preview/themes';

const HOSTILE = '<img src=x onerror=alert(1)>';
const ROOT = join(__dirname, '../../../..');

interface Posted {
  type: string;
  index?: number;
}

/** Elements a parsed HOSTILE would make, in the document and every shadow root; and whether alert ran. */
function injected(): { elements: number; alerts: number } {
  let elements = 0;
  const visit = (root: Document | ShadowRoot) => {
    for (const node of Array.from(root.querySelectorAll('*'))) {
      if (node.hasAttribute('onerror') || (node.tagName === 'IMG' && node.getAttribute('src') === 'x'))
        elements++;
      if (node.shadowRoot) visit(node.shadowRoot);
    }
  };
  visit(document);
  return { elements, alerts: (window as unknown as { alerts: number }).alerts };
}

/** The page's whole text, shadow roots included (where @vscode-elements put theirs). */
function allText(): string {
  const parts: string[] = [];
  const visit = (root: Document | ShadowRoot | Element) => {
    for (const node of Array.from(root.childNodes)) {
      if (node.nodeType === Node.TEXT_NODE) parts.push(node.textContent ?? '');
      if (node instanceof Element) {
        if (node instanceof HTMLOptionElement) parts.push(node.textContent ?? '');
        if (node.shadowRoot) visit(node.shadowRoot);
        visit(node);
      }
    }
  };
  visit(document);
  return parts.join('\n');
}

async function openPanel(
  browser: Browser,
  bundle: string,
  viewport = { width: 1280, height: 900 },
): Promise<Page> {
  const { page } = await openPreviewPage(browser, pageHtml(bundle, 'test'), THEMES.light, viewport);
  await page.addInitScript(() => {
    const win = window as unknown as { alerts: number };
    win.alerts = 0;
    window.alert = () => {
      win.alerts++;
    };
  });
  page.on('dialog', (dialog) => void dialog.dismiss());
  await loadUntilReady(page);
  return page;
}

async function sendResults(page: Page, payload: ResultsPayload): Promise<void> {
  await postResults(page, payload);
  await page.waitForFunction(() => document.getElementById('app')?.getAttribute('aria-busy') === 'false');
  await page.waitForTimeout(100);
}

const posted = (page: Page) => page.evaluate(() => (window as unknown as { posted: Posted[] }).posted);

describe('webview panels in Chromium (stubbed acquireVsCodeApi)', function () {
  let browser: Browser;

  before(async function () {
    for (const bundle of ['results', 'calibrate', 'saliency'])
      assert.ok(
        existsSync(join(ROOT, `dist/webview/${bundle}.js`)),
        `run npm run build: no dist/webview/${bundle}.js`,
      );
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
  });

  describe('results panel', () => {
    it('keeps a hostile label, class name, file name, metric and notice as text', async () => {
      const page = await openPanel(browser, 'results');
      const payload = reviewPayload({ rowCount: 300, hostileText: HOSTILE });
      // A sample whose given label is the hostile class, with neighbours: select it for the detail pane.
      const target = payload.rows.find((row) => row.values.label === HOSTILE && row.neighbours?.length)!;
      await sendResults(page, payload);
      await page.locator(`.result-row`).first().waitFor();
      await page.locator('.filter-class select').selectOption(HOSTILE);
      await page.locator(`.result-row[data-index="${target.index}"]`).click();
      assert.equal(await page.locator('.detail-pane').getAttribute('data-index'), String(target.index));
      // A point of the map: the legend names the class too.
      assert.deepEqual(await page.evaluate(injected), { elements: 0, alerts: 0 });
      const text = await page.evaluate(allText);
      for (const where of [
        `${HOSTILE}/${target.index}.png`, // file name in the grid and the detail pane
        `Given label${HOSTILE}`, // the detail pane's label (dt then dd)
      ])
        assert.ok(text.replace(/\n/g, '').includes(where), `"${where}" is not shown as text`);
      const count = (needle: string) => text.split(needle).length - 1;
      // Grid cells, detail pane, neighbours, class filter option, map legend, metric, notice, skipped file, source.
      assert.ok(count(HOSTILE) >= 8, `the hostile text shows ${count(HOSTILE)} times`);
      await page.close();
    });

    it('shows the selected sample, its neighbours, and posts the actions of buttons and keys', async () => {
      const page = await openPanel(browser, 'results');
      const payload = reviewPayload({ rowCount: 500 });
      await sendResults(page, payload);
      const third = payload.rows[2];
      await page.locator('.result-row[data-position="2"]').click();
      const pane = page.locator('.detail-pane');
      assert.equal(await pane.getAttribute('data-index'), String(third.index));
      assert.equal(await pane.locator('.detail-id').innerText(), third.id);
      assert.equal(
        await pane.locator('.detail-image').evaluate((image) => getComputedStyle(image).imageRendering),
        'pixelated',
      );
      const tiles = await pane
        .locator('.neighbour-tile')
        .evaluateAll((nodes) =>
          nodes.map((node) => [
            Number((node as HTMLElement).dataset.index),
            node.querySelector('.neighbour-label')?.textContent,
          ]),
        );
      const byIndex = new Map(payload.rows.map((row) => [row.index, row]));
      assert.deepEqual(
        tiles,
        third.neighbours!.map((index) => [index, String(byIndex.get(index)!.values.label)]),
      );

      // Keys on the selected row, then the pane's buttons.
      await page.keyboard.press('ArrowDown');
      const fourth = payload.rows[3];
      assert.equal(
        await pane.getAttribute('data-index'),
        String(fourth.index),
        'selection follows the arrow',
      );
      for (const key of ['o', 'r', 'Enter', 'e']) await page.keyboard.press(key);
      for (const action of ['open', 'explain', 'relabel', 'markReviewed'])
        await pane.locator(`.detail-action[data-action="${action}"]`).click();
      const messages = (await posted(page)).filter((message) => message.type !== 'ready');
      assert.deepEqual(messages, [
        { type: 'markReviewed', index: fourth.index },
        { type: 'relabelSample', index: fourth.index },
        { type: 'openSample', index: fourth.index },
        { type: 'explainSample', index: fourth.index },
        { type: 'openSample', index: fourth.index },
        { type: 'explainSample', index: fourth.index },
        { type: 'relabelSample', index: fourth.index },
        { type: 'markReviewed', index: fourth.index },
      ]);
      // The hint that announces the keys is the grid's accessible description.
      const described = await page.locator('[role="grid"]').getAttribute('aria-describedby');
      assert.match(await page.locator(`#${described}`).innerText(), /O mark OK · R relabel/);

      // A neighbour tile selects that sample.
      const neighbour = fourth.neighbours![0];
      await pane.locator(`.neighbour-tile[data-index="${neighbour}"]`).click();
      assert.equal(await pane.getAttribute('data-index'), String(neighbour));
      await page.close();
    });

    it('shows review decisions as they arrive and filters by them', async () => {
      const page = await openPanel(browser, 'results');
      const payload = reviewPayload({ rowCount: 200 });
      await sendResults(page, payload);
      const [first, , third] = payload.rows;
      const reviewed = {
        ...payload.reviewed,
        [first.id]: { state: 'ok' },
        [third.id]: { state: 'relabelled', to: 'Bag' },
      };
      await page.evaluate((marks) => window.postMessage({ type: 'review', reviewed: marks }, '*'), reviewed);
      await page.waitForTimeout(100);
      const cell = (position: number) =>
        page.locator(`.result-row[data-position="${position}"] .cell-review`).innerText();
      assert.equal(await cell(0), 'OK');
      assert.equal(await cell(2), '→ Bag');
      assert.equal(await page.locator('.detail-review').innerText(), 'Reviewed: OK');
      await page.locator('.filter-review select').selectOption('unreviewed');
      const shown = await page
        .locator('.result-row')
        .evaluateAll((rows) => rows.map((row) => (row as HTMLElement).dataset.index));
      const expected = payload.rows.filter((row) => !(row.id in reviewed)).map((row) => String(row.index));
      assert.deepEqual(shown, expected.slice(0, shown.length));
      assert.equal(await page.locator('.results-shown').innerText(), `Showing ${expected.length} of 200`);
      await page.close();
    });

    it('filters the grid to the samples brushed on the map', async () => {
      const page = await openPanel(browser, 'results');
      const payload = reviewPayload({ rowCount: 400 });
      await sendResults(page, payload);
      const overlay = page.locator('.map-overlay');
      const box = (await overlay.boundingBox())!;
      // The axes' ticks give the scale independently of the map's code: two ticks per axis → pixel ↔ data.
      const ticks = await page.evaluate(() => {
        const read = (axis: Element) =>
          Array.from(axis.querySelectorAll('.tick')).map((tick) => {
            const match = /translate\(([-\d.]+),\s*([-\d.]+)\)/.exec(tick.getAttribute('transform') ?? '')!;
            // d3-axis draws ticks 0.5 px off the scale's position at a device pixel ratio of 1 (crisp lines).
            const offset = window.devicePixelRatio > 1 ? 0 : 0.5;
            return {
              x: Number(match[1]) - offset,
              y: Number(match[2]) - offset,
              value: Number(tick.textContent!.replace('−', '-')),
            };
          });
        const [bottom, left] = Array.from(document.querySelectorAll('.map-axis'));
        return { x: read(bottom), y: read(left) };
      });
      const linear = (a: { px: number; value: number }, b: { px: number; value: number }) => (px: number) =>
        a.value + ((px - a.px) * (b.value - a.value)) / (b.px - a.px);
      const toX = linear(
        { px: ticks.x[0].x, value: ticks.x[0].value },
        { px: ticks.x.at(-1)!.x, value: ticks.x.at(-1)!.value },
      );
      const toY = linear(
        { px: ticks.y[0].y, value: ticks.y[0].value },
        { px: ticks.y.at(-1)!.y, value: ticks.y.at(-1)!.value },
      );
      const [from, to] = [
        { x: box.width * 0.3, y: 30 },
        { x: box.width * 0.75, y: 120 },
      ];
      await page.mouse.move(box.x + from.x, box.y + from.y);
      await page.mouse.down();
      await page.mouse.move(box.x + to.x, box.y + to.y, { steps: 4 });
      await page.mouse.up();
      const [xLow, xHigh] = [toX(from.x), toX(to.x)].sort((a, b) => a - b);
      const [yLow, yHigh] = [toY(from.y), toY(to.y)].sort((a, b) => a - b);
      const { x, y } = payload.map!;
      const inside = payload.rows.filter(
        (row) =>
          x[row.index] >= xLow && x[row.index] <= xHigh && y[row.index] >= yLow && y[row.index] <= yHigh,
      );
      assert.ok(inside.length > 10 && inside.length < 400, `the brush holds ${inside.length} samples`);
      assert.equal(await page.locator('.results-shown').innerText(), `Showing ${inside.length} of 400`);
      const first = await page.locator('.result-row[data-position="0"]').getAttribute('data-index');
      assert.equal(first, String(inside[0].index), 'the grid lists the brushed samples in rank order');
      await page.locator('.map-clear').click();
      assert.equal(await page.locator('.results-shown').innerText(), '400 samples');
      await page.close();
    });

    it("shows the model's top classes as bars when a row has them, else the model's view line", async () => {
      const page = await openPanel(browser, 'results');
      const payload = reviewPayload({ rowCount: 50 });
      const [first, second] = payload.rows;
      const own = String(first.values.label);
      first.probabilities = [
        { label: 'Other class', p: 0.625 },
        { label: own, p: 0.25 },
        { label: 'Third', p: 0.125 },
      ];
      await sendResults(page, payload);
      await page.locator('.result-row[data-position="0"]').click();
      const pane = page.locator('.detail-pane');
      assert.equal(await pane.locator('.detail-top-classes-title').innerText(), "Model's top classes");
      const bars = await pane.locator('.top-class').evaluateAll((items) =>
        items.map((item) => {
          const track = item.querySelector('.top-class-track')!.getBoundingClientRect().width;
          const bar = item.querySelector('.top-class-bar')!.getBoundingClientRect().width;
          return [item.querySelector('.top-class-label')!.textContent, item.querySelector('.top-class-p')!.textContent, bar / track];
        }),
      );
      assert.deepEqual(
        bars.map(([label, p]) => [label, p]),
        [
          ['Other class', '62.5%'],
          [`${own} (its label)`, '25.0%'],
          ['Third', '12.5%'],
        ],
      );
      // Bars as long as the probabilities (within a pixel of the track's border).
      for (const [index, expected] of [0.625, 0.25, 0.125].entries())
        assert.ok(Math.abs((bars[index][2] as number) - expected) < 0.03, `bar ${index}: ${bars[index][2]}`);
      assert.equal(await pane.locator('.detail-model').count(), 0, 'Predicted is in the top classes');
      // A row without them: today's line.
      await page.locator('.result-row[data-position="1"]').click();
      assert.equal(await pane.locator('.top-class').count(), 0);
      assert.equal(
        await pane.locator('.detail-model').innerText(),
        `Predicted: ${String(second.values.predicted)}`,
      );
      await page.close();
    });

    it('at half width, scrolls a many-column grid sideways with the rank and picture kept in place', async () => {
      const page = await openPanel(browser, 'results', { width: 600, height: 900 });
      const payload = reviewPayload({ rowCount: 50 });
      // Five more task columns than the review payload has: more than 600 px of least widths.
      for (const key of ['alpha', 'beta', 'gamma', 'delta', 'epsilon'])
        payload.columns.push({ key, title: `Column ${key}`, kind: 'number' });
      for (const row of payload.rows) for (const [i, key] of ['alpha', 'beta', 'gamma', 'delta', 'epsilon'].entries()) row.values[key] = i;
      await sendResults(page, payload);
      const viewport = page.locator('.results-viewport');
      const { scrollWidth, clientWidth, right } = await viewport.evaluate((node) => ({
        scrollWidth: node.scrollWidth,
        clientWidth: node.clientWidth,
        right: node.getBoundingClientRect().right,
      }));
      assert.ok(right <= 600, `the viewport ends at ${right} px, past the 600 px panel`);
      assert.ok(scrollWidth > clientWidth, `nothing to scroll: ${scrollWidth} ≤ ${clientWidth}`);
      const place = (selector: string) => page.locator(selector).first().evaluate((node) => node.getBoundingClientRect().x);
      const before = { rank: await place('.result-row .cell-rank'), thumb: await place('.result-row .cell-thumb') };
      const scoreHeadBefore = await place('.results-head-row .cell-score');
      await viewport.evaluate((node) => (node.scrollLeft = node.scrollWidth));
      await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
      const scrolled = scrollWidth - clientWidth;
      assert.ok(Math.abs((await place('.result-row .cell-rank')) - before.rank) <= 8, 'the rank moved');
      assert.ok(Math.abs((await place('.result-row .cell-thumb')) - before.thumb) <= 1, 'the picture moved');
      // The header follows the rows: the Score header moved as far as the Score cells.
      assert.ok(Math.abs((await place('.results-head-row .cell-score')) - (scoreHeadBefore - scrolled)) <= 1);
      assert.ok(
        Math.abs((await place('.results-head-row .cell-score')) - (await place('.result-row .cell-score'))) <= 1,
        'the Score header is off its column',
      );
      await page.close();
    });
  });

  it('calibrate panel: keeps hostile names as text', async () => {
    const page = await openPanel(browser, 'calibrate');
    const payload: CalibrationPayload = {
      dataset: { kind: 'manifest', source: `/data/${HOSTILE}.csv`, count: 10, labelNames: [HOSTILE, 'b'] },
      model: `/models/${HOSTILE}.onnx`,
      labelled: 10,
      flips: 1,
      fraction: 0.1,
      seeds: [1],
      k: 5,
      fractions: [0.1],
      rows: [
        {
          scorer: HOSTILE,
          description: HOSTILE,
          cells: [{ fraction: 0.1, mean: 0.5, sd: 0, perSeed: [0.5] }],
          recommended: true,
        },
        { scorer: 'margin', description: 'x', cells: [], recommended: false, unavailable: HOSTILE },
      ],
      recommended: HOSTILE,
      recommendationFile: `/w/.margin/${HOSTILE}.json`,
      notices: [HOSTILE],
      skipped: 0,
      cachedEmbeddings: false,
    };
    await page.evaluate((data) => window.postMessage({ type: 'calibration', payload: data }, '*'), payload);
    await page.waitForFunction((needle) => document.body.innerText.includes(needle), HOSTILE);
    await page.waitForTimeout(100);
    assert.deepEqual(await page.evaluate(injected), { elements: 0, alerts: 0 });
    await page.close();
  });

  it('saliency panel: keeps hostile names as text', async () => {
    const page = await openPanel(browser, 'saliency');
    const size = 4;
    const values = Array.from({ length: size * size }, (_, i) => i / 15 - 0.5);
    const state: SaliencyState = {
      subject: {
        input: `/data/${HOSTILE}.png`,
        inputName: `${HOSTILE}.png`,
        model: `/m/${HOSTILE}.onnx`,
        modelName: `${HOSTILE}.onnx`,
        labels: [HOSTILE, 'b'],
      },
      mode: 'single',
      request: { method: 'occlusion', options: {} },
      compareMethods: [],
      views: [
        {
          request: { method: 'occlusion', options: {} },
          status: 'done',
          map: {
            method: 'occlusion',
            target: 0,
            targetLabel: HOSTILE,
            predicted: 0,
            layers: [{ key: 'map', title: HOSTILE, kind: 'signed', width: size, height: size, values }],
            notices: [HOSTILE],
            seconds: 0.1,
            cached: false,
          },
        },
        {
          request: { method: 'ig', options: {} },
          status: 'failed',
          error: { message: HOSTILE, file: `/data/${HOSTILE}` },
        },
      ],
      classes: [
        { index: 0, label: HOSTILE, probability: 0.9 },
        { index: 1, label: 'b', probability: 0.1 },
      ],
      exported: [`/w/${HOSTILE}.png`],
      problem: HOSTILE,
    };
    await page.evaluate((data) => window.postMessage({ type: 'state', state: data }, '*'), state);
    await page.waitForFunction((needle) => document.body.innerText.includes(needle), HOSTILE);
    await page.waitForTimeout(100);
    assert.deepEqual(await page.evaluate(injected), { elements: 0, alerts: 0 });
    const text = await page.evaluate(allText);
    assert.ok(text.split(HOSTILE).length - 1 >= 3, 'the hostile names are not shown as text');
    await page.close();
  });
});
