/**
 * Saliency webview entry (MARGIN: Explain Prediction). Says `ready` once it
 * listens, then draws whatever state the host sends: the image and model,
 * the controls, the model's top-5 classes (a click explains that class), and
 * one card per method: one map, or several side by side in compare mode.
 * The display settings (opacity, colours) and the compare selection survive
 * reloads. Text only goes in through textContent (file names are user data).
 */
import type { ExplainMethod } from '../../src/protocol/engine';
import {
  isSaliencyHostMessage,
  type SaliencyState,
  type SaliencyWebviewToHost,
} from '../../src/protocol/saliencyPanel';
import { element, showWaiting } from '../shared/dom';
import { renderNotices } from '../shared/notices';
import { connectToHost, getVsCodeApi } from '../shared/vscodeApi';
import { Controls } from './controls';
import { formatProbability, topClasses } from './format';
import { renderMapCard, type DisplaySettings } from './mapCard';

interface PersistedState {
  display: DisplaySettings;
  compare: ExplainMethod[];
}

const DEFAULTS: PersistedState = {
  display: { opacity: 0.7, colours: 'auto' },
  compare: ['margin', 'occlusion', 'ig', 'gradient'],
};

const vscode = getVsCodeApi<SaliencyWebviewToHost, PersistedState>();
const app = document.getElementById('app')!;
let persisted: PersistedState = { ...DEFAULTS, ...(vscode.getState() ?? {}) };
let state: SaliencyState | undefined;
/** The layer each card shows, by method (a card is one method). */
const layers = new Map<ExplainMethod, string>();

const controls = new Controls(
  {
    onExplain: (request) => vscode.postMessage({ type: 'explain', request }),
    onCompare: (methods, target, options) =>
      vscode.postMessage({ type: 'compare', methods, target, options }),
    onCancel: () => vscode.postMessage({ type: 'cancel' }),
    onDisplay: (display) => {
      save({ display });
      renderViews();
    },
    onCompareSelection: (compare) => save({ compare }),
  },
  persisted.display,
  persisted.compare,
);

const header = element('header', 'saliency-header');
const prediction = element('aside', 'saliency-prediction');
prediction.setAttribute('aria-label', 'Prediction');
const views = element('div', 'saliency-views');
const footer = element('div', 'saliency-footer');

function save(change: Partial<PersistedState>): void {
  persisted = { ...persisted, ...change };
  vscode.setState(persisted);
}

/** The image decoded once per URL; its pixels at each map size a card asks for. */
const image = {
  url: undefined as string | undefined,
  element: undefined as HTMLImageElement | undefined,
  broken: false,
  pixels: new Map<string, Uint8ClampedArray>(),
};

function loadImage(url: string | undefined): void {
  if (image.url === url) return;
  image.url = url;
  image.broken = false;
  image.pixels.clear();
  image.element = undefined;
  if (!url) return;
  const node = new Image();
  node.addEventListener('load', () => {
    if (image.url !== url) return;
    image.element = node;
    renderViews();
  });
  node.addEventListener('error', () => {
    if (image.url !== url) return;
    image.broken = true;
    renderHeader();
  });
  node.src = url;
}

function imagePixels(width: number, height: number): Uint8ClampedArray | undefined {
  if (!image.element) return undefined;
  const key = `${width}x${height}`;
  let pixels = image.pixels.get(key);
  if (!pixels) {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d', { willReadFrequently: true })!;
    // The engine brings the image to the model's size the same way (stretched), so pixels line up with the map.
    context.drawImage(image.element, 0, 0, width, height);
    pixels = context.getImageData(0, 0, width, height).data;
    image.pixels.set(key, pixels);
  }
  return pixels;
}

function fact(name: string, text: string, path?: string): HTMLElement[] {
  const value = element('dd');
  value.append(document.createTextNode(text));
  if (path) {
    const source = element('span', 'results-source', path);
    source.title = path;
    value.append(document.createTextNode(' · '), source);
  }
  return [element('dt', undefined, name), value];
}

