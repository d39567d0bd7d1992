import assert from 'node:assert/strict';
import { navigate, scrollTopToReveal, visibleWindow } from '../../../../webview/results/virtualWindow';

describe('webview/results/virtualWindow', () => {
  it('renders the rows in view plus the overscan, clamped to the list', () => {
    // 64 px rows, 640 px viewport at the top: rows 0..9 in view, + 3 below.
    assert.deepEqual(visibleWindow(0, 640, 64, 60000, 3), { start: 0, end: 13 });
    // Scrolled to 100.5 rows: rows 100..110 intersect the viewport (the last partly).
    assert.deepEqual(visibleWindow(6432, 640, 64, 60000, 3), { start: 97, end: 114 });
    // At the bottom.
    assert.deepEqual(visibleWindow(59990 * 64, 640, 64, 60000, 3), { start: 59987, end: 60000 });
  });

  it('stays small however long the list is', () => {
    const window = visibleWindow(1234567, 900, 64, 60000);
    assert.ok(window.end - window.start <= Math.ceil(900 / 64) + 1 + 16);
  });

  it('handles empty lists and odd inputs', () => {
    assert.deepEqual(visibleWindow(0, 640, 64, 0), { start: 0, end: 0 });
    assert.deepEqual(visibleWindow(-50, 640, 64, 5, 2), { start: 0, end: 5 });
    assert.deepEqual(visibleWindow(10 ** 9, 640, 64, 5, 2), { start: 5, end: 5 });
  });

  it('scrolls as little as needed to reveal a row', () => {
    assert.equal(scrollTopToReveal(5, 0, 640, 64), 0); // already in view
    assert.equal(scrollTopToReveal(10, 0, 640, 64), 64); // just below: its bottom aligns
    assert.equal(scrollTopToReveal(2, 640, 640, 64), 128); // above: its top aligns
  });

  it('moves keyboard focus by row, page and to the ends', () => {
    assert.equal(navigate('ArrowDown', 0, 100, 10), 1);
    assert.equal(navigate('ArrowUp', 0, 100, 10), 0);
    assert.equal(navigate('PageDown', 5, 100, 10), 14);
    assert.equal(navigate('PageUp', 5, 100, 10), 0);
    assert.equal(navigate('End', 5, 100, 10), 99);
    assert.equal(navigate('Home', 50, 100, 10), 0);
    assert.equal(navigate('a', 5, 100, 10), undefined);
    assert.equal(navigate('ArrowDown', 0, 0, 10), undefined);
  });
});
