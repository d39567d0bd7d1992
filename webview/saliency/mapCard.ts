/**
 * One method's card: while it runs, its progress; when done, the map over
 * the image on a canvas (one canvas pixel per map value, enlarged by CSS
 * without smoothing), its colour bar, the faithfulness figures and the export
 * buttons; when it failed, what went wrong, naming the file, and the methods
 * that would work instead. Text only goes in through textContent.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import type { ExplainMethod } from '../../src/protocol/engine';
import type { ColourMode } from '../../src/protocol/saliencyColours';
import {
  METHOD_TITLES,
  type SaliencyLayer,
  type SaliencyMap,
  type SaliencyView,
} from '../../src/protocol/saliencyPanel';
import { element } from '../shared/dom';
import { colourScale, formatTick, legendTicks } from './colourMap';
import { describeProgress, describeTiming, figuresOf, progressFraction } from './format';
import { blendOverlay, blendSegments, greyBackground, legendPixels } from './overlay';

/** The display settings every card shares. */
export interface DisplaySettings {
  opacity: number;
  /** `auto`: signed colours for maps with negative values, absolute for magnitudes. */
  colours: 'auto' | ColourMode;
}

export interface MapCardOptions {
  view: SaliencyView;
  index: number;
  compact: boolean;
  display: DisplaySettings;
  /** The image's RGBA pixels at the map's size, when the image could be drawn. */
  imagePixels(width: number, height: number): Uint8ClampedArray | undefined;
  imageUrl?: string;
  /** The layer this card shows (a key of map.layers); the map itself by default. */
  layer: string;
  onLayer(key: string): void;
  onExport(where: 'beside' | 'choose'): void;
  onMethod(method: ExplainMethod): void;
}

/** The colour mode a layer is drawn with. */
export function colourModeOf(layer: SaliencyLayer, colours: DisplaySettings['colours']): ColourMode {
  if (colours !== 'auto') return colours;
  return layer.kind === 'signed' ? 'signed' : 'absolute';
}

export function renderMapCard(options: MapCardOptions): HTMLElement {
  const { view } = options;
  const card = element('article', `map-card is-${view.status}`);
  card.dataset.method = view.request.method;
  card.dataset.status = view.status;
  card.dataset.index = String(options.index);
  const heading = element('h2', 'map-card-title', METHOD_TITLES[view.request.method]);
  if (view.map) heading.append(element('span', 'map-card-target', ` · ${view.map.targetLabel}`));
  card.append(heading);

  if (view.status === 'running') card.append(renderRunning(view));
  else if (view.status === 'failed') card.append(renderFailure(view, options));
  else if (view.status === 'cancelled') card.append(element('p', 'map-card-message', 'Cancelled.'));
  else if (view.map) card.append(...renderMap(view.map, options));
  return card;
}

function renderRunning(view: SaliencyView): HTMLElement {
  const box = element('div', 'map-card-running');
  const bar = element('vscode-progress-bar');
  const fraction = progressFraction(view.progress);
  if (fraction === undefined) bar.indeterminate = true;
  else {
    bar.max = 1;
    bar.value = fraction;
  }
  bar.ariaLabel = `Explaining with ${view.request.method}`;
  box.append(bar, element('p', 'map-card-progress', describeProgress(view.progress)));
  return box;
}

function renderFailure(view: SaliencyView, options: MapCardOptions): HTMLElement {
  const box = element('div', 'map-card-error');
  box.setAttribute('role', 'alert');
  box.append(element('p', 'map-card-error-message', view.error?.message ?? 'The explanation failed.'));
  if (view.error?.file) {
    const file = element('p', 'map-card-error-file');
    file.append(document.createTextNode('File: '), element('span', 'results-source', view.error.file));
    box.append(file);
  }
  if (view.error?.alternatives?.length) {
    const actions = element('div', 'map-card-actions');
    for (const method of view.error.alternatives) {
      const button = element(
        'vscode-button',
        'map-card-alternative',
        `Explain with ${METHOD_TITLES[method]}`,
      );
      button.dataset.method = method;
      button.addEventListener('click', () => options.onMethod(method));
      actions.append(button);
    }
    box.append(actions);
  }
  return box;
}

