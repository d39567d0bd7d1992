/**
 * Renders the saliency webview (`dist/webview/saliency.js`,
 * `media/saliency.css`) outside VS Code, in headless Chromium, in the light
 * and dark themes, and writes screenshots to .out/saliency-*.png. The states
 * are real: the panel's own session (src/extension/saliency/saliencySession.ts)
 * drives the real engine (dist/engine.js) on the fixture model and a
 * Fashion-MNIST test image. `acquireVsCodeApi` only exists inside VS Code's
 * webviews, so the page gets a stand-in (previewPage.ts `installVsCodeApiStandIn`) that
 * records what the webview posts.
 *
 * Checks, besides what preview.ts checks (CSP violations, console errors,
 * text under 4.5:1 contrast): the map canvas is drawn and not uniform, two
 * methods draw different maps, the figures are shown, a class of the top 5
 * posts an `explain` for that class, and a failed gradient method offers the
 * methods that need none.
 *
 *   npm run build && npx tsx test/webview-preview/saliency.ts
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { EngineClient } from '../../src/extension/engine/engineClient';
import { ExplainCache } from '../../src/extension/saliency/explainCache';
import { resultSize } from '../../src/extension/saliency/saliencyMapView';
import { SaliencySession } from '../../src/extension/saliency/saliencySession';
import { stampFile, subjectOf } from '../../src/extension/saliency/saliencySubject';
import type { ExplainResult } from '../../src/protocol/engine';
import type { SaliencyState } from '../../src/protocol/saliencyPanel';
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
const MODEL = join(ROOT, 'test/fixtures/fmnist/model.onnx');
const IMAGE = join(ROOT, 'examples/fashion-mnist/images/Sneaker/t10k-1024.png');
const NO_GRADIENTS = join(ROOT, 'test/fixtures/autodiff/bad/unsupported-op.onnx');

interface Scenario {
  name: string;
  state: SaliencyState;
  check?(page: Page, shot: (suffix: string) => Promise<void>): Promise<string[]>;
}

async function sessionFor(engine: EngineClient, input: string, model: string) {
  const { subject, layout } = await subjectOf(input, model);
  let latest: SaliencyState | undefined;
  const session = new SaliencySession({
    subject,
    ...(layout ? { layout } : {}),
    explain: (params, token, onProgress) => engine.explain(params, token, onProgress),
    stamp: stampFile,
    cache: new ExplainCache<ExplainResult>(resultSize),
    onChange: (state) => (latest = state),
  });
  return { session, latest: () => latest! };
}

async function scenarios(engine: EngineClient): Promise<Scenario[]> {
  const { session } = await sessionFor(engine, IMAGE, MODEL);
  await session.explain({ method: 'margin', options: {} });
  const single = session.current;
  await session.explain({ method: 'ig', options: { steps: 16 } });
  const ig = session.current;
  await session.compare(['margin', 'occlusion', 'ig', 'deeplift'], undefined, {});
  const compare = session.current;
  // A running view as the panel shows it mid-way (the progress the engine reports for smoothgrad).
  const running: SaliencyState = {
    ...single,
    request: { method: 'smoothgrad', options: { samples: 500 } },
    views: [
      {
        request: { method: 'smoothgrad', options: { samples: 500 } },
        status: 'running',
        progress: { stage: 'explaining (smoothgrad)', done: 192, total: 500 },
      },
    ],
  };
  // A model without gradients: the engine refuses ig, the panel offers occlusion and margin.
  const npy = join(ROOT, 'test/webview-preview/.out/x16.npy');
  const { writeFileSync } = await import('node:fs');
  writeFileSync(npy, npyFloat32([1, 16, 16], 0.5));
  const noGradients = await sessionFor(engine, npy, NO_GRADIENTS);
  await noGradients.session.explain({ method: 'ig', options: {} });

  const canvasChecks = async (page: Page) => {
    const problems: string[] = [];
    const stats = await canvasStats(page);
    if (stats.length === 0) problems.push('no map canvas');
    for (const stat of stats)
      if (stat.distinct < 8) problems.push(`canvas ${stat.method} has ${stat.distinct} colours`);
    const figures = await page.locator('.map-figure-deletion').count();
    if (figures !== stats.length) problems.push(`${figures} deletion AUCs for ${stats.length} maps`);
    return problems;
  };

  return [
    {
      name: 'single',
      state: single,
      check: async (page, shot) => {
        const problems = await canvasChecks(page);
        const layers = await page
          .locator('.map-layer-select vscode-option')
          .evaluateAll((nodes) => nodes.map((node) => (node as HTMLOptionElement).value));
        if (
          !layers.includes('saliency') ||
          !layers.includes('influence') ||
          !layers.includes('superpixels-0')
        )
          problems.push(`margin offers the layers ${layers.join(', ')}`);
        for (const layer of ['influence', 'superpixels-1']) {
          await page.locator('.map-layer-select').evaluate((node, value) => {
            (node as HTMLSelectElement).value = value;
            node.dispatchEvent(new Event('change'));
          }, layer);
          const drawn = await page.locator('.map-canvas').getAttribute('data-layer');
          if (drawn !== layer) problems.push(`choosing the ${layer} layer drew ${drawn}`);
          await shot(layer);
        }
        await page.locator('.prediction-class').nth(1).click();
        const last = (await posted(page)).at(-1) as
          { type: string; request?: { target?: number } } | undefined;
        const second = Number(await page.locator('.prediction-class').nth(1).getAttribute('data-index'));
        if (last?.type !== 'explain' || last.request?.target !== second)
          problems.push(`a click on the second class posted ${JSON.stringify(last)}`);
        return problems;
      },
    },
    {
      name: 'ig',
      state: ig,
      check: async (page) => {
        const problems = await canvasChecks(page);
        if (!(await page.locator('.control-steps').isVisible())) problems.push('ig shows no steps field');
        if (await page.locator('.control-rule').isVisible()) problems.push('ig shows the DeepLIFT rule');
        return problems;
      },
    },
    {
      name: 'compare',
      state: compare,
      check: async (page) => {
        const problems = await canvasChecks(page);
        const images = await canvasImages(page);
        if (images.length !== 4) problems.push(`${images.length} maps for 4 methods`);
        else if (images[0] === images[1]) problems.push('margin and occlusion drew the same pixels');
        return problems;
      },
    },
    { name: 'running', state: running },
    {
      name: 'no-gradients',
      state: noGradients.latest(),
      check: async (page) => {
        const problems: string[] = [];
        const offers = await page
          .locator('.map-card-alternative')
          .evaluateAll((nodes) => nodes.map((node) => (node as HTMLElement).dataset.method));
        if (offers.join(',') !== 'occlusion,margin') problems.push(`offers ${offers.join(',')}`);
        const text = await page.locator('.map-card-error-message').innerText();
        if (!text.includes('unsupported-op.onnx has no gradients')) problems.push(`error reads "${text}"`);
        return problems;
      },
    },
  ];
}

function npyFloat32(shape: number[], fill: number): Buffer {
  const count = shape.reduce((a, b) => a * b, 1);
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix[6] = 1;
  prefix.writeUInt16LE(header.length, 8);
  return Buffer.concat([
    prefix,
    Buffer.from(header, 'latin1'),
    Buffer.from(new Float32Array(count).fill(fill).buffer),
  ]);
}

/**
 * themes.ts has the variables the results panel uses; the saliency panel's
 * selects, text fields and secondary buttons read these too (Light and Dark
 * Modern's values).
 */
