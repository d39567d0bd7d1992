/**
 * A d3 histogram of one score on several sets (adversarial: the clean
 * reference vs the data under test), drawn above the ranked rows.
 *
 * The series share their bins (histogramBins.ts) and stand side by side in
 * each bin, as shares of their own set, so sets of different sizes compare.
 * Under the webview's CSP d3 only sets attributes and CSSOM properties, never
 * a style attribute; colours come from the theme through CSS classes.
 */
import { axisBottom, axisLeft } from 'd3-axis';
import { format } from 'd3-format';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import type { ScoreDistribution } from '../../src/protocol/engine';
import { element } from '../shared/dom';
import { formatCount } from '../shared/format';
import { PlotWidth } from '../shared/plotWidth';
import { formatScore } from './format';
import { sharedBins, type SharedHistogram } from './histogramBins';

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 168;
const MARGIN = { top: 10, right: 16, bottom: 38, left: 52 };
/** Series beyond this many reuse the palette (media/results.css has series-0 … series-5). */
const PALETTE_SIZE = 6;

let figures = 0;

export class ScoreHistogram {
  readonly element: HTMLElement;
  private readonly histogram: SharedHistogram;
  private readonly plot: HTMLElement;
  private readonly plotWidth: PlotWidth;

  constructor(distribution: ScoreDistribution) {
    this.histogram = sharedBins(distribution.series);
    const id = `histogram-${++figures}`;

    this.element = element('figure', 'score-histogram');
    const caption = element('figcaption', 'histogram-caption');
    const title = element('span', 'histogram-title', distribution.title);
    title.id = `${id}-title`;
    caption.append(title, this.legend());
    this.plot = element('div', 'histogram-plot');
    this.element.append(caption, this.plot);

    if (this.histogram.edges.length === 0) {
      this.plot.append(element('p', 'histogram-empty', 'No finite values to plot.'));
    }
    this.plot.setAttribute('role', 'img');
    this.plot.setAttribute('aria-label', `Histogram of ${distribution.title}. ${this.summary()}`);
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

  private legend(): HTMLElement {
    const list = element('ul', 'histogram-legend');
    this.histogram.series.forEach((series, i) => {
      const item = element('li', 'histogram-legend-item');
      const swatch = element('span', `histogram-swatch series-${i % PALETTE_SIZE}`);
      swatch.setAttribute('aria-hidden', 'true');
      item.append(swatch, element('span', 'histogram-series-name', series.name));
      item.append(element('span', 'histogram-series-facts', seriesFacts(series)));
      list.append(item);
    });
    return list;
  }

  /** What a screen reader hears instead of the bars. */
  private summary(): string {
    const sets = this.histogram.series.map((series) => `${series.name}: ${seriesFacts(series)}`).join('; ');
    return `Share of each set per score bin. ${sets}.`;
  }

  private draw(width: number): void {
    const { edges, series } = this.histogram;
    if (edges.length === 0) return;

    const x = scaleLinear()
      .domain([edges[0], edges[edges.length - 1]])
      .range([MARGIN.left, width - MARGIN.right]);
    const highest = Math.max(0, ...series.flatMap((entry) => entry.shares));
    const y = scaleLinear()
      .domain([0, highest || 1])
      .nice(4)
      .range([HEIGHT - MARGIN.bottom, MARGIN.top]);

    const svg = select(document.createElementNS(SVG, 'svg'))
      .attr('class', 'histogram-svg')
      .attr('width', width)
      .attr('height', HEIGHT)
      .attr('aria-hidden', 'true')
      .attr('focusable', 'false');

    svg
      .append('g')
      .attr('class', 'histogram-grid')
      .selectAll('line')
      .data(y.ticks(4).filter((tick) => tick > 0))
      .join('line')
      .attr('x1', MARGIN.left)
      .attr('x2', width - MARGIN.right)
      .attr('y1', (tick) => y(tick))
      .attr('y2', (tick) => y(tick));

    // Each bin holds one bar per series, side by side, 1 px apart from the next bin.
    const bars = svg.append('g').attr('class', 'histogram-bars');
    const seriesCount = series.length;
    for (let bin = 0; bin + 1 < edges.length; bin++) {
      const left = x(edges[bin]);
      const barWidth = Math.max(1, (x(edges[bin + 1]) - left - 1) / seriesCount);
      series.forEach((entry, i) => {
        const share = entry.shares[bin];
        if (entry.counts[bin] === 0) return;
        const top = y(share);
        bars
          .append('rect')
          .attr('class', `histogram-bar series-${i % PALETTE_SIZE}`)
          .attr('x', left + 0.5 + i * barWidth)
          .attr('y', top)
          .attr('width', barWidth)
          // A single sample in a large set still shows as a sliver.
          .attr('height', Math.max(1, y(0) - top))
          .append('title')
          .text(
            `${entry.name}: ${format('.1%')(share)} (${entry.counts[bin].toLocaleString('en-US')} of ${entry.finite.toLocaleString('en-US')})` +
              ` with a score in [${formatScore(edges[bin])}, ${formatScore(edges[bin + 1])}${bin + 2 === edges.length ? ']' : ')'}`,
          );
      });
    }

    const ticks = Math.max(2, Math.floor((width - MARGIN.left - MARGIN.right) / 80));
    svg
      .append('g')
      .attr('class', 'histogram-axis histogram-axis-x')
      .attr('transform', `translate(0,${HEIGHT - MARGIN.bottom})`)
      .call(axisBottom(x).ticks(ticks).tickSizeOuter(0));
    svg
      .append('g')
      .attr('class', 'histogram-axis histogram-axis-y')
      .attr('transform', `translate(${MARGIN.left},0)`)
      .call(axisLeft(y).ticks(4).tickFormat(y.tickFormat(4, '%')).tickSizeOuter(0));

    svg
      .append('text')
      .attr('class', 'histogram-axis-label')
      .attr('x', (MARGIN.left + width - MARGIN.right) / 2)
      .attr('y', HEIGHT - 4)
      .attr('text-anchor', 'middle')
      .text('score (higher = more deserving of review)');
    svg
      .append('text')
      .attr('class', 'histogram-axis-label')
      .attr('transform', `translate(12,${(MARGIN.top + HEIGHT - MARGIN.bottom) / 2}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .text('share of set');

    this.plot.replaceChildren(svg.node()!);
  }
}

function seriesFacts(series: SharedHistogram['series'][number]): string {
  const parts = [formatCount(series.finite, 'sample')];
  if (series.median !== undefined) parts.push(`median ${formatScore(series.median)}`);
  if (series.nonFinite) parts.push(`${series.nonFinite.toLocaleString('en-US')} not finite, not drawn`);
  return parts.join(' · ');
}
