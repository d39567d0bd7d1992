/**
 * The panel's header: task, dataset, reference set, scorer, counts, metrics,
 * the task's notices (always in view: they change how the results read) and
 * the skipped files.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import type { ResultsPayload } from '../../src/protocol/resultsPanel';
import { element } from '../shared/dom';
import { describeDataset, formatCount } from '../shared/format';
import { renderNotices } from '../shared/notices';
import { describeReference } from './format';
import { describeMetrics } from './summary';

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

  const facts = element('dl', 'results-facts');
  facts.append(...fact('Data', describeDataset(payload.dataset), payload.dataset.source, 'results-dataset'));
  if (payload.reference)
    facts.append(
      ...fact(
        'Reference',
        describeReference(payload.reference),
        payload.reference.source,
        'results-reference',
      ),
    );
  if (payload.scorer) facts.append(...fact('Scorer', payload.scorer, undefined, 'results-scorer'));
  header.append(facts);

  const sentences = describeMetrics(payload.metrics);
  if (sentences.length) {
    const list = element('ul', 'results-summary');
    list.setAttribute('aria-label', 'Summary');
    for (const { key, text } of sentences) {
      const item = element('li', 'results-summary-item', text);
      item.dataset.metric = key;
      list.append(item);
    }
    header.append(list);
  }

  if (payload.notices.length) header.append(renderNotices(payload.notices));
  if (payload.skipped.length) header.append(renderSkipped(payload.skipped));
  return header;
}

/** One `dt`/`dd` pair: a description, and a file path in the editor font (ellipsised, in full on hover). */
function fact(
  name: string,
  description: string,
  source: string | undefined,
  className: string,
): HTMLElement[] {
  const value = element('dd', className);
  value.append(element('span', 'results-fact-description', description));
  if (source !== undefined) {
    value.append(document.createTextNode(' · '));
    const path = element('span', 'results-source', source);
    path.title = source;
    value.append(path);
  }
  return [element('dt', undefined, name), value];
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
