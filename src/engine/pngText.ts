/**
 * Numbers drawn into raw RGB pixels with a 5×7 bitmap font, for the colour
 * bar's labels: no font has to be installed, and every machine draws the same
 * pixels. Only what a number needs: digits, '.', '-', '+', 'e'.
 */

const GLYPHS: Record<string, readonly string[]> = {
  '0': ['01110', '10001', '10011', '10101', '11001', '10001', '01110'],
  '1': ['00100', '01100', '00100', '00100', '00100', '00100', '01110'],
  '2': ['01110', '10001', '00001', '00010', '00100', '01000', '11111'],
  '3': ['11111', '00010', '00100', '00010', '00001', '10001', '01110'],
  '4': ['00010', '00110', '01010', '10010', '11111', '00010', '00010'],
  '5': ['11111', '10000', '11110', '00001', '00001', '10001', '01110'],
  '6': ['00110', '01000', '10000', '11110', '10001', '10001', '01110'],
  '7': ['11111', '00001', '00010', '00100', '01000', '01000', '01000'],
  '8': ['01110', '10001', '10001', '01110', '10001', '10001', '01110'],
  '9': ['01110', '10001', '10001', '01111', '00001', '00010', '01100'],
  '.': ['00000', '00000', '00000', '00000', '00000', '01100', '01100'],
  '-': ['00000', '00000', '00000', '11111', '00000', '00000', '00000'],
  '+': ['00000', '00100', '00100', '11111', '00100', '00100', '00000'],
  e: ['00000', '00000', '01110', '10001', '11111', '10000', '01110'],
};

const GLYPH_WIDTH = 5;
const GLYPH_HEIGHT = 7;
/** Each font pixel is drawn as a square of this side. */
export const TEXT_SCALE = 2;
export const TEXT_HEIGHT = GLYPH_HEIGHT * TEXT_SCALE;
const ADVANCE = (GLYPH_WIDTH + 1) * TEXT_SCALE;

/** Three significant digits, plain or with an exponent, in the characters the font has. */
export function formatValue(value: number): string {
  if (value === 0 || !Number.isFinite(value)) return '0';
  const magnitude = Math.abs(value);
  const text =
    magnitude >= 1e-3 && magnitude < 1e4 ? String(Number(value.toPrecision(3))) : value.toExponential(2);
  return text;
}

export function textWidth(text: string): number {
  return text.length === 0 ? 0 : text.length * ADVANCE - TEXT_SCALE;
}

/** Draws `text` with its top-left corner at (left, top) into an RGB image `width` pixels wide; what falls outside is clipped. */
export function drawText(
  rgb: Uint8Array,
  width: number,
  height: number,
  text: string,
  left: number,
  top: number,
  colour: readonly [number, number, number],
): void {
  for (const [index, char] of [...text].entries()) {
    const glyph = GLYPHS[char];
    if (!glyph) throw new RangeError(`no glyph for "${char}"`);
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        if (glyph[row][col] !== '1') continue;
        for (let dy = 0; dy < TEXT_SCALE; dy++) {
          for (let dx = 0; dx < TEXT_SCALE; dx++) {
            const x = left + index * ADVANCE + col * TEXT_SCALE + dx;
            const y = top + row * TEXT_SCALE + dy;
            if (x < 0 || y < 0 || x >= width || y >= height) continue;
            rgb.set(colour, (y * width + x) * 3);
          }
        }
      }
    }
  }
}