function withControlColours(name: 'light' | 'dark'): (typeof THEMES)['light'] {
  const extra: Record<'light' | 'dark', Record<string, string>> = {
    light: {
      'dropdown-background': '#ffffff',
      'dropdown-foreground': '#3b3b3b',
      'dropdown-border': '#cecece',
      'dropdown-listBackground': '#ffffff',
      'input-background': '#ffffff',
      'input-foreground': '#3b3b3b',
      'input-border': '#cecece',
      'input-placeholderForeground': '#767676',
      'button-background': '#005fb8',
      'button-foreground': '#ffffff',
      'button-secondaryBackground': '#e5e5e5',
      'button-secondaryForeground': '#3b3b3b',
      'button-border': 'rgba(0, 0, 0, 0.1)',
      'settings-dropdownBackground': '#ffffff',
      'settings-dropdownForeground': '#3b3b3b',
      'settings-dropdownBorder': '#cecece',
      'settings-dropdownListBorder': '#cecece',
      'settings-textInputBackground': '#ffffff',
      'settings-textInputForeground': '#3b3b3b',
      'settings-textInputBorder': '#cecece',
    },
    dark: {
      'dropdown-background': '#313131',
      'dropdown-foreground': '#cccccc',
      'dropdown-border': '#3c3c3c',
      'dropdown-listBackground': '#1f1f1f',
      'input-background': '#313131',
      'input-foreground': '#cccccc',
      'input-border': '#3c3c3c',
      'input-placeholderForeground': '#989898',
      'button-background': '#0078d4',
      'button-foreground': '#ffffff',
      'button-secondaryBackground': '#313131',
      'button-secondaryForeground': '#cccccc',
      'button-border': 'rgba(255, 255, 255, 0.07)',
      'settings-dropdownBackground': '#313131',
      'settings-dropdownForeground': '#cccccc',
      'settings-dropdownBorder': '#3c3c3c',
      'settings-dropdownListBorder': '#454545',
      'settings-textInputBackground': '#313131',
      'settings-textInputForeground': '#cccccc',
      'settings-textInputBorder': '#3c3c3c',
    },
  };
  return { ...THEMES[name], variables: { ...THEMES[name].variables, ...extra[name] } };
}

