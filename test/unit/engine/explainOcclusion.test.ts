/**
 * Occlusion (src/model/attribution/occlusion.ts) against values computed
 * independently: by hand on a linear model (the logit drop of a patch is
 * Σ w·x over it), and on the fixture CNN by running onnxruntime directly on
 * occluded copies built here.
 */
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { isInputError, type ParameterError } from '../../../src/core/errors';
import { npyToFloat32, readNpy } from '../../../src/data/npy';
import { occlusion, occlusionGrid, spatialLayout } from '../../../src/model/attribution/occlusion';
import type { ForwardModel } from '../../../src/model/autodiff/types';
import { openForwardModel } from '../../../src/model/forwardModel';

const FMNIST = resolve(__dirname, '../../fixtures/fmnist');
const MODEL = join(FMNIST, 'model.onnx');

/** logits[k] = Σ_i w[k][i] x[i]: a model with no gradient machinery at all, only forward passes. */
function linearModel(shape: number[], weights: Float32Array[]): ForwardModel & { calls: number[] } {
  const sampleSize = shape.reduce((a, b) => a * b, 1);
  const calls: number[] = [];
  return {
    path: 'linear',
    inputName: 'x',
    sampleShape: shape,
    sampleSize,
    numClasses: weights.length,
    calls,
    async predict(x, n) {
      calls.push(n);
      const out = new Float32Array(n * weights.length);
      for (let s = 0; s < n; s++) {
        weights.forEach((w, k) => {
          let sum = 0;
          for (let i = 0; i < sampleSize; i++) sum += w[i] * x[s * sampleSize + i];
          out[s * weights.length + k] = sum;
        });
      }
      return out;
    },
    async release() {},
  };
}

function randomArray(length: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31 - 0.5;
  });
}

