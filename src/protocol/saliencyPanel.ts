/**
 * Messages between the extension host and the saliency webview (MARGIN:
 * Explain Prediction), one union per direction with a literal `type` (STYLE.md
 * habit 1) and a type guard for each. The host owns the state: it sends the
 * whole of it every time (a webview document can be recreated and gets only
 * the latest message), and the webview sends what the user asked for.
 */
import { EXPLAIN_METHODS, type ExplainMethod, type ExplainOptions, type ExplainResult } from './engine';
import { hasType, isIndex, isReadyMessage, isRecord, type ReadyMessage } from './webviewPanel';

/** The method settings the panel offers (the rest keep the engine's defaults). */
export type SaliencyOptions = Pick<ExplainOptions, 'baseline' | 'steps' | 'rule' | 'samples'>;

export const SALIENCY_BASELINES = ['black', 'blur', 'mean', 'zeros'] as const;
export const SALIENCY_RULES = ['rescale', 'reveal-cancel'] as const;

/** The settings each method reads; the panel shows these and the host sends only these (and keys the cache by them). */
export const METHOD_SETTINGS: Readonly<Record<ExplainMethod, readonly (keyof SaliencyOptions)[]>> = {
  margin: [],
  occlusion: ['baseline'],
  gradient: [],
  ig: ['baseline', 'steps'],
  smoothgrad: ['samples'],
  deeplift: ['baseline', 'rule'],
  dance: ['samples'],
  caso: [],
};

/** How the panel names each method. */
export const METHOD_TITLES: Readonly<Record<ExplainMethod, string>> = {
  margin: 'MARGIN (superpixel graph)',
  occlusion: 'Occlusion',
  gradient: 'Gradient',
  ig: 'Integrated Gradients',
  smoothgrad: 'SmoothGrad',
  deeplift: 'DeepLIFT',
  dance: 'DANCE',
  caso: 'CASO',
};

/** The methods that need forward passes only: what a model without gradients can still be explained with. */
export const GRADIENT_FREE_METHODS: readonly ExplainMethod[] = ['occlusion', 'margin'];

/** `options` without the settings `method` does not read, and without unset ones. */
export function settingsFor(method: ExplainMethod, options: SaliencyOptions): SaliencyOptions {
  const kept: Record<string, unknown> = {};
  for (const key of METHOD_SETTINGS[method]) if (options[key] !== undefined) kept[key] = options[key];
  return kept as SaliencyOptions;
}

/** One explanation to compute: the method, the class (undefined: the predicted one) and the settings. */
export interface SaliencyRequest {
  method: ExplainMethod;
  target?: number;
  options: SaliencyOptions;
}

/** A picture of one value per pixel: a map (signed or not) or superpixel segments (a label per pixel). */
export interface SaliencyLayer {
  /** Stable key, e.g. `map`, `saliency`, `influence`, `superpixels-0`. */
  key: string;
  title: string;
  /** `signed`: may be negative (diverging colours); `magnitude`: ≥ 0 (sequential); `segments`: region labels. */
  kind: 'signed' | 'magnitude' | 'segments';
  width: number;
  height: number;
  /** height × width values, row-major. */
  values: number[];
}

/** One class with its probability, for the target picker. */
export interface SaliencyClass {
  index: number;
  label: string;
  probability: number;
}

/** A finished explanation as the panel shows it: the map summed over channels, per pixel. */
export interface SaliencyMap {
  method: ExplainMethod;
  target: number;
  targetLabel: string;
  predicted: number;
  /** The map (summed over channels), then any layers the method carries (margin: S, I, superpixels). */
  layers: SaliencyLayer[];
  metrics?: ExplainResult['metrics'];
  baseline?: ExplainResult['baseline'];
  notices: string[];
  seconds: number;
  /** Served from the extension's cache, without an engine call. */
  cached: boolean;
}

/** What went wrong with one explanation, in words that name the file. */
export interface SaliencyError {
  message: string;
  /** The file (or setting) at fault, when the engine named one. */
  file?: string;
  /** Methods that would work instead (a model without gradients: occlusion and margin). */
  alternatives?: ExplainMethod[];
}

export interface SaliencyProgress {
  stage: string;
  done: number;
  total: number;
}

