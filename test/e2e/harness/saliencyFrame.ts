/**
 * The saliency panel's webview frame, and what the UI tests read from it.
 * Webview iframes are not inside their editor group's DOM (the workbench lays
 * them over it), and an image preview is a webview too, so every frame is
 * searched for the panel's own content.
 */
import type { Frame, Page } from 'playwright-core';

/** The frame that shows the saliency panel, once it has drawn `selector`. */
export async function saliencyFrame(
  page: Page,
  selector = '.saliency-controls',
  timeoutMs = 120_000,
): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      const found = await frame
        .evaluate((css) => document.querySelector(css) !== null, selector)
        .catch(() => false);
      if (found) return frame;
    }
    if (Date.now() > deadline) throw new Error(`no saliency panel showed ${selector}`);
    await page.waitForTimeout(250);
  }
}

/** What one card's map canvas holds: its method, target, how many colours, and its pixels as a data URL. */
export interface CanvasReading {
  method: string;
  target: string;
  distinct: number;
  pixels: string;
}

export async function readMapCanvases(frame: Frame): Promise<CanvasReading[]> {
  return frame.evaluate(() =>
    Array.from(document.querySelectorAll<HTMLCanvasElement>('.map-card[data-status="done"] .map-canvas')).map(
      (canvas) => {
        const card = canvas.closest<HTMLElement>('.map-card')!;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const colours = new Set<number>();
        for (let i = 0; i < data.length; i += 4)
          colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        return {
          method: card.dataset.method ?? '',
          target: card.querySelector('.map-card-target')?.textContent?.replace(/^ · /, '') ?? '',
          distinct: colours.size,
          pixels: canvas.toDataURL(),
        };
      },
    ),
  );
}

/** Waits until every card is settled (none running) and `predicate` holds for the app's state. */
export async function waitForCards(
  frame: Frame,
  predicate: (cards: { method: string; status: string; target: string }[]) => boolean,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const cards = await frame.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.map-card')).map((card) => ({
        method: card.dataset.method ?? '',
        status: card.dataset.status ?? '',
        target: card.querySelector('.map-card-target')?.textContent?.replace(/^ · /, '') ?? '',
      })),
    );
    if (cards.length > 0 && predicate(cards)) return;
    if (Date.now() > deadline) throw new Error(`the saliency cards never settled: ${JSON.stringify(cards)}`);
    await frame.page().waitForTimeout(200);
  }
}

/** Sets a @vscode-elements control's value in the panel and fires its `change`, as a user's choice does. */
export async function chooseInPanel(frame: Frame, selector: string, value: string): Promise<void> {
  await frame.evaluate(
    ([css, next]) => {
      const control = document.querySelector<HTMLElement & { value: string }>(css);
      if (!control) throw new Error(`no ${css} in the panel`);
      control.value = next;
      control.dispatchEvent(new Event('change', { bubbles: true }));
    },
    [selector, value] as const,
  );
}