async function posted(page: Page): Promise<unknown[]> {
  return page.evaluate(() => (window as unknown as { posted: unknown[] }).posted);
}

async function canvasStats(page: Page): Promise<{ method: string; distinct: number }[]> {
  return page.locator('.map-canvas').evaluateAll((canvases) =>
    canvases.map((node) => {
      const canvas = node as HTMLCanvasElement;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const colours = new Set<number>();
      for (let i = 0; i < data.length; i += 4)
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      return {
        method: canvas.closest<HTMLElement>('.map-card')?.dataset.method ?? '?',
        distinct: colours.size,
      };
    }),
  );
}

async function canvasImages(page: Page): Promise<string[]> {
  return page
    .locator('.map-canvas')
    .evaluateAll((canvases) => canvases.map((node) => (node as HTMLCanvasElement).toDataURL()));
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'dist/webview/saliency.js'))) throw new Error('run `npm run build` first');
  mkdirSync(OUT, { recursive: true });
  const engine = new EngineClient({
    enginePath: join(ROOT, 'dist/engine.js'),
    log: { info: () => undefined, warn: () => undefined, error: (m) => console.error(m) },
  });
  let list: Scenario[];
  try {
    list = await scenarios(engine);
  } finally {
    engine.dispose();
  }
  const html = pageHtml('saliency', 'MARGIN saliency preview');
  const browser = await launchBrowser();
  let failed = 0;
  try {
    for (const scenario of list) {
      for (const name of ['light', 'dark'] as const) {
        const { page, errors: problems } = await openPreviewPage(browser, html, withControlColours(name), {
          width: 1100,
          height: 760,
        });
        await loadUntilReady(page);
        await page.evaluate((state) => window.postMessage({ type: 'state', state }, '*'), scenario.state);
        await page.waitForSelector('.map-card');
        await page.evaluate(() => document.fonts.ready);
        await page.waitForTimeout(250);
        const file = join(OUT, `saliency-${scenario.name}-${name}.png`);
        await page.screenshot({ path: file, fullPage: true });
        problems.push(...(await page.evaluate(lowContrastText)));
        const shot = (suffix: string) =>
          page
            .screenshot({
              path: join(OUT, `saliency-${scenario.name}-${suffix}-${name}.png`),
              fullPage: true,
            })
            .then(() => undefined);
        if (scenario.check) problems.push(...(await scenario.check(page, shot)));
        problems.push(...(await cspViolations(page)));
        if (problems.length) failed++;
        printVerdict(`saliency-${scenario.name}-${name}`, problems);
      }
    }
  } finally {
    await browser.close();
  }
  console.log(`screenshots in ${OUT}`);
  process.exitCode = failed ? 1 : 0;
}

void main();
