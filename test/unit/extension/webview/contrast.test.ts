/**
 * Text contrast of the results panel's new text against the theme colours
 * it is painted on (WCAG 2 relative luminance, computed here), in the light,
 * dark and high-contrast themes of test/webview-preview/themes.ts; and the
 * CSS rules that pick those colours, read from media/results.css, so a
 * change of colour there fails here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { THEMES } from '../../../webview-preview/themes';

const CSS = readFileSync(join(__dirname, '../../../../media/results.css'), 'utf8');

type Rgba = [number, number, number, number];

function parse(colour: string): Rgba {
  const hex = /^#([0-9a-f]{6})$/i.exec(colour);
  if (hex) {
    const value = parseInt(hex[1], 16);
    return [value >> 16, (value >> 8) & 255, value & 255, 1];
  }
  const rgba = /^rgba?\(([^)]+)\)$/.exec(colour);
  assert.ok(rgba, `cannot read colour ${colour}`);
  const parts = rgba[1].split(',').map((part) => Number(part.trim()));
  return [parts[0], parts[1], parts[2], parts[3] ?? 1];
}

/** A translucent colour painted over an opaque one. */
function over(top: Rgba, bottom: Rgba): Rgba {
  const mix = (i: number) => top[i] * top[3] + bottom[i] * (1 - top[3]);
  return [mix(0), mix(1), mix(2), 1];
}

function luminance([r, g, b]: Rgba): number {
  const channel = (value: number) => {
    const c = value / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrast(text: string, background: string, under = '#ffffff'): number {
  const ground = over(parse(background), parse(under));
  const ink = over(parse(text), ground);
  const [light, dark] = [luminance(ink), luminance(ground)].sort((a, b) => b - a);
  return (light + 0.05) / (dark + 0.05);
}

/** The declarations of the first rule whose selector is exactly `selector`. */
function rule(selector: string): string {
  const start = CSS.indexOf(`${selector} {`);
  assert.ok(start >= 0, `no rule ${selector} in media/results.css`);
  return CSS.slice(start, CSS.indexOf('}', start));
}

describe('results panel text contrast', () => {
  it('computes WCAG contrast like the reference values', () => {
    assert.equal(contrast('#000000', '#ffffff').toFixed(2), '21.00');
    assert.equal(contrast('#767676', '#ffffff').toFixed(2), '4.54');
    // The old suggested-label colour (editorWarning.foreground of Light Modern) on a light row: ~3:1, too low.
    assert.ok(contrast('#bf8803', '#ffffff') < 3.2);
  });

  it('the suggested label that differs keeps the row colour and marks itself with a bar', () => {
    const declarations = rule('.result-row .cell-col.is-contrast');
    assert.match(declarations, /\n\s*color: inherit;/);
    assert.match(declarations, /box-shadow: inset 3px 0 0 var\(--vscode-editorWarning-foreground/);
    assert.match(rule('.result-row.is-selected'), /color: var\(--vscode-list-activeSelectionForeground/);
    assert.match(rule('.detail-action'), /\n\s*color: var\(--vscode-foreground\);/);
  });

  for (const [name, theme] of Object.entries(THEMES)) {
    it(`is at least 4.5:1 in the ${name} theme`, () => {
      const v = theme.variables;
      const page = v['editor-background'];
      const pairs: [string, string, string][] = [
        // Grid rows (the suggested label inherits this), buttons, filters, detail pane.
        ['row text', v.foreground, page],
        ['row text, hovered', v.foreground, v['list-hoverBackground'] ?? page],
        ['odd row', v.foreground, v['keybindingTable-rowsBackground'] ?? page],
        [
          'selected row',
          v['list-activeSelectionForeground'] ?? v.foreground,
          v['list-activeSelectionBackground'] ?? page,
        ],
        ['hint, facts, axis', v.descriptionForeground, page],
      ];
      for (const [what, text, background] of pairs) {
        const ratio = contrast(text, background, page);
        assert.ok(ratio >= 4.5, `${what}: ${ratio.toFixed(2)}:1 (${text} on ${background})`);
      }
    });
  }
});
