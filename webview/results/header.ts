/** The panel's header: task, dataset, counts, metrics and the skipped files. */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import type { ResultsPayload } from '../../src/protocol/webview';
import { element } from './dom';
import { describeDataset, formatCount, formatMetric } from './format';

/** Listing more skipped files than this helps nobody; the log has them all. */
const SKIPPED_SHOWN = 200;

export function renderHeader(payload: ResultsPayload): HTMLElement {
  const header = element('header', 'results-header');
  const titleLine = element('div', 'results-title-line');
  titleLine.append(element('h1', 'results-title', payload.title));

  const samples = element('vscode-badge', 'results-count');
  samples.variant = 'counter';
  samples.textContent = formatCount(payload.rows.length, 'sample');
  samples.title = `${payload.rows.length} ranked of ${payload.dataset.count} in the dataset`;
  titleLine.append(samples);

  const skipped = element('span', 'results-skipped');
  skipped.dataset.count = String(payload.skipped.length);
  if (payload.skipped.length > 0) {
    const icon = element('vscode-icon');
    icon.name = 'warning';
    skipped.append(icon);
    skipped.classList.add('has-skipped');
  }
  skipped.append(document.createTextNode(`${formatCount(payload.skipped.length, 'sample')} skipped`));
  titleLine.append(skipped);
  header.append(titleLine);

  const dataset = element('div', 'results-dataset');
  dataset.append(
    element('span', 'results-dataset-kind', describeDataset(payload.dataset)),
    document.createTextNode(' · '),
  );
  const source = element('span', 'results-dataset-source', payload.dataset.source);
  source.title = payload.dataset.source;
  dataset.append(source);
  header.append(dataset);

  const metrics = Object.entries(payload.metrics ?? {});
  if (metrics.length) {
    const list = element('dl', 'results-metrics');
    for (const [name, value] of metrics) {
      list.append(element('dt', undefined, name), element('dd', undefined, formatMetric(value)));
    }
    header.append(list);
  }

  if (payload.skipped.length) header.append(renderSkipped(payload.skipped));
  return header;
}

function renderSkipped(skipped: ResultsPayload['skipped']): HTMLElement {
  const section = element('vscode-collapsible', 'results-skipped-list');
  section.heading = 'Skipped samples';
  section.description = `${skipped.length.toLocaleString('en-US')} could not be read`;
  const list = element('ul');
  for (const entry of skipped.slice(0, SKIPPED_SHOWN)) {
    const item = element('li');
    item.append(
      element('span', 'skipped-file', entry.file),
      document.createTextNode(' — '),
      element('span', 'skipped-problem', entry.problem),
    );
    list.append(item);
  }
  if (skipped.length > SKIPPED_SHOWN) {
    list.append(
      element('li', 'skipped-more', `and ${(skipped.length - SKIPPED_SHOWN).toLocaleString('en-US')} more`),
    );
  }
  section.append(list);
  return section;
}
