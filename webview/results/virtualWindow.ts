/**
 * Which rows of a long list are in view. Pure arithmetic on fixed-height rows,
 * shared by the renderer and the unit tests.
 */
export interface RowWindow {
  /** First row to render (inclusive). */
  start: number;
  /** Row after the last one to render (exclusive). */
  end: number;
}

/**
 * The rows that intersect the viewport, plus `overscan` rows on each side so
 * a fast scroll does not show blank space before the next frame renders.
 */
export function visibleWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  rowCount: number,
  overscan = 8,
): RowWindow {
  if (rowCount <= 0 || rowHeight <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop);
  const first = Math.floor(top / rowHeight);
  const last = Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight);
  const start = Math.min(rowCount, Math.max(0, first - overscan));
  const end = Math.min(rowCount, Math.max(start, last + overscan));
  return { start, end };
}

/** The scrollTop that brings row `position` fully into view, moving as little as possible. */
export function scrollTopToReveal(
  position: number,
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
): number {
  const rowTop = position * rowHeight;
  const rowBottom = rowTop + rowHeight;
  if (rowTop < scrollTop) return rowTop;
  if (rowBottom > scrollTop + viewportHeight) return Math.max(0, rowBottom - viewportHeight);
  return scrollTop;
}

/** Where keyboard navigation lands from `position`, clamped to the list. */
export function navigate(
  key: string,
  position: number,
  rowCount: number,
  rowsPerPage: number,
): number | undefined {
  if (rowCount === 0) return undefined;
  const page = Math.max(1, rowsPerPage - 1);
  const target = (() => {
    switch (key) {
      case 'ArrowDown':
        return position + 1;
      case 'ArrowUp':
        return position - 1;
      case 'PageDown':
        return position + page;
      case 'PageUp':
        return position - page;
      case 'Home':
        return 0;
      case 'End':
        return rowCount - 1;
      default:
        return undefined;
    }
  })();
  return target === undefined ? undefined : Math.min(rowCount - 1, Math.max(0, target));
}
