/**
 * Part 3 of the end-to-end run: MARGIN: Explain Prediction through the real
 * workbench UI. The example image is opened in VS Code's image preview, the
 * command runs from the palette and finds the workspace's model, and the
 * saliency panel draws the map: its canvas pixels are read back (not uniform;
 * different for another method and another class), the faithfulness figures
 * are on screen, and Cancel stops a slow method. Screenshots in the dark and
 * the light theme are artifacts (saliency-*.png).
 */
import assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { partTimeLimitMs, runPart } from './part';
import { chooseInPanel, readMapCanvases, saliencyFrame, waitForCards } from './saliencyFrame';
import { waitForWorkbench } from './session';
import { check, inSession, quickInput, runFromPalette, switchToLightTheme } from './workbenchSteps';

const PART_TIME_LIMIT_MS = partTimeLimitMs(10 * 60_000);
const IMAGE = 't10k-1024.png';

runPart('saliency UI test', PART_TIME_LIMIT_MS, async (tally) => {
  console.log('saliency UI test');
  await inSession({ name: 'saliency' }, async (session) => {
    const { page } = session;
    await check(tally, 'the workbench loads with the extension', () => waitForWorkbench(page));

    await check(tally, `the example image ${IMAGE} opens in the image preview`, async () => {
      await quickInput(page, IMAGE, IMAGE);
      await page
        .locator('.editor-group-container.active .tab.active', { hasText: IMAGE })
        .waitFor({ state: 'visible', timeout: 30_000 });
    });

    let frame: Frame | undefined;
    let first: Awaited<ReturnType<typeof readMapCanvases>>[number] | undefined;
    await check(
      tally,
      'F1 → "MARGIN: Explain Prediction" draws a map of the active image, with its figures',
      async () => {
        await runFromPalette(page, 'MARGIN: Explain Prediction');
        const found = await saliencyFrame(page, '.map-card');
        frame = found;
        await waitForCards(found, (cards) => cards.length === 1 && cards[0].status === 'done');
        const [reading] = await readMapCanvases(found);
        assert.ok(reading, 'no map canvas was drawn');
        assert.ok(reading.distinct >= 16, `the map canvas holds only ${reading.distinct} colours`);
        first = reading;
        for (const figure of ['deletion', 'insertion', 'sparsity']) {
          const text = await found.locator(`.map-figure-${figure}`).innerText();
          assert.match(text, /^\d+\.\d{3}$/, `${figure}: "${text}"`);
        }
        const subject = await found.locator('.results-facts').innerText();
        assert.ok(subject.includes(IMAGE) && subject.includes('model.onnx'), subject);
        console.log(`    screenshot: ${await session.screenshot('single-dark')}`);
      },
    );

    const panel = (): Frame => {
      if (!frame) throw new Error('the saliency panel never opened');
      return frame;
    };

    await check(tally, 'another method redraws the map (different pixels)', async () => {
      await chooseInPanel(panel(), '.method-select', 'occlusion');
      await waitForCards(panel(), (cards) => cards[0].method === 'occlusion' && cards[0].status === 'done');
      const [reading] = await readMapCanvases(panel());
      assert.equal(reading.method, 'occlusion');
      assert.ok(reading.distinct >= 16, `occlusion drew ${reading.distinct} colours`);
      assert.notEqual(reading.pixels, first!.pixels, 'occlusion drew the same pixels as the first method');
      first = reading;
    });

    await check(tally, 'another class (from the top 5) redraws the map for that class', async () => {
      const second = panel().locator('.prediction-class').nth(1);
      const label = (await second.locator('.prediction-label').innerText()).replace(/ \(predicted\)$/, '');
      await second.click();
      await waitForCards(panel(), (cards) => cards[0].status === 'done' && cards[0].target === label);
      const [reading] = await readMapCanvases(panel());
      assert.equal(reading.target, label);
      assert.notEqual(reading.pixels, first!.pixels, 'the map of another class has the same pixels');
      await chooseInPanel(panel(), '.target-select', 'predicted');
      await waitForCards(panel(), (cards) => cards[0].status === 'done' && cards[0].target !== label);
    });

    await check(tally, 'Cancel stops a slow method (SmoothGrad, 400,000 samples) in the engine', async () => {
      await chooseInPanel(panel(), '.samples-field', '400000');
      await chooseInPanel(panel(), '.method-select', 'smoothgrad');
      await panel()
        .locator('.map-card[data-status="running"] .map-card-progress', { hasText: 'explaining' })
        .waitFor({ state: 'visible', timeout: 120_000 });
      console.log(`    screenshot: ${await session.screenshot('running-dark')}`);
      const clicked = Date.now();
      await panel().locator('.cancel-button').click();
      await waitForCards(panel(), (cards) => cards[0].status === 'cancelled', 60_000);
      const seconds = (Date.now() - clicked) / 1000;
      assert.ok(seconds < 20, `the job took ${seconds.toFixed(1)} s to stop`);
      // The engine is free again: the next map comes at once (from the cache).
      await chooseInPanel(panel(), '.method-select', 'occlusion');
      await waitForCards(
        panel(),
        (cards) => cards[0].method === 'occlusion' && cards[0].status === 'done',
        60_000,
      );
    });

    await check(
      tally,
      'in the light theme, compare mode shows four methods side by side, each with figures',
      async () => {
        await switchToLightTheme(page);
        await page.waitForTimeout(500);
        console.log(`    screenshot: ${await session.screenshot('single-light')}`);
        await panel().locator('vscode-radio.mode-compare').click();
        await waitForCards(
          panel(),
          (cards) => cards.length === 4 && cards.every((card) => card.status === 'done'),
        );
        const readings = await readMapCanvases(panel());
        assert.equal(
          new Set(readings.map((reading) => reading.pixels)).size,
          4,
          'two methods drew the same map',
        );
        assert.equal(await panel().locator('.map-figure-deletion').count(), 4);
        console.log(`    screenshot: ${await session.screenshot('compare-light')}`);
      },
    );
  });
});
