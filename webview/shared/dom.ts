/**
 * Element helpers of every panel. Text only ever goes in through textContent:
 * file names and labels come from user files and must never be parsed as HTML.
 */
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** A 56 px thumbnail of a sample (pixelated by CSS); a file that fails to load leaves an empty square. */
export function thumbnailImage(src: string, className?: string): HTMLImageElement {
  const image = element('img', className);
  image.decoding = 'async';
  image.width = 56;
  image.height = 56;
  image.alt = '';
  image.addEventListener('error', () => image.classList.add('is-broken'), { once: true });
  image.src = src;
  return image;
}

/** What `app` shows until the host's first message: a progress ring and `text`. */
export function showWaiting(app: HTMLElement, text: string): void {
  const waiting = element('div', 'results-waiting');
  waiting.append(element('vscode-progress-ring'), element('span', undefined, text));
  app.replaceChildren(waiting);
}
