/**
 * Calibration webview entry. Says `ready` once it listens, then renders the
 * calibration the host sends: what was flipped, the table, the recommendation
 * with a button that runs Find Label Issues on the same data and model, and
 * the notices. Text only goes in through textContent (file names are user data).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import {
  isCalibrateHostMessage,
  type CalibrateWebviewToHost,
  type CalibrationPayload,
} from '../../src/protocol/calibratePanel';
import { element, showWaiting } from '../shared/dom';
import { describeDataset, formatCount } from '../shared/format';
import { renderNotices } from '../shared/notices';
import { connectToHost, getVsCodeApi } from '../shared/vscodeApi';
import { renderCalibrationTable } from './calibrationTable';
import { formatPercent } from './format';

const vscode = getVsCodeApi<CalibrateWebviewToHost>();
const app = document.getElementById('app')!;

/** A `dt`/`dd` pair; a file path goes in the editor font, ellipsised (in full on hover). */
function fact(name: string, description: string, path?: string): HTMLElement[] {
  const dd = element('dd');
  if (description) dd.append(document.createTextNode(description));
  if (path !== undefined) {
    if (description) dd.append(document.createTextNode(' · '));
    const source = element('span', 'results-source', path);
    source.title = path;
    dd.append(source);
  }
  return [element('dt', undefined, name), dd];
}

function renderHeader(payload: CalibrationPayload): HTMLElement {
  const header = element('header', 'calibration-header');
  header.append(element('h1', 'results-title', 'Scorer calibration'));
  header.append(
    element(
      'p',
      'calibration-lede',
      `Each seed flips ${formatCount(payload.flips, 'label')} of the ${payload.labelled.toLocaleString('en-US')} ` +
        `labelled samples (${formatPercent(payload.fraction)}) to another class at random; every scorer then ranks ` +
        'the samples, and the table gives how many of the flips land in the top of its ranking.',
    ),
  );
  const facts = element('dl', 'results-facts');
  facts.append(
    ...fact('Data', describeDataset(payload.dataset), payload.dataset.source),
    ...(payload.model
      ? fact('Model', '', payload.model)
      : fact('Model', 'none: the graph is built on the features or pixels')),
    ...fact(
      'Seeds',
      `${payload.seeds.join(', ')} · k = ${payload.k}` +
        (payload.cachedEmbeddings ? ' · embeddings from the cache' : ''),
    ),
  );
  if (payload.skipped > 0)
    facts.append(...fact('Skipped', formatCount(payload.skipped, 'unreadable sample')));
  header.append(facts);
  return header;
}

function renderRecommendation(payload: CalibrationPayload): HTMLElement {
  const section = element('section', 'calibration-recommendation');
  section.setAttribute('aria-label', 'Recommendation');
  const text = element('p', 'calibration-recommendation-text');
  text.append(
    document.createTextNode('Recommended: '),
    element('strong', 'calibration-recommended-name', payload.recommended),
    document.createTextNode(
      ' (best mean recall in the top 10%, ties broken by the top 30%). Find Label Issues uses it on this ' +
        'dataset and model while the setting margin.scorer is "auto".',
    ),
  );
  const button = element('vscode-button', 'calibration-scan', 'Find Label Issues');
  button.addEventListener('click', () => vscode.postMessage({ type: 'findLabelIssues' }));
  const stored = element('p', 'calibration-stored');
  stored.append(
    document.createTextNode('Stored in '),
    element('span', 'results-source', payload.recommendationFile),
  );
  section.append(text, button, stored);
  return section;
}

function showCalibration(payload: CalibrationPayload): void {
  app.replaceChildren(renderHeader(payload));
  if (payload.notices.length) app.append(renderNotices(payload.notices));
  const scroller = element('div', 'calibration-scroller');
  scroller.append(renderCalibrationTable(payload));
  app.append(scroller, renderRecommendation(payload));
  app.dataset.rowCount = String(payload.rows.length);
  app.setAttribute('aria-busy', 'false');
}

showWaiting(app, 'Waiting for the calibration…');
connectToHost(vscode, isCalibrateHostMessage, (message) => showCalibration(message.payload));