describe('occlusion', () => {
  it('reads the pixel layout off the per-sample shape', () => {
    assert.deepEqual(spatialLayout([1, 28, 28]), { channels: 1, height: 28, width: 28, channelsLast: false });
    assert.deepEqual(spatialLayout([3, 32, 32]), { channels: 3, height: 32, width: 32, channelsLast: false });
    assert.deepEqual(spatialLayout([32, 32, 3]), { channels: 3, height: 32, width: 32, channelsLast: true });
    assert.deepEqual(spatialLayout([3, 3, 3], 'NHWC'), {
      channels: 3,
      height: 3,
      width: 3,
      channelsLast: true,
    });
    assert.deepEqual(spatialLayout([28, 28]), { channels: 1, height: 28, width: 28, channelsLast: false });
    assert.deepEqual(spatialLayout([784]), { channels: 1, height: 28, width: 28, channelsLast: false });
    assert.deepEqual(spatialLayout([10]), { channels: 1, height: 1, width: 10, channelsLast: false });
  });

  it('defaults to a 4×4 patch with stride 2 on 28×28 and scales with the image', () => {
    assert.deepEqual(occlusionGrid(spatialLayout([1, 28, 28]), {}), { patchH: 4, patchW: 4, stride: 2 });
    assert.deepEqual(occlusionGrid(spatialLayout([3, 224, 224]), {}), { patchH: 32, patchW: 32, stride: 16 });
    assert.deepEqual(occlusionGrid(spatialLayout([1, 28, 28]), { patch: 6, stride: 3 }), {
      patchH: 6,
      patchW: 6,
      stride: 3,
    });
    assert.throws(
      () => occlusionGrid(spatialLayout([1, 28, 28]), { patch: 0 }),
      (error) => isInputError(error) && (error as ParameterError).parameter === 'patch',
    );
  });

  it('on a linear model: each pixel scores the mean over its patches of Σ w·x inside the patch', async () => {
    const shape = [1, 6, 5];
    const w = randomArray(30, 7);
    const x = randomArray(30, 11);
    const model = linearModel(shape, [randomArray(30, 3), w]);
    const map = await occlusion(model, { x, target: 1 }, { patch: 2, stride: 2 }, {});
    // Rows: starts 0,2,4; columns: 0,2 and the last that fits, 3. By hand, per pixel:
    const rowStarts = [0, 2, 4];
    const colStarts = [0, 2, 3];
    for (let y = 0; y < 6; y++) {
      for (let xx = 0; xx < 5; xx++) {
        const drops: number[] = [];
        for (const y0 of rowStarts) {
          for (const x0 of colStarts) {
            if (y < y0 || y >= y0 + 2 || xx < x0 || xx >= x0 + 2) continue;
            let drop = 0;
            for (let py = y0; py < y0 + 2; py++)
              for (let px = x0; px < x0 + 2; px++) drop += w[py * 5 + px] * x[py * 5 + px];
            drops.push(drop);
          }
        }
        const expected = drops.reduce((a, b) => a + b, 0) / drops.length;
        assert.ok(
          Math.abs(map[y * 5 + xx] - expected) < 1e-5,
          `pixel (${y}, ${xx}): ${map[y * 5 + xx]} vs ${expected}`,
        );
      }
    }
    assert.deepEqual(model.calls, [1, 9], 'one reference pass, then every patch in one batch');
  });

  it('fills with the per-channel mean and gives every channel of a pixel its score (NHWC)', async () => {
    const shape = [2, 2, 3];
    const w = randomArray(12, 5);
    const x = randomArray(12, 9);
    const model = linearModel(shape, [w]);
    const map = await occlusion(model, { x, target: 0 }, { patch: 1, baseline: 'mean', layout: 'NHWC' }, {});
    const mean = [0, 1, 2].map((c) => (x[c] + x[3 + c] + x[6 + c] + x[9 + c]) / 4);
    for (let p = 0; p < 4; p++) {
      let drop = 0;
      for (let c = 0; c < 3; c++) drop += w[p * 3 + c] * (x[p * 3 + c] - mean[c]);
      for (let c = 0; c < 3; c++)
        assert.ok(Math.abs(map[p * 3 + c] - drop) < 1e-5, `pixel ${p} channel ${c}`);
    }
  });

  it('splits many patches into bounded runs, reports progress and stops when aborted', async () => {
    const model = linearModel([1, 28, 28], [randomArray(784, 1)]);
    const x = randomArray(784, 2);
    const seen: [number, number][] = [];
    await occlusion(
      model,
      { x, target: 0 },
      { patch: 1 },
      { progress: (done, total) => seen.push([done, total]) },
    );
    assert.ok(
      model.calls.slice(1).every((n) => n <= 32),
      `runs of at most 32: ${model.calls.join(',')}`,
    );
    assert.deepEqual(seen.at(-1), [784, 784]);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(occlusion(model, { x, target: 0 }, {}, { signal: controller.signal }), {
      name: 'CancelledError',
    });
  });

  it('refuses a blur baseline with a parameter error naming baseline', async () => {
    const model = linearModel([1, 4, 4], [randomArray(16, 1)]);
    await assert.rejects(
      occlusion(model, { x: randomArray(16, 2), target: 0 }, { baseline: 'blur' }, {}),
      (error: ParameterError) =>
        error.parameter === 'baseline' && /"blur" is not one of them/.test(error.problem),
    );
  });

  describe('on the fixture CNN, against onnxruntime run directly', function () {
    this.timeout(60_000);
    let session: ort.InferenceSession;
    let x: Float32Array;

    before(async () => {
      session = await ort.InferenceSession.create(MODEL);
      x = Float32Array.from(
        npyToFloat32(await readNpy(join(FMNIST, 'reference', 'inputs16.npy'))).subarray(3 * 784, 4 * 784),
      );
    });
    after(() => session.release());

    /** The target logit with the given 28×28 boxes (y0, x0, size) filled with 0, by a direct onnxruntime run. */
    async function logitWith(
      input: Float32Array,
      target: number,
      boxes: [number, number, number][],
    ): Promise<number> {
      const copy = Float32Array.from(input);
      for (const [y0, x0, size] of boxes)
        for (let y = y0; y < y0 + size; y++) for (let xx = x0; xx < x0 + size; xx++) copy[y * 28 + xx] = 0;
      const out = await session.run({ pixels: new ort.Tensor('float32', copy, [1, 1, 28, 28]) });
      return (out.logits.data as Float32Array)[target];
    }

    it('a corner pixel scores the drop of its one patch; an inner pixel the mean of its four', async () => {
      const model = await openForwardModel(MODEL);
      try {
        const target = 4;
        const map = await occlusion(model, { x, target }, {}, {});
        const reference = await logitWith(x, target, []);
        const corner = reference - (await logitWith(x, target, [[0, 0, 4]]));
        assert.ok(Math.abs(map[0] - corner) < 1e-4, `corner: ${map[0]} vs ${corner}`);
        // Pixel (13, 9) lies in patches starting at rows 10, 12 and columns 6, 8.
        const drops: number[] = [];
        for (const y0 of [10, 12])
          for (const x0 of [6, 8]) drops.push(reference - (await logitWith(x, target, [[y0, x0, 4]])));
        const inner = drops.reduce((a, b) => a + b, 0) / 4;
        assert.ok(Math.abs(map[13 * 28 + 9] - inner) < 1e-4, `inner: ${map[13 * 28 + 9]} vs ${inner}`);
        assert.ok(Math.abs(inner) > 1e-3, 'the inner pixel matters to the model (the check is not vacuous)');
      } finally {
        await model.release();
      }
    });

    it('a region that is already blank (0 in model-input space) scores 0: occluding it changes nothing', async () => {
      const blank = Float32Array.from(x);
      for (let y = 8; y < 20; y++) for (let xx = 8; xx < 20; xx++) blank[y * 28 + xx] = 0;
      const model = await openForwardModel(MODEL);
      try {
        const target = 0;
        const map = await occlusion(model, { x: blank, target }, {}, {});
        // Pixels 10…17 are covered only by patches starting at 8…16, all inside the blank 8…19 square.
        for (let y = 10; y < 18; y++) {
          for (let xx = 10; xx < 18; xx++)
            assert.ok(Math.abs(map[y * 28 + xx]) < 1e-4, `pixel (${y}, ${xx}) = ${map[y * 28 + xx]}`);
        }
        // Its edge pixel (8, 8) is also covered by patches reaching outside, whose drop we compute directly.
        const reference = await logitWith(blank, target, []);
        const drops: number[] = [];
        for (const y0 of [6, 8])
          for (const x0 of [6, 8]) drops.push(reference - (await logitWith(blank, target, [[y0, x0, 4]])));
        const edge = drops.reduce((a, b) => a + b, 0) / 4;
        assert.ok(Math.abs(map[8 * 28 + 8] - edge) < 1e-4, `edge: ${map[8 * 28 + 8]} vs ${edge}`);
      } finally {
        await model.release();
      }
    });
  });
});
