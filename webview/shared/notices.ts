/** The notices of a task or calibration: always in view, they change how the results read. */
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import { element } from './dom';

export function renderNotices(notices: readonly string[]): HTMLElement {
  const list = element('ul', 'results-notices');
  list.setAttribute('aria-label', 'Notices');
  for (const notice of notices) {
    const item = element('li', 'results-notice');
    const icon = element('vscode-icon');
    icon.name = 'info';
    icon.setAttribute('aria-hidden', 'true');
    item.append(icon, element('span', undefined, notice));
    list.append(item);
  }
  return list;
}
