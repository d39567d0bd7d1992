/**
 * A d3 map of the embeddings in 2-D (the engine's PCA): one dot per sample,
 * coloured by its class, flagged samples outlined and drawn on top. Dragging
 * a rectangle brushes samples: the grid then lists only those (main.ts links
 * them); a click without a drag selects the nearest sample.
 *
 * 60,000 dots are too many SVG elements: they go on a canvas, and the axes,
 * the brush and the selected sample's ring go on an SVG laid over it. Canvas
 * colours are read from CSS custom properties (media/results.css), so the
 * map follows the theme.
 */
import { axisBottom, axisLeft } from 'd3-axis';
import { scaleLinear, type ScaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import type { EmbeddingMap, ResultRow } from '../../src/protocol/resultsPanel';
import { element } from '../shared/dom';
import { formatCount } from '../shared/format';
import { PlotWidth } from '../shared/plotWidth';

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 180;
const MARGIN = { top: 8, right: 12, bottom: 24, left: 36 };
/** Class colours in media/results.css: --map-class-0 … --map-class-9; more classes reuse them. */
export const MAP_PALETTE_SIZE = 10;
/** Flagged samples outlined at most (the best ranked): more would hide the map under rings. */
export const MAP_FLAGGED_LIMIT = 1000;
/** A click this close to a dot (in px) selects it. */
const PICK_RADIUS = 8;

export interface EmbeddingMapOptions {
  map: EmbeddingMap;
  rows: readonly ResultRow[];
  classKey: string | undefined;
  /** Class names in palette order. */
  classes: readonly string[];
  /** Samples outlined as flagged (ResultRow.index). */
  flagged: ReadonlySet<number>;
  onBrush(indices: ReadonlySet<number> | undefined): void;
  onSelect(index: number): void;
}

interface Dot {
  index: number;
  x: number;
  y: number;
  colour: number;
  flagged: boolean;
}

export class EmbeddingMapView {
  readonly element: HTMLElement;
  private readonly plot: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly overlay: SVGSVGElement;
  private readonly clearButton: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly dots: Dot[];
  private readonly plotWidth: PlotWidth;
  private x: ScaleLinear<number, number> = scaleLinear();
  private y: ScaleLinear<number, number> = scaleLinear();
  private selected: number | undefined;
  private brush: { x0: number; y0: number; x1: number; y1: number } | undefined;

  constructor(private readonly options: EmbeddingMapOptions) {
    const { map, rows, classKey, classes, flagged } = options;
    const colourOf = new Map(classes.map((name, i) => [name, i % MAP_PALETTE_SIZE]));
    this.dots = [];
    for (const row of rows) {
      const x = map.x[row.index];
      const y = map.y[row.index];
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const label = classKey === undefined ? undefined : row.values[classKey];
      this.dots.push({
        index: row.index,
        x,
        y,
        colour: label === undefined ? -1 : (colourOf.get(String(label)) ?? -1),
        flagged: flagged.has(row.index),
      });
    }

    this.element = element('figure', 'embedding-map');
    const caption = element('figcaption', 'map-caption');
    caption.append(element('span', 'map-title', `Embedding map (${map.method.toUpperCase()})`));
    this.status = element('span', 'map-status');
    this.status.setAttribute('aria-live', 'polite');
    this.clearButton = element('button', 'map-clear', 'Clear map selection');
    this.clearButton.type = 'button';
    this.clearButton.hidden = true;
    this.clearButton.addEventListener('click', () => this.setBrush(undefined));
    caption.append(this.status, this.clearButton, this.legend(classes));

    this.plot = element('div', 'map-plot');
    this.plot.setAttribute('role', 'img');
    this.plot.setAttribute(
      'aria-label',
      `Map of ${formatCount(this.dots.length, 'sample')} by their embeddings: colour is the class, an outline marks a flagged sample. Drag to filter the list to an area.`,
    );
    this.canvas = element('canvas', 'map-canvas');
    this.canvas.setAttribute('aria-hidden', 'true');
    this.overlay = document.createElementNS(SVG, 'svg');
    this.overlay.setAttribute('class', 'map-overlay');
    this.overlay.setAttribute('aria-hidden', 'true');
    this.plot.append(this.canvas, this.overlay);
    this.element.append(caption, this.plot);
    this.wirePointer();
    this.plotWidth = new PlotWidth(this.plot, (width) => this.draw(width));
  }

  /** Call once the element is in the document: the plot takes the width it is given. */
  mount(): void {
    this.plotWidth.start();
  }

  dispose(): void {
    this.plotWidth.stop();
    this.element.remove();
  }

  /** Rings the selected sample (undefined: none). */
  highlight(index: number | undefined): void {
    this.selected = index;
    this.drawOverlay();
  }

  private legend(classes: readonly string[]): HTMLElement {
    const list = element('ul', 'map-legend');
    list.setAttribute('aria-label', 'Classes');
    classes.slice(0, 24).forEach((name, i) => {
      const item = element('li', 'map-legend-item');
      const swatch = element('span', `map-swatch map-class-${i % MAP_PALETTE_SIZE}`);
      swatch.setAttribute('aria-hidden', 'true');
      item.append(swatch, element('span', undefined, name));
      list.append(item);
    });
    const flagged = element('li', 'map-legend-item');
    const ring = element('span', 'map-swatch is-flagged');
    ring.setAttribute('aria-hidden', 'true');
    const outlined = this.dots.filter((dot) => dot.flagged).length;
    flagged.append(
      ring,
      element(
        'span',
        undefined,
        outlined >= MAP_FLAGGED_LIMIT
          ? `flagged (the first ${MAP_FLAGGED_LIMIT.toLocaleString('en-US')})`
          : 'flagged',
      ),
    );
    list.append(flagged);
    return list;
  }

  private draw(width: number): void {
    const [x0, x1] = extentOf(this.dots, 'x');
    const [y0, y1] = extentOf(this.dots, 'y');
    this.x = scaleLinear()
      .domain([x0, x1])
      .nice()
      .range([MARGIN.left, width - MARGIN.right]);
    this.y = scaleLinear()
      .domain([y0, y1])
      .nice()
      .range([HEIGHT - MARGIN.bottom, MARGIN.top]);

    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(HEIGHT * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${HEIGHT}px`;
    const context = this.canvas.getContext('2d');
    if (!context) return;
    const style = getComputedStyle(this.element);
    const colour = (i: number) =>
      style.getPropertyValue(i < 0 ? '--map-unlabelled' : `--map-class-${i}`).trim() || '#888';
    // Unflagged dots straight into the pixels (60,000 fillRect calls take ~200 ms on a software canvas; this a few).
    const pixels = context.createImageData(this.canvas.width, this.canvas.height);
    const rgb = new Map<number, [number, number, number]>();
    const [ax, bx] = linear(this.x, ratio);
    const [ay, by] = linear(this.y, ratio);
    const size = Math.max(2, Math.round(2.5 * ratio));
    const { width: w, height: h, data } = pixels;
    for (const dot of this.dots) {
      if (dot.flagged) continue;
      let paint = rgb.get(dot.colour);
      if (!paint) rgb.set(dot.colour, (paint = toRgb(context, colour(dot.colour))));
      const left = Math.round(ax * dot.x + bx - size / 2);
      const top = Math.round(ay * dot.y + by - size / 2);
      for (let row = Math.max(0, top); row < Math.min(h, top + size); row++)
        for (let column = Math.max(0, left); column < Math.min(w, left + size); column++) {
          const at = (row * w + column) * 4;
          data[at] = paint[0];
          data[at + 1] = paint[1];
          data[at + 2] = paint[2];
          data[at + 3] = 255;
        }
    }
    context.putImageData(pixels, 0, 0);
    context.scale(ratio, ratio);
    context.lineWidth = 1.5;
    context.strokeStyle = style.getPropertyValue('--map-flagged').trim() || '#000';
    for (const dot of this.dots) {
      if (!dot.flagged) continue;
      context.beginPath();
      context.arc(this.x(dot.x), this.y(dot.y), 3.5, 0, 2 * Math.PI);
      context.fillStyle = colour(dot.colour);
      context.fill();
      context.stroke();
    }
    this.drawOverlay();
  }

  private drawOverlay(): void {
    const width = this.plotWidth.width;
    if (width <= 0) return;
    const svg = select(this.overlay).attr('width', width).attr('height', HEIGHT);
    svg.selectAll('*').remove();
    const ticks = Math.max(2, Math.floor((width - MARGIN.left - MARGIN.right) / 90));
    svg
      .append('g')
      .attr('class', 'map-axis')
      .attr('transform', `translate(0,${HEIGHT - MARGIN.bottom})`)
      .call(axisBottom(this.x).ticks(ticks).tickSizeOuter(0));
    svg
      .append('g')
      .attr('class', 'map-axis')
      .attr('transform', `translate(${MARGIN.left},0)`)
      .call(axisLeft(this.y).ticks(4).tickSizeOuter(0));
    if (this.brush) {
      const { x0, y0, x1, y1 } = this.brush;
      svg
        .append('rect')
        .attr('class', 'map-brush')
        .attr('x', Math.min(x0, x1))
        .attr('y', Math.min(y0, y1))
        .attr('width', Math.abs(x1 - x0))
        .attr('height', Math.abs(y1 - y0));
    }
    const dot = this.selected === undefined ? undefined : this.dots.find((d) => d.index === this.selected);
    if (dot)
      svg
        .append('circle')
        .attr('class', 'map-selected')
        .attr('cx', this.x(dot.x))
        .attr('cy', this.y(dot.y))
        .attr('r', 7);
  }

  private wirePointer(): void {
    let start: { x: number; y: number } | undefined;
    const point = (event: PointerEvent) => {
      const box = this.overlay.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    };
    this.overlay.addEventListener('pointerdown', (event) => {
      start = point(event);
      this.overlay.setPointerCapture(event.pointerId);
    });
    this.overlay.addEventListener('pointermove', (event) => {
      if (!start) return;
      const now = point(event);
      this.brush = { x0: start.x, y0: start.y, x1: now.x, y1: now.y };
      this.drawOverlay();
    });
    this.overlay.addEventListener('pointerup', (event) => {
      if (!start) return;
      const end = point(event);
      const from = start;
      start = undefined;
      if (Math.abs(end.x - from.x) < 4 && Math.abs(end.y - from.y) < 4) {
        this.brush = undefined;
        this.drawOverlay();
        const nearest = this.nearest(end.x, end.y);
        if (nearest !== undefined) this.options.onSelect(nearest);
        return;
      }
      this.setBrush({ x0: from.x, y0: from.y, x1: end.x, y1: end.y });
    });
  }

  /** Brushes the samples inside a rectangle of the plot (px), or clears the brush. */
  setBrush(rect: { x0: number; y0: number; x1: number; y1: number } | undefined): void {
    this.brush = rect;
    this.drawOverlay();
    if (!rect) {
      this.clearButton.hidden = true;
      this.status.textContent = '';
      this.options.onBrush(undefined);
      return;
    }
    const [left, right] = [Math.min(rect.x0, rect.x1), Math.max(rect.x0, rect.x1)];
    const [top, bottom] = [Math.min(rect.y0, rect.y1), Math.max(rect.y0, rect.y1)];
    const inside = new Set<number>();
    for (const dot of this.dots) {
      const px = this.x(dot.x);
      const py = this.y(dot.y);
      if (px >= left && px <= right && py >= top && py <= bottom) inside.add(dot.index);
    }
    this.clearButton.hidden = false;
    this.status.textContent = `${formatCount(inside.size, 'sample')} selected on the map`;
    this.options.onBrush(inside);
  }

  private nearest(px: number, py: number): number | undefined {
    let best: number | undefined;
    let bestDistance = PICK_RADIUS * PICK_RADIUS;
    for (const dot of this.dots) {
      const dx = this.x(dot.x) - px;
      const dy = this.y(dot.y) - py;
      const distance = dx * dx + dy * dy;
      if (distance <= bestDistance) {
        best = dot.index;
        bestDistance = distance;
      }
    }
    return best;
  }
}

/** A linear scale as `a·value + b`, in device pixels. */
function linear(scale: ScaleLinear<number, number>, ratio: number): [number, number] {
  const zero = scale(0);
  return [(scale(1) - zero) * ratio, zero * ratio];
}

/** A CSS colour as RGB: the canvas normalises what it is given to #rrggbb (or rgba() when translucent). */
function toRgb(context: CanvasRenderingContext2D, colour: string): [number, number, number] {
  context.fillStyle = '#000';
  context.fillStyle = colour;
  const value = String(context.fillStyle);
  const hex = /^#([0-9a-f]{6})$/i.exec(value);
  if (hex) {
    const n = parseInt(hex[1], 16);
    return [n >> 16, (n >> 8) & 255, n & 255];
  }
  const parts = /rgba?\(([^)]+)\)/.exec(value)?.[1].split(',').map(Number) ?? [136, 136, 136];
  return [parts[0], parts[1], parts[2]];
}

/** A loop, not Math.min(...values): 60,000 arguments come close to V8's limit. */
function extentOf(dots: readonly Dot[], key: 'x' | 'y'): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const dot of dots) {
    if (dot[key] < low) low = dot[key];
    if (dot[key] > high) high = dot[key];
  }
  return dots.length ? [low, high] : [0, 1];
}
