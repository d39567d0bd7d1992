/**
 * The filters above the grid: class, review state, score range, and a count
 * of what is shown. Plain form controls with visible labels (accessible
 * names for free, and themed by media/results.css).
 */
import { element } from '../shared/dom';
import { REVIEW_FILTERS, type ReviewFilter, type RowFilter } from './rowView';

export interface ToolbarOptions {
  classes: readonly string[];
  /** The class column's title ("Given label"), for the class filter's label. */
  classTitle: string | undefined;
  filter: RowFilter;
  onChange(change: Partial<RowFilter>): void;
}

let controls = 0;

export class Toolbar {
  readonly element: HTMLElement;
  private readonly count: HTMLElement;

  constructor(private readonly options: ToolbarOptions) {
    this.element = element('div', 'results-toolbar');
    this.element.setAttribute('role', 'search');
    this.element.setAttribute('aria-label', 'Filter the samples');
    const { classes, filter, onChange } = options;

    if (classes.length > 0) {
      const choices: [string, string][] = [
        ['', 'All classes'],
        ...classes.map((name): [string, string] => [name, name]),
      ];
      this.element.append(
        this.select(options.classTitle ?? 'Class', 'filter-class', choices, filter.className ?? '', (value) =>
          onChange({ className: value === '' ? undefined : value }),
        ),
      );
    }
    this.element.append(
      this.select('Review', 'filter-review', REVIEW_FILTERS, filter.review, (value) =>
        onChange({ review: value as ReviewFilter }),
      ),
      this.number('Score ≥', 'filter-min-score', filter.minScore, (value) => onChange({ minScore: value })),
      this.number('Score ≤', 'filter-max-score', filter.maxScore, (value) => onChange({ maxScore: value })),
    );
    this.count = element('span', 'results-shown');
    this.count.setAttribute('role', 'status');
    this.element.append(this.count);
  }

  /** "Showing 120 of 60,000". */
  setCount(shown: number, total: number): void {
    this.count.textContent =
      shown === total
        ? `${total.toLocaleString('en-US')} samples`
        : `Showing ${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')}`;
  }

  private select(
    label: string,
    className: string,
    choices: readonly (readonly [string, string])[],
    value: string,
    onChange: (value: string) => void,
  ): HTMLElement {
    const field = element('label', `toolbar-field ${className}`);
    field.append(element('span', 'toolbar-label', label));
    const select = element('select', 'toolbar-select');
    select.id = `results-control-${++controls}`;
    for (const [optionValue, text] of choices) {
      const option = element('option', undefined, text);
      option.value = optionValue;
      option.selected = optionValue === value;
      select.append(option);
    }
    select.addEventListener('change', () => onChange(select.value));
    field.append(select);
    return field;
  }

  private number(
    label: string,
    className: string,
    value: number | undefined,
    onChange: (value: number | undefined) => void,
  ): HTMLElement {
    const field = element('label', `toolbar-field ${className}`);
    field.append(element('span', 'toolbar-label', label));
    const input = element('input', 'toolbar-number');
    input.type = 'number';
    input.step = '0.01';
    input.inputMode = 'decimal';
    if (value !== undefined) input.value = String(value);
    input.addEventListener('change', () => {
      const parsed = input.value.trim() === '' ? undefined : Number(input.value);
      onChange(parsed === undefined || Number.isNaN(parsed) ? undefined : parsed);
    });
    field.append(input);
    return field;
  }
}
