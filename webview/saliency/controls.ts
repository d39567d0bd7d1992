/**
 * The panel's controls, built once and kept in step with the host's state:
 * one map or several methods side by side; the method, the class to explain
 * (default: the predicted one) and the settings that matter for the method
 * (baseline, steps, rule, samples); how maps are drawn (opacity, signed or
 * absolute colours). A change of method, class or setting asks the host at
 * once (a map seen before comes from its cache).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-radio/index.js';
import '@vscode-elements/elements/dist/vscode-radio-group/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { EXPLAIN_METHODS, type ExplainMethod } from '../../src/protocol/engine';
import {
  METHOD_SETTINGS,
  METHOD_TITLES,
  SALIENCY_BASELINES,
  SALIENCY_RULES,
  type SaliencyOptions,
  type SaliencyRequest,
  type SaliencyState,
} from '../../src/protocol/saliencyPanel';
import { element } from '../shared/dom';
import type { DisplaySettings } from './mapCard';
import { formatProbability, parseCount } from './format';

type VscodeSelect = HTMLElementTagNameMap['vscode-single-select'];
type VscodeTextfield = HTMLElementTagNameMap['vscode-textfield'];

export interface ControlsCallbacks {
  onExplain(request: SaliencyRequest): void;
  onCompare(methods: ExplainMethod[], target: number | undefined, options: SaliencyOptions): void;
  onCancel(): void;
  onDisplay(display: DisplaySettings): void;
  onCompareSelection(methods: ExplainMethod[]): void;
}

const PREDICTED = 'predicted';

function labelled(text: string, control: HTMLElement, className: string): HTMLElement {
  const wrapper = element('label', `control ${className}`);
  wrapper.append(element('span', 'control-label', text), control);
  return wrapper;
}

function select(className: string, choices: [string, string][], value: string): VscodeSelect {
  const node = element('vscode-single-select', className);
  for (const [key, text] of choices) {
    const option = element('vscode-option', undefined, text);
    option.value = key;
    option.selected = key === value;
    node.append(option);
  }
  return node;
}

export class Controls {
  readonly element: HTMLElement;
  private mode: SaliencyState['mode'] = 'single';
  private readonly modeRadios: HTMLElementTagNameMap['vscode-radio'][] = [];
  private readonly method: VscodeSelect;
  private target: VscodeSelect;
  private readonly targetSlot: HTMLElement;
  private readonly baseline: VscodeSelect;
  private readonly steps: VscodeTextfield;
  private readonly rule: VscodeSelect;
  private readonly samples: VscodeTextfield;
  private readonly settingRows: Record<keyof SaliencyOptions, HTMLElement>;
  private readonly compareRow: HTMLElement;
  private readonly methodRow: HTMLElement;
  private readonly runButton: HTMLElementTagNameMap['vscode-button'];
  private readonly cancelButton: HTMLElementTagNameMap['vscode-button'];
  private readonly checks = new Map<ExplainMethod, HTMLElementTagNameMap['vscode-checkbox']>();
  private shownRequest = '';
  private shownClasses = '';

  constructor(
    private readonly callbacks: ControlsCallbacks,
    private display: DisplaySettings,
    compareSelection: readonly ExplainMethod[],
  ) {
    this.element = element('section', 'saliency-controls');
    this.element.setAttribute('aria-label', 'Explanation settings');

    const modeGroup = element('vscode-radio-group', 'mode-group');
    for (const [value, text] of [
      ['single', 'One map'],
      ['compare', 'Compare methods'],
    ] as const) {
      const radio = element('vscode-radio', `mode-${value}`);
      radio.name = 'saliency-mode';
      radio.value = value;
      radio.label = text;
      radio.checked = value === 'single';
      radio.addEventListener('change', () => {
        if (radio.checked && this.mode !== value) this.switchMode(value);
      });
      this.modeRadios.push(radio);
      modeGroup.append(radio);
    }

    this.method = select(
      'method-select',
      EXPLAIN_METHODS.map((method) => [method, METHOD_TITLES[method]]),
      'margin',
    );
    this.method.addEventListener('change', () => this.ask());
    this.methodRow = labelled('Method', this.method, 'control-method');

    this.compareRow = element('div', 'control control-compare');
    this.compareRow.append(element('span', 'control-label', 'Methods'));
    const checks = element('div', 'compare-checks');
    for (const method of EXPLAIN_METHODS) {
      const check = element('vscode-checkbox', 'compare-check');
      check.label = METHOD_TITLES[method];
      check.value = method;
      check.checked = compareSelection.includes(method);
      check.addEventListener('change', () => {
        this.callbacks.onCompareSelection(this.comparedMethods());
        this.updateSettingRows();
      });
      this.checks.set(method, check);
      checks.append(check);
    }
    this.compareRow.append(checks);

    this.target = select('target-select', [[PREDICTED, 'Predicted class']], PREDICTED);
    this.targetSlot = labelled('Class', this.target, 'control-target');
    this.target.addEventListener('change', () => this.ask());

    this.baseline = select(
      'baseline-select',
      [['', 'Method default'], ...SALIENCY_BASELINES.map((name): [string, string] => [name, name])],
      '',
    );
    this.steps = element('vscode-textfield', 'steps-field');
    this.steps.placeholder = 'default';
    this.rule = select(
      'rule-select',
      [['', 'Method default'], ...SALIENCY_RULES.map((name): [string, string] => [name, name])],
      '',
    );
    this.samples = element('vscode-textfield', 'samples-field');
    this.samples.placeholder = 'default';
    for (const control of [this.baseline, this.steps, this.rule, this.samples])
      control.addEventListener('change', () => this.ask());
    this.settingRows = {
      baseline: labelled('Baseline', this.baseline, 'control-baseline'),
      steps: labelled('Steps', this.steps, 'control-steps'),
      rule: labelled('Rule', this.rule, 'control-rule'),
      samples: labelled('Samples', this.samples, 'control-samples'),
    };

    this.runButton = element('vscode-button', 'run-button', 'Explain');
    this.runButton.addEventListener('click', () => this.ask());
    this.cancelButton = element('vscode-button', 'cancel-button', 'Cancel');
    this.cancelButton.secondary = true;
    this.cancelButton.addEventListener('click', () => this.callbacks.onCancel());

    const what = element('div', 'controls-row');
    what.append(
      this.methodRow,
      this.compareRow,
      this.targetSlot,
      ...Object.values(this.settingRows),
      this.runButton,
      this.cancelButton,
    );
    this.element.append(modeGroup, what, this.renderDisplay());
    this.updateSettingRows();
  }

  /** Brings the controls in line with the host's state (without touching fields the state did not change). */
  update(state: SaliencyState): void {
    this.mode = state.mode;
    for (const radio of this.modeRadios) radio.checked = radio.value === state.mode;
    this.element.dataset.mode = state.mode;
    this.methodRow.hidden = state.mode !== 'single';
    this.compareRow.hidden = state.mode !== 'compare';
    this.runButton.textContent = state.mode === 'single' ? 'Explain' : 'Compare';

    const classesKey = JSON.stringify([state.classes?.map((c) => c.probability), state.subject.labels]);
    const requestKey = JSON.stringify(state.request);
    if (classesKey !== this.shownClasses || requestKey !== this.shownRequest) this.rebuildTargets(state);
    this.shownClasses = classesKey;
    if (requestKey !== this.shownRequest) {
      this.shownRequest = requestKey;
      const { request } = state;
      if (state.mode === 'single') this.method.value = request.method;
      else for (const [method, check] of this.checks) check.checked = state.compareMethods.includes(method);
      this.baseline.value = request.options.baseline ?? '';
      this.rule.value = request.options.rule ?? '';
      this.steps.value = request.options.steps !== undefined ? String(request.options.steps) : '';
      this.samples.value = request.options.samples !== undefined ? String(request.options.samples) : '';
    }
    const running = state.views.some((view) => view.status === 'running');
    this.cancelButton.hidden = !running;
    this.element.dataset.running = String(running);
    // From the state, not the select: a select's value settles only after its next render.
    this.updateSettingRows(state.mode === 'single' ? [state.request.method] : state.compareMethods);
  }

  /** Explains class `index` (the prediction list's buttons). */
  chooseTarget(index: number): void {
    this.target.value = String(index);
    this.ask();
  }

  private rebuildTargets(state: SaliencyState): void {
    const count = state.classes?.length ?? state.subject.labels.length;
    const choices: [string, string][] = [[PREDICTED, 'Predicted class']];
    for (let index = 0; index < count; index++) {
      const known = state.classes?.[index];
      const label = known?.label ?? state.subject.labels[index] ?? `class ${index}`;
      choices.push([String(index), known ? `${label} (${formatProbability(known.probability)})` : label]);
    }
    const value = state.request.target !== undefined ? String(state.request.target) : PREDICTED;
    const next = select('target-select', choices, value);
    next.addEventListener('change', () => this.ask());
    this.target.replaceWith(next);
    this.target = next;
  }

  private switchMode(mode: SaliencyState['mode']): void {
    this.mode = mode;
    this.methodRow.hidden = mode !== 'single';
    this.compareRow.hidden = mode !== 'compare';
    this.updateSettingRows();
    this.ask();
  }

  private comparedMethods(): ExplainMethod[] {
    return EXPLAIN_METHODS.filter((method) => this.checks.get(method)?.checked);
  }

  /** The settings rows the method (or the compared methods) read. */
  private updateSettingRows(
    methods: readonly ExplainMethod[] = this.mode === 'single'
      ? [this.method.value as ExplainMethod]
      : this.comparedMethods(),
  ): void {
    const used = new Set(methods.flatMap((method) => METHOD_SETTINGS[method] ?? []));
    for (const [key, row] of Object.entries(this.settingRows))
      row.hidden = !used.has(key as keyof SaliencyOptions);
  }

  private options(): SaliencyOptions {
    const options: SaliencyOptions = {};
    if (this.baseline.value) options.baseline = this.baseline.value as SaliencyOptions['baseline'];
    if (this.rule.value) options.rule = this.rule.value as SaliencyOptions['rule'];
    const steps = parseCount(this.steps.value);
    if (steps !== undefined) options.steps = steps;
    const samples = parseCount(this.samples.value);
    if (samples !== undefined) options.samples = samples;
    return options;
  }

  private ask(): void {
    this.updateSettingRows();
    const target =
      this.target.value === PREDICTED || this.target.value === '' ? undefined : Number(this.target.value);
    if (this.mode === 'single') {
      this.callbacks.onExplain({
        method: this.method.value as ExplainMethod,
        ...(target !== undefined ? { target } : {}),
        options: this.options(),
      });
      return;
    }
    const methods = this.comparedMethods();
    if (methods.length > 0) this.callbacks.onCompare(methods, target, this.options());
  }

  private renderDisplay(): HTMLElement {
    const row = element('div', 'controls-row display-row');
    const opacity = element('input', 'opacity-slider');
    opacity.type = 'range';
    opacity.min = '0';
    opacity.max = '100';
    opacity.value = String(Math.round(this.display.opacity * 100));
    opacity.setAttribute('aria-label', 'Overlay opacity');
    const opacityValue = element('span', 'opacity-value', `${opacity.value}%`);
    opacity.addEventListener('input', () => {
      opacityValue.textContent = `${opacity.value}%`;
      this.display = { ...this.display, opacity: Number(opacity.value) / 100 };
      this.callbacks.onDisplay(this.display);
    });
    const opacityControl = element('label', 'control control-opacity');
    opacityControl.append(element('span', 'control-label', 'Opacity'), opacity, opacityValue);

    const colours = element('vscode-radio-group', 'colours-group');
    colours.setAttribute('aria-label', 'Colours');
    for (const [value, text] of [
      ['auto', 'Auto'],
      ['signed', 'Signed (diverging)'],
      ['absolute', 'Absolute (sequential)'],
    ] as const) {
      const radio = element('vscode-radio', `colours-${value}`);
      radio.name = 'saliency-colours';
      radio.value = value;
      radio.label = text;
      radio.checked = value === this.display.colours;
      radio.addEventListener('change', () => {
        if (!radio.checked) return;
        this.display = { ...this.display, colours: value };
        this.callbacks.onDisplay(this.display);
      });
      colours.append(radio);
    }
    const coloursControl = element('div', 'control control-colours');
    coloursControl.append(element('span', 'control-label', 'Colours'), colours);
    row.append(opacityControl, coloursControl);
    return row;
  }
}
