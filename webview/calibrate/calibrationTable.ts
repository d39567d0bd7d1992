/**
 * The calibration table: one row per scorer, one cell per top fraction with
 * the mean recall, its spread over seeds and a bar; the recommended row
 * marked, an unavailable scorer's reason in place of its cells.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { CalibrationCell, CalibrationPayload, CalibrationRow } from '../../src/protocol/calibratePanel';
import { element } from '../shared/dom';
import { attainableRecall, formatPercent, formatRecall, seedsTooltip } from './format';

/** The fraction the recommendation ranks by: its column is marked. */
const PRIMARY_FRACTION = 0.1;

export function renderCalibrationTable(payload: CalibrationPayload): HTMLTableElement {
  const table = element('table', 'calibration-table');
  table.createCaption().textContent =
    'Recall of the flipped labels in the top of each ranking: mean ± standard deviation over the seeds';
  const head = table.createTHead().insertRow();
  head.append(headerCell('Scorer'));
  for (const fraction of payload.fractions) {
    const cell = headerCell(`Top ${formatPercent(fraction)}`);
    cell.dataset.fraction = String(fraction);
    const ceiling = attainableRecall(fraction, payload.labelled, payload.flips);
    if (ceiling < 1) {
      cell.append(element('div', 'calibration-ceiling', `at most ${formatRecall(ceiling)}`));
      cell.title = `The top ${formatPercent(fraction)} holds fewer samples than there are flips`;
    }
    if (fraction === PRIMARY_FRACTION) {
      cell.classList.add('is-primary');
      cell.title = 'The recommendation is the best mean here (ties: the top 30%)';
    }
    head.append(cell);
  }
  const body = table.createTBody();
  for (const row of payload.rows) body.append(renderRow(row, payload));
  return table;
}

function headerCell(text: string): HTMLTableCellElement {
  const cell = element('th', undefined, text);
  cell.scope = 'col';
  return cell;
}

function renderRow(row: CalibrationRow, payload: CalibrationPayload): HTMLTableRowElement {
  const tr = element('tr', 'calibration-row');
  tr.dataset.scorer = row.scorer;
  const name = element('th', 'calibration-scorer');
  name.scope = 'row';
  const title = element('div', 'calibration-scorer-name');
  title.append(element('span', 'calibration-scorer-id', row.scorer));
  if (row.recommended) {
    tr.classList.add('is-recommended');
    const badge = element('vscode-badge', 'calibration-recommended', 'recommended');
    title.append(badge);
  }
  name.append(title, element('div', 'calibration-description', row.description));
  tr.append(name);

  if (row.unavailable !== undefined) {
    tr.classList.add('is-unavailable');
    const cell = element('td', 'calibration-unavailable', `Not run: ${row.unavailable}`);
    cell.colSpan = payload.fractions.length;
    tr.append(cell);
    return tr;
  }
  for (const cell of row.cells) tr.append(renderCell(cell, payload.seeds));
  return tr;
}

function renderCell(cell: CalibrationCell, seeds: readonly number[]): HTMLTableCellElement {
  const td = element('td', 'calibration-cell');
  td.dataset.fraction = String(cell.fraction);
  if (cell.fraction === PRIMARY_FRACTION) td.classList.add('is-primary');
  td.title = seedsTooltip(cell, seeds);
  const figures = element('div', 'calibration-figures');
  figures.append(
    element('span', 'calibration-mean', formatRecall(cell.mean)),
    element('span', 'calibration-sd', `± ${formatRecall(cell.sd)}`),
  );
  const bar = element('div', 'calibration-bar');
  bar.setAttribute('aria-hidden', 'true');
  const fill = element('div', 'calibration-bar-fill');
  fill.style.width = `${Math.max(0, Math.min(1, cell.mean)) * 100}%`;
  bar.append(fill);
  td.append(figures, bar);
  return td;
}