function renderHeader(): void {
  if (!state) return;
  const { subject } = state;
  const facts = element('dl', 'results-facts');
  facts.append(
    ...fact('Image', subject.inputName, subject.input),
    ...fact('Model', subject.modelName, subject.model),
  );
  header.replaceChildren(element('h1', 'results-title', 'Explain Prediction'), facts);
  if (image.broken) {
    const problem = element(
      'p',
      'saliency-problem',
      `${subject.inputName} could not be decoded as an image; the map is drawn on grey.`,
    );
    problem.setAttribute('role', 'alert');
    header.append(problem);
  }
}

function renderPrediction(): void {
  prediction.replaceChildren(element('h2', 'saliency-section-title', 'Prediction'));
  if (!state?.classes) {
    prediction.append(element('p', 'saliency-muted', 'Shown with the first map.'));
    return;
  }
  const list = element('ol', 'prediction-list');
  const target = state.views.find((view) => view.map)?.map?.target;
  // The model's prediction is its most probable class, whatever the maps explain.
  const ranked = topClasses(state.classes);
  for (const entry of ranked) {
    const item = element('li', 'prediction-item');
    const button = element('button', 'prediction-class');
    button.type = 'button';
    button.dataset.index = String(entry.index);
    button.title = `Explain ${entry.label}`;
    if (entry.index === target) button.classList.add('is-target');
    const bar = element('span', 'prediction-bar');
    bar.style.width = `${Math.max(1, entry.probability * 100)}%`;
    const predicted = entry.index === ranked[0].index;
    button.append(
      element('span', 'prediction-label', entry.label + (predicted ? ' (predicted)' : '')),
      element('span', 'prediction-value', formatProbability(entry.probability)),
      bar,
    );
    button.addEventListener('click', () => controls.chooseTarget(entry.index));
    item.append(button);
    list.append(item);
  }
  prediction.append(list);
}

function renderViews(): void {
  if (!state) return;
  const compact = state.mode === 'compare';
  views.className = `saliency-views is-${state.mode}`;
  views.replaceChildren(
    ...state.views.map((view, index) =>
      renderMapCard({
        view,
        index,
        compact,
        display: persisted.display,
        imagePixels,
        imageUrl: state!.subject.imageUrl,
        layer: layers.get(view.request.method) ?? 'map',
        onLayer: (key) => {
          layers.set(view.request.method, key);
          renderViews();
        },
        onExport: (where) => vscode.postMessage({ type: 'export', view: index, where }),
        onMethod: (method) =>
          vscode.postMessage({
            type: 'explain',
            request: {
              method,
              ...(view.request.target !== undefined ? { target: view.request.target } : {}),
              options: {},
            },
          }),
      }),
    ),
  );
}

function renderFooter(): void {
  footer.replaceChildren();
  if (state?.problem) {
    const problem = element('p', 'saliency-problem', state.problem);
    problem.setAttribute('role', 'alert');
    footer.append(problem);
  }
  if (state?.exported?.length) {
    footer.append(renderNotices(state.exported.map((file) => `Saved ${file}`)));
  }
}

function show(next: SaliencyState): void {
  const first = !state;
  state = next;
  loadImage(next.subject.imageUrl);
  if (first) {
    const body = element('div', 'saliency-body');
    body.append(prediction, views);
    app.replaceChildren(header, controls.element, body, footer);
  }
  controls.update(next);
  renderHeader();
  renderPrediction();
  renderViews();
  renderFooter();
  const running = next.views.some((view) => view.status === 'running');
  app.setAttribute('aria-busy', String(running));
  app.dataset.state = running ? 'running' : 'idle';
}

showWaiting(app, 'Waiting for the explanation…');
connectToHost(vscode, isSaliencyHostMessage, (message) => show(message.state));