/** One method's slot: running, finished, failed or cancelled. */
export interface SaliencyView {
  request: SaliencyRequest;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  progress?: SaliencyProgress;
  map?: SaliencyMap;
  error?: SaliencyError;
}

export interface SaliencySubject {
  /** Absolute path of the image (or input) explained. */
  input: string;
  inputName: string;
  /** A data: URL of the image the webview may draw (and read back), when it is one a browser decodes. */
  imageUrl?: string;
  model: string;
  modelName: string;
  /** Class names from the sidecar, by index; empty when it has none. */
  labels: string[];
}

export interface SaliencyState {
  subject: SaliencySubject;
  mode: 'single' | 'compare';
  /** The settings the controls show (the single map's, or the compare mode's shared ones). */
  request: SaliencyRequest;
  /** Compare mode: the methods side by side, in order. */
  compareMethods: ExplainMethod[];
  /** Single mode: one view; compare mode: one per compared method. */
  views: SaliencyView[];
  /** Every class with its probability, once one explanation finished (the model's prediction). */
  classes?: SaliencyClass[];
  /** Written export files, newest last (shown with the path). */
  exported?: string[];
  /** A problem with the panel as a whole (e.g. an export that failed). */
  problem?: string;
}

export type SaliencyHostToWebview = { type: 'state'; state: SaliencyState };

export type SaliencyWebviewToHost =
  | ReadyMessage
  /** Single mode: explain with these settings. */
  | { type: 'explain'; request: SaliencyRequest }
  /** Compare mode: these methods, side by side, with the shared target and settings. */
  | { type: 'compare'; methods: ExplainMethod[]; target?: number; options: SaliencyOptions }
  /** Stop what runs (the engine job ends). */
  | { type: 'cancel' }
  /** Write the map of view `view` as PNG overlay and NPY: beside the image, or where the user chooses. */
  | { type: 'export'; view: number; where: 'beside' | 'choose' };

export function isExplainMethod(value: unknown): value is ExplainMethod {
  return typeof value === 'string' && (EXPLAIN_METHODS as readonly string[]).includes(value);
}

function isOptionalPositiveInteger(value: unknown): boolean {
  return value === undefined || (typeof value === 'number' && Number.isInteger(value) && value >= 1);
}

function oneOfOrAbsent(value: unknown, allowed: readonly string[]): boolean {
  return value === undefined || (typeof value === 'string' && allowed.includes(value));
}

export function isSaliencyOptions(value: unknown): value is SaliencyOptions {
  if (!isRecord(value)) return false;
  const known = new Set(['baseline', 'steps', 'rule', 'samples']);
  return (
    Object.keys(value).every((key) => known.has(key)) &&
    oneOfOrAbsent(value.baseline, SALIENCY_BASELINES) &&
    oneOfOrAbsent(value.rule, SALIENCY_RULES) &&
    isOptionalPositiveInteger(value.steps) &&
    isOptionalPositiveInteger(value.samples)
  );
}

export function isSaliencyRequest(value: unknown): value is SaliencyRequest {
  return (
    isRecord(value) &&
    isExplainMethod(value.method) &&
    (value.target === undefined || isIndex(value.target)) &&
    isSaliencyOptions(value.options)
  );
}

/** The host is trusted: the guard checks the envelope, the subject and that the views are a list. */
export function isSaliencyHostMessage(value: unknown): value is SaliencyHostToWebview {
  return (
    hasType(value, 'state') &&
    isRecord(value.state) &&
    isRecord(value.state.subject) &&
    Array.isArray(value.state.views)
  );
}

export function isSaliencyWebviewMessage(value: unknown): value is SaliencyWebviewToHost {
  if (isReadyMessage(value) || hasType(value, 'cancel')) return true;
  if (hasType(value, 'explain')) return isSaliencyRequest(value.request);
  if (hasType(value, 'compare'))
    return (
      Array.isArray(value.methods) &&
      value.methods.length > 0 &&
      value.methods.every(isExplainMethod) &&
      new Set(value.methods).size === value.methods.length &&
      (value.target === undefined || isIndex(value.target)) &&
      isSaliencyOptions(value.options)
    );
  if (hasType(value, 'export'))
    return isIndex(value.view) && (value.where === 'beside' || value.where === 'choose');
  return false;
}
