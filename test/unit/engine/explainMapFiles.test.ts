/** Map files (src/engine/mapFiles.ts): .npy read back by the NPY reader, PNG decoded by sharp, JSON. */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { npyToFloat32, readNpy } from '../../../src/data/npy';
import { heatOf, mapFormatOf, overlayRgb, writeMapFile, type MapToWrite } from '../../../src/engine/mapFiles';
import { spatialLayout } from '../../../src/model/attribution/occlusion';

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

  it('writes .png enlarged by a whole factor: grey where the map is 0, red to yellow where it is high', async () => {
    const path = join(dir, 'm.png');
    await writeMapFile(path, value);
    const { data, info } = await sharp(path).raw().toBuffer({ resolveWithObject: true });
    // 5×4 pixels, enlarged by ceil(224 / 5) = 45 so the longer side reaches 224.
    assert.deepEqual([info.width, info.height, info.channels], [225, 180, 3]);
    const expected = overlayRgb(value.map, layout, value.background);
    for (const [x, y] of [
      [0, 0],
      [4, 3],
      [2, 1],
    ]) {
      const at = ((y * 45 + 22) * 225 + x * 45 + 22) * 3; // the middle of input pixel (x, y)'s square
      assert.deepEqual(
        Array.from(data.subarray(at, at + 3)),
        Array.from(expected.subarray((y * 5 + x) * 3, (y * 5 + x + 1) * 3)),
      );
    }
    const flat = new Float32Array(60);
    flat[3 * 5 + 4] = 1; // one hot pixel in channel 0 at (3, 4)
    const rgb = overlayRgb(flat, layout, value.background);
    assert.deepEqual(Array.from(rgb.subarray(0, 3)), [0, 0, 0], 'the background pixel 0 stays black');
    assert.deepEqual(Array.from(rgb.subarray(9, 12)), [30, 30, 30], 'grey elsewhere');
    const hot = rgb.subarray(19 * 3, 20 * 3);
    assert.ok(hot[0] > 200 && hot[1] > 200 && hot[2] < 50, `the hottest pixel is yellow: ${Array.from(hot)}`);
    assert.equal(data.length, 225 * 180 * 3);
  });

  it('normalises |map| summed over channels by its 99th percentile', () => {
    const one = spatialLayout([1, 10, 10]);
    const values = Float32Array.from({ length: 100 }, (_, i) => (i % 2 ? -1 : 1) * i);
    const heat = heatOf(values, one);
    // The 99th percentile of 0…99 (index floor(0.99 · 99) = 98) is 98.
    assert.equal(heat[49], 49 / 98);
    assert.equal(heat[99], 1, 'clipped');
    assert.ok(heatOf(new Float32Array(100), one).every((h) => h === 0));
  });

  it('knows the formats by extension and refuses others naming the out parameter', () => {
    assert.equal(mapFormatOf('a/B.NPY'), 'npy');
    assert.equal(mapFormatOf('map.png'), 'png');
    assert.throws(() => mapFormatOf('map.jpg'), /out: .*map\.jpg.*\.npy, \.png or \.json/);
  });
});
