/** Map files (src/engine/mapFiles.ts): .npy read back by the NPY reader, PNG decoded by sharp and checked pixel by pixel, JSON. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { npyToFloat32, readNpy } from '../../../src/data/npy';
import { mapFormatOf, pixelValues, pngLayout, writeMapFile, type MapToWrite } from '../../../src/engine/mapFiles';
import { formatValue } from '../../../src/engine/pngText';
import { spatialLayout } from '../../../src/model/attribution/occlusion';
import { colourOf, NEUTRAL } from '../../../src/protocol/saliencyColours';

describe('explain map files', () => {
  let dir: string;
  before(async () => (dir = await mkdtemp(join(tmpdir(), 'margin-map-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  const layout = spatialLayout([3, 4, 5]);
  const map = Float32Array.from({ length: 60 }, (_, i) => (i % 7) - 3 + i / 100);
  const value: MapToWrite = {
    result: {
      method: 'occlusion',
      model: 'm.onnx',
      input: 'x.png',
      target: 2,
      predicted: 1,
      probabilities: [0.1, 0.6, 0.3],
      shape: [3, 4, 5],
    },
    map,
    layout,
    background: Uint8Array.from({ length: 20 }, (_, i) => i * 10),
  };

  it('writes .npy as little-endian float32 with the map shape', async () => {
    const path = join(dir, 'm.npy');
    await writeMapFile(path, value);
    const array = await readNpy(path);
    assert.equal(array.dtype.descr, '<f4');
    assert.deepEqual(array.shape, [3, 4, 5]);
    assert.deepEqual(Array.from(npyToFloat32(array)), Array.from(map));
    assert.equal((await readFile(path)).length % 4, 0);
    const header = (await readFile(path)).subarray(0, 128).toString('latin1');
    assert.equal(header.indexOf('\n') + 1, 128, 'the header ends with a newline on a 64-byte boundary');
  });

  it('writes .json with the summary, shape and map', async () => {
    const path = join(dir, 'm.json');
    await writeMapFile(path, value);
    const json = JSON.parse(await readFile(path, 'utf8'));
    assert.equal(json.method, 'occlusion');
    assert.equal(json.target, 2);
    assert.deepEqual(json.shape, [3, 4, 5]);
    assert.deepEqual(json.map, Array.from(map));
  });

  describe('.png: the input, the map over it, and a colour bar', () => {
    // One grey channel of 5×4 pixels. Signed map: +2 at (0, 0), −2 at (1, 0), 0 at (2, 0), small elsewhere.
    const grey = spatialLayout([1, 4, 5]);
    const signedMap = Float32Array.from({ length: 20 }, (_, p) => [2, -2, 0][p] ?? ((p % 5) - 2) / 10);
    const background = Uint8Array.from({ length: 20 }, (_, p) => 40 + p * 9);
    // The input in colour: a different RGB triple at every pixel.
    const original = Uint8Array.from({ length: 60 }, (_, i) => (i * 41 + 7) % 256);
    const signedValue: MapToWrite = { ...value, map: signedMap, layout: grey, background, original };
    // Enlarged ceil(224 / 5) = 45×: panels of 225×180 at x = 8 and 8 + 225 + 12 = 245; the bar at
    // 245 + 225 + 12 = 482, 16 wide and 180 tall; labels from 482 + 16 + 7 = 505, 106 wide ("-1.23e-10"), margin 8.
    const [scale, originalLeft, overlayLeft, barLeft, labelsLeft, top] = [45, 8, 245, 482, 505, 8];
    const decode = async (file: string) => sharp(file).raw().toBuffer({ resolveWithObject: true });
    const pixelAt = (data: Buffer, width: number, x: number, y: number) =>
      Array.from(data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3));
    /** The middle of input pixel p's square in a panel. */
    const centre = (left: number, p: number) => [left + (p % 5) * scale + 22, top + Math.floor(p / 5) * scale + 22];
    /** The overlay's colour by hand: the grey blended at opacity 0.8·|t| with the colour map's end. */
    const blend = (grey: number, colour: number[], t: number) =>
      colour.map((c) => Math.round(grey * (1 - 0.8 * Math.abs(t)) + c * 0.8 * Math.abs(t)));

    it('lays the parts out side by side on white', async () => {
      const path = join(dir, 'signed.png');
      await writeMapFile(path, signedValue);
      const { data, info } = await decode(path);
      assert.deepEqual([info.width, info.height, info.channels], [labelsLeft + 106 + 8, 8 + 180 + 8, 3]);
      assert.deepEqual(pngLayout(5, 4).bar, { left: barLeft, top, width: 16, height: 180 });
      assert.deepEqual(pixelAt(data, info.width, 0, 0), [255, 255, 255], 'the margin is white');
      assert.deepEqual(pixelAt(data, info.width, overlayLeft - 6, 100), [255, 255, 255], 'so is the gap');
    });

    it('shows the original pixels as given, every enlarged pixel the same', async () => {
      const path = join(dir, 'signed.png');
      await writeMapFile(path, signedValue);
      const { data, info } = await decode(path);
      for (let p = 0; p < 20; p++) {
        const [x, y] = centre(originalLeft, p);
        const expected = Array.from(original.subarray(p * 3, p * 3 + 3));
        assert.deepEqual(pixelAt(data, info.width, x, y), expected, `pixel ${p}`);
        assert.deepEqual(pixelAt(data, info.width, x - 22, y - 22), expected, `pixel ${p}, its square's corner`);
      }
    });

    it('colours positive red, negative blue and zero not at all (the grey input shows)', async () => {
      const path = join(dir, 'signed.png');
      await writeMapFile(path, signedValue);
      const { data, info } = await decode(path);
      // The 99th percentile of |map| (index floor(0.99 · 19) = 18 of 20 sorted) is 2, so ±2 are t = ±1.
      const positive = pixelAt(data, info.width, ...(centre(overlayLeft, 0) as [number, number]));
      const negative = pixelAt(data, info.width, ...(centre(overlayLeft, 1) as [number, number]));
      const zero = pixelAt(data, info.width, ...(centre(overlayLeft, 2) as [number, number]));
      assert.deepEqual(positive, blend(40, [178, 24, 43], 1), 'RdBu red at full opacity 0.8');
      assert.deepEqual(negative, blend(49, [33, 102, 172], -1), 'RdBu blue');
      assert.ok(positive[0] > positive[2] + 50 && negative[2] > negative[0] + 50);
      assert.deepEqual(zero, [58, 58, 58], 'the background grey 40 + 2·9, untouched');
    });

    it('draws a diverging bar from red (+top) through neutral (0) to blue (−top), labelled', async () => {
      const path = join(dir, 'signed.png');
      await writeMapFile(path, signedValue);
      const { data, info } = await decode(path);
      assert.deepEqual(pixelAt(data, info.width, barLeft + 8, top), [178, 24, 43]);
      assert.deepEqual(pixelAt(data, info.width, barLeft + 8, top + 179), [33, 102, 172]);
      // Row 89 of 180 is t = 1 − 2·89/179 = 0.006: within a few levels of the neutral (247, 247, 247).
      for (const channel of pixelAt(data, info.width, barLeft + 8, top + 89))
        assert.ok(Math.abs(channel - 247) <= 3, `near neutral: ${channel}`);
      // Labels "2", "0" and "-2" in a 5×7 font drawn 2×: the glyph 2's top row is .XXX., so its
      // second column is ink and its first is not; "-" is one bar across the middle row (row 3).
      assert.deepEqual(pixelAt(data, info.width, labelsLeft + 2, top), [0, 0, 0], '"2" at the top');
      assert.deepEqual(pixelAt(data, info.width, labelsLeft, top), [255, 255, 255]);
      const bottomLabel = top + 180 - 14;
      assert.deepEqual(pixelAt(data, info.width, labelsLeft, bottomLabel + 6), [0, 0, 0], '"-" of "-2"');
      assert.deepEqual(pixelAt(data, info.width, labelsLeft, bottomLabel + 4), [255, 255, 255]);
      const middleLabel = top + Math.round((180 - 14) / 2);
      assert.deepEqual(pixelAt(data, info.width, labelsLeft + 2, middleLabel), [0, 0, 0], '"0" in the middle');
    });

    it('draws a map with no negative value in the sequential colours, 0 to top', async () => {
      const path = join(dir, 'magnitude.png');
      const magnitudes = Float32Array.from(signedMap, Math.abs);
      await writeMapFile(path, { ...signedValue, map: magnitudes });
      const { data, info } = await decode(path);
      assert.deepEqual(pixelAt(data, info.width, barLeft + 8, top), [189, 0, 38], 'YlOrRd dark red at the top');
      assert.deepEqual(pixelAt(data, info.width, barLeft + 8, top + 179), [255, 255, 178], 'light yellow at 0');
      const hot = pixelAt(data, info.width, ...(centre(overlayLeft, 1) as [number, number]));
      assert.deepEqual(hot, blend(49, [189, 0, 38], 1));
      assert.deepEqual(pixelAt(data, info.width, labelsLeft, top + 180 - 14 + 6), [0, 0, 0], '"0" at the bottom');
      assert.deepEqual(pixelAt(data, info.width, labelsLeft + 2, top + 83), [255, 255, 255], 'no middle label');
    });

    it('without an RGB original, shows the grey background in the left panel', async () => {
      const path = join(dir, 'grey.png');
      await writeMapFile(path, { ...signedValue, original: undefined });
      const { data, info } = await decode(path);
      const [x, y] = centre(originalLeft, 7);
      assert.deepEqual(pixelAt(data, info.width, x, y), [103, 103, 103]);
    });
  });

  it('sums channels per pixel and scales by the 99th percentile of |sum|', () => {
    const one = spatialLayout([2, 10, 10]);
    // Pixel p holds ±p split over the two channels (3/4 and 1/4).
    const values = new Float32Array(200);
    for (let p = 0; p < 100; p++) {
      const signed = (p % 2 ? -1 : 1) * p;
      values[p] = 0.75 * signed;
      values[100 + p] = 0.25 * signed;
    }
    const { values: sums, signed, top } = pixelValues(values, one);
    assert.equal(signed, true);
    assert.equal(sums[49], -49);
    // The 99th percentile of 0…99 (index floor(0.99 · 99) = 98) is 98.
    assert.equal(top, 98);
    assert.equal(pixelValues(new Float32Array(200), one).top, 0);
    assert.equal(pixelValues(Float32Array.from(values, Math.abs), one).signed, false);
  });

  it('colour maps: RdBu and YlOrRd stops, linear between, clipped outside', () => {
    assert.deepEqual(colourOf(0, 'signed'), [...NEUTRAL]);
    assert.deepEqual(colourOf(0.5, 'signed'), [244, 165, 130]);
    // Halfway between (247, 247, 247) and (244, 165, 130): 245.5, 206, 188.5, rounded half up.
    assert.deepEqual(colourOf(0.25, 'signed'), [246, 206, 189]);
    assert.deepEqual(colourOf(-3, 'signed'), [33, 102, 172]);
    assert.deepEqual(colourOf(0.5, 'absolute'), [253, 141, 60]);
    assert.deepEqual(colourOf(-1, 'absolute'), [255, 255, 178]);
  });

  it('labels values with three significant digits', () => {
    assert.equal(formatValue(0.64613), '0.646');
    assert.equal(formatValue(-1.5), '-1.5');
    assert.equal(formatValue(0), '0');
    assert.equal(formatValue(1234.5), '1230');
    assert.equal(formatValue(0.0000123456), '1.23e-5');
    assert.equal(formatValue(-98765), '-9.88e+4');
  });

  it('knows the formats by extension and refuses others naming the out parameter', () => {
    assert.equal(mapFormatOf('a/B.NPY'), 'npy');
    assert.equal(mapFormatOf('map.png'), 'png');
    assert.throws(() => mapFormatOf('map.jpg'), /out: .*map\.jpg.*\.npy, \.png or \.json/);
  });
});