function renderMap(map: SaliencyMap, options: MapCardOptions): HTMLElement[] {
  const layer = map.layers.find((candidate) => candidate.key === options.layer) ?? map.layers[0];
  const figure = element('div', 'map-figure');
  if (!options.compact && options.imageUrl) {
    const input = element('figure', 'map-pane');
    const image = element('img', 'map-input');
    image.alt = 'The input image';
    image.src = options.imageUrl;
    input.append(image, element('figcaption', undefined, 'Input'));
    figure.append(input);
  }
  const pane = element('figure', 'map-pane');
  const canvas = element('canvas', 'map-canvas');
  canvas.width = layer.width;
  canvas.height = layer.height;
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${layer.title} of ${map.method} for ${map.targetLabel}`);
  canvas.dataset.layer = layer.key;
  const mode = colourModeOf(layer, options.display.colours);
  drawLayer(canvas, layer, mode, options);
  pane.append(canvas, element('figcaption', undefined, layer.title));
  figure.append(pane);

  // Beside the map on a wide card, under it on a narrow one (flex-wrap).
  const side = element('div', 'map-side');
  if (map.layers.length > 1) side.append(renderLayerPicker(map.layers, layer.key, options.onLayer));
  if (layer.kind !== 'segments') side.append(renderLegend(layer, mode, map.targetLabel));
  side.append(renderFigures(map));
  if (map.notices.length) {
    const notes = element('ul', 'map-card-notices');
    for (const notice of map.notices) notes.append(element('li', undefined, notice));
    side.append(notes);
  }
  const actions = element('div', 'map-card-actions');
  const beside = element('vscode-button', 'map-export-beside', 'Save beside image');
  beside.title = 'Write the PNG overlay and the .npy map next to the image';
  beside.addEventListener('click', () => options.onExport('beside'));
  const choose = element('vscode-button', 'map-export-choose', 'Save as…');
  choose.secondary = true;
  choose.addEventListener('click', () => options.onExport('choose'));
  actions.append(beside, choose);
  side.append(actions);
  figure.append(side);
  return [figure];
}

function drawLayer(
  canvas: HTMLCanvasElement,
  layer: SaliencyLayer,
  mode: ColourMode,
  options: MapCardOptions,
): void {
  const { width, height, values } = layer;
  const background = greyBackground(options.imagePixels(width, height), width * height);
  const pixels =
    layer.kind === 'segments'
      ? blendSegments(background, values, width, height, options.display.opacity)
      : blendOverlay({ background, values, mode, opacity: options.display.opacity });
  canvas.getContext('2d')!.putImageData(new ImageData(pixels, width, height), 0, 0);
}

function renderLayerPicker(
  layers: readonly SaliencyLayer[],
  selected: string,
  onLayer: (key: string) => void,
): HTMLElement {
  const row = element('label', 'map-layer-picker');
  row.append(element('span', 'control-label', 'Layer'));
  const select = element('vscode-single-select', 'map-layer-select');
  for (const layer of layers) {
    const option = element('vscode-option', undefined, layer.title);
    option.value = layer.key;
    option.selected = layer.key === selected;
    select.append(option);
  }
  select.addEventListener('change', () => onLayer(select.value));
  row.append(select);
  return row;
}

const LEGEND_WIDTH = 200;

function renderLegend(layer: SaliencyLayer, mode: ColourMode, target: string): HTMLElement {
  const legend = element('div', 'map-legend');
  legend.setAttribute(
    'aria-label',
    mode === 'signed' ? 'Colour scale: blue against, red for the class' : 'Colour scale: magnitude',
  );
  const bar = element('canvas', 'map-legend-bar');
  bar.width = LEGEND_WIDTH;
  bar.height = 1;
  bar.getContext('2d')!.putImageData(new ImageData(legendPixels(LEGEND_WIDTH, mode), LEGEND_WIDTH, 1), 0, 0);
  const ticks = element('div', 'map-legend-ticks');
  for (const tick of legendTicks(colourScale(layer.values), mode))
    ticks.append(element('span', undefined, formatTick(tick)));
  const caption = element(
    'div',
    'map-legend-caption',
    mode === 'signed' ? `blue: against ${target} · red: for ${target}` : `|value|, light to dark`,
  );
  legend.append(bar, ticks, caption);
  return legend;
}

function renderFigures(map: SaliencyMap): HTMLElement {
  const list = element('dl', 'map-figures');
  for (const figure of figuresOf(map)) {
    const term = element('dt', undefined, figure.name);
    term.title = figure.hint;
    const value = element('dd', `map-figure-${figure.key}`, figure.value);
    value.title = figure.hint;
    list.append(term, value);
  }
  list.append(element('dt', undefined, 'Time'), element('dd', 'map-figure-time', describeTiming(map)));
  if (map.baseline) list.append(element('dt', undefined, 'Baseline'), element('dd', undefined, map.baseline));
  return list;
}
