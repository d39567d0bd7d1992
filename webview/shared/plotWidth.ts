/**
 * Draws a chart at its plot's width: once when started, then again whenever
 * that width changes (a ResizeObserver on the plot), never twice at the same
 * width and never at zero (a panel that is hidden). The score histogram and
 * the embedding map are drawn this way.
 */
export class PlotWidth {
  private drawn = -1;
  private readonly observer = new ResizeObserver(() => this.update());

  constructor(
    private readonly plot: HTMLElement,
    private readonly draw: (width: number) => void,
  ) {}

  /** The width last drawn at (−1 before the first drawing). */
  get width(): number {
    return this.drawn;
  }

  /** Call once the plot is in the document: it takes the width it is given. */
  start(): void {
    this.observer.observe(this.plot);
    this.update();
  }

  stop(): void {
    this.observer.disconnect();
  }

  private update(): void {
    const width = Math.floor(this.plot.clientWidth);
    if (width <= 0 || width === this.drawn) return;
    this.drawn = width;
    this.draw(width);
  }
}
