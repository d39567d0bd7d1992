/**
 * DANCE on closed-form models: the decoy masks, the decoy constraint checked
 * by recomputing the layer by hand, decoys that reach a known optimum, and the
 * range aggregation against gradients worked out at each decoy.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { npyToFloat32, readNpy } from '../../../src/data/npy';
import { openGradientModel } from '../../../src/model/autodiff';
import { decodeModel, encodeModel, FLOAT, valueInfo } from '../../../src/model/onnxGraph';
import { CancelledError } from '../../../src/core/errors';
import {
  danceWith,
  decoySaliencies,
  decoySpecs,
  defaultDecoyLayer,
} from '../../../src/model/attribution/dance';
import { generateDecoys } from '../../../src/model/attribution/decoys';
import { seededRandom } from '../../../src/model/attribution/random';
import type { GradientMethod } from '../../../src/model/attribution/types';
import { affine, float32, linearModel, maxAbsDifference, reluNet } from './analyticModels';

// A 4 → 4 → 3 ReLU net on 1×2×2 inputs. At X its pre-activations are
// (0.9, −0.03, 0.63, −0.31): unit 1 sits near its kink, so decoys can switch it on.
const U = [
  [1, -1, 0.5, 0],
  [0.5, 1, -1, 0.3],
  [-0.4, 0.2, 1, 1],
  [0.3, 0.3, -0.2, -1],
];
const A = [0.1, 0.09, 0.05, 0.3];
const V = [
  [1, -1, 0.5, 2],
  [-0.5, 1, 1, -1],
  [0.2, 0.3, -1, 0.5],
];
const X = [0.4, -0.3, 0.2, 0.6];
const net = () => reluNet(U, A, V, [0, 0, 0], [1, 2, 2]);

/** ∇ logit_t of the net at x: Σ_j V_tj [pre_j > 0] U_j. */
function gradientAt(x: ArrayLike<number>, t: number): number[] {
  const pre = affine(U, A, x);
  return [0, 1, 2, 3].map((i) => U.reduce((s, row, j) => s + (pre[j] > 0 ? V[t][j] * row[i] : 0), 0));
}

/**
 * The constrained decoy problem two tests share: h = relu(Ux + a) with
 * U = [[1, −1], [0.5, 1]], a = (0.1, 0.2), both units active at x = (0.5, −0.2)
 * (h(x) = (0.8, 0.25)), a decoy on features {0, 1}, tolerance ε = 0.05.
 */
function constrainedProblem(iterations: number) {
  const model = reluNet(
    [
      [1, -1],
      [0.5, 1],
    ],
    [0.1, 0.2],
    [[1, 1]],
    [0],
  );
  const epsilon = 0.05;
  const search = {
    tolerance: epsilon,
    lower: -2,
    upper: 2,
    iterations,
    learningRate: 0.005,
    initialPenalty: 1 / epsilon,
  };
  return { model, x: float32([0.5, -0.2]), epsilon, mask: Uint8Array.of(1, 1), search };
}

/** The constrained problem's hidden layer at decoy k, written out by hand. */
function constrainedHidden(decoys: ArrayLike<number>, k: number): number[] {
  return [0, 1].map((j) =>
    Math.max(0, [1, 0.5][j] * decoys[2 * k] + [-1, 1][j] * decoys[2 * k + 1] + [0.1, 0.2][j]),
  );
}

describe('attribution/dance', () => {
  it('deals the patches into samples/2 masks, each used up and down, every feature in one mask', () => {
    // 2×4×4: patches of 3×3, 3×1, 1×3 and 1×1 pixels, each spanning both channels.
    const specs = decoySpecs([2, 4, 4], 32, 3, 2, seededRandom(1));
    assert.equal(specs.length, 4);
    assert.deepEqual(
      specs.map((s) => s.sign),
      [1, -1, 1, -1],
    );
    assert.equal(specs[0].mask, specs[1].mask);
    const owner = new Array<number>(32).fill(-1);
    [specs[0].mask, specs[2].mask].forEach((mask, g) =>
      mask.forEach((m, i) => m && (assert.equal(owner[i], -1), (owner[i] = g))),
    );
    assert.ok(owner.every((g) => g >= 0));
    for (let i = 0; i < 16; i++) assert.equal(owner[i], owner[16 + i], `pixel ${i} split across channels`);
    // Pixels (0,0) and (2,2) share the first 3×3 patch.
    assert.equal(owner[0], owner[2 * 4 + 2]);
    // Rank-1 inputs: runs of patchSize features.
    const flat = decoySpecs([7], 7, 3, 5, seededRandom(2));
    assert.equal(flat.length, 6); // only 3 patches: 3 masks
    assert.deepEqual(
      flat
        .filter((_, k) => k % 2 === 0)
        .map((s) => Array.from(s.mask).join(''))
        .sort(),
      ['0000001', '0001110', '1110000'],
    );
  });

  it('pushes a feature the layer ignores to the ends of the box', async () => {
    // The hidden layer of this net does not read feature 2.
    const model = reluNet(
      [
        [1, -1, 0],
        [0.5, 1, 0],
      ],
      [0.1, 0.2],
      [[1, 1]],
      [0],
    );
    const mask = Uint8Array.of(0, 0, 1);
    const x = float32([0.5, -0.2, 0.3]);
    const search = {
      tolerance: 0.01,
      lower: -1,
      upper: 1,
      iterations: 60,
      learningRate: 0.04,
      initialPenalty: 100,
    };
    const { decoys, reach } = await generateDecoys(
      await model.tensor('hidden'),
      x,
      [
        { mask, sign: 1 },
        { mask, sign: -1 },
      ],
      search,
      {},
    );
    assert.deepEqual(Array.from(decoys), [0.5, -0.2, 1, 0.5, -0.2, -1].map(Math.fround));
    assert.ok(Math.abs(reach[0] - 0.7) < 1e-6 && Math.abs(reach[1] - 1.3) < 1e-6);
  });

  it('keeps ‖h(x̃) − h(x)‖∞ within the tolerance and gets near the constrained optimum', async () => {
    // h = relu(Ux + a) with U = [[1, −1], [0.5, 1]], both units active at x, so a decoy on
    // features {0, 1} must keep |δ₀ − δ₁| ≤ ε and |0.5δ₀ + δ₁| ≤ ε. The largest
    // (δ₀)⁺ + (δ₁)⁺ under these is 5ε/3, at δ = (4ε/3, ε/3); for s = −1 the same by symmetry.
    const { model, x, epsilon, mask, search } = constrainedProblem(200);
    const { decoys, reach, deviations } = await generateDecoys(
      await model.tensor('hidden'),
      x,
      [
        { mask, sign: 1 },
        { mask, sign: -1 },
      ],
      search,
      {},
    );
    const h0 = [0.8, 0.25];
    for (let k = 0; k < 2; k++) {
      const h = constrainedHidden(decoys, k);
      const deviation = Math.max(Math.abs(h[0] - h0[0]), Math.abs(h[1] - h0[1]));
      assert.ok(deviation <= epsilon + 1e-7, `decoy ${k}: ${deviation}`);
      assert.ok(Math.abs(deviation - deviations[k]) < 1e-6);
      assert.ok(reach[k] <= (5 * epsilon) / 3 + 1e-6, `decoy ${k} reach ${reach[k]} beyond the optimum`);
      assert.ok(reach[k] >= 0.9 * ((5 * epsilon) / 3), `decoy ${k} reach ${reach[k]}`);
    }
  });

  it('scores each feature by the range of the gradient over the decoys', async () => {
    const model = net();
    const input = { x: float32(X), target: 0 };
    const parameters = { patchSize: 1 };
    const options = { samples: 4, seed: 3 };
    const { decoys, maps, n } = await decoySaliencies(model, input.x, 0, parameters, options, {});
    assert.equal(n, 4);
    // Decoys stay in [min x, max x] = [−0.3, 0.6], keep the default layer ("pre", the middle
    // of ["pre", "hidden"]) within 0.1 × max|pre(x)| of pre(x), and equal x off their mask.
    const pre0 = affine(U, A, X);
    const epsilon = 0.1 * Math.max(...pre0.map(Math.abs));
    const specs = decoySpecs([1, 2, 2], 4, 1, 2, seededRandom(3));
    for (let k = 0; k < n; k++) {
      const decoy = decoys.subarray(4 * k, 4 * k + 4);
      assert.ok(decoy.every((v) => v >= Math.fround(-0.3) && v <= Math.fround(0.6)));
      assert.ok(maxAbsDifference(affine(U, A, decoy), pre0) <= epsilon + 1e-6);
      decoy.forEach((v, i) => specs[k].mask[i] || assert.equal(v, Math.fround(X[i])));
      assert.ok(maxAbsDifference(maps.subarray(4 * k, 4 * k + 4), gradientAt(decoy, 0)) < 1e-6);
    }
    const score = await danceWith(parameters)(model, input, options, {});
    const expected = [0, 1, 2, 3].map((i) => {
      const values = [0, 1, 2, 3].map((k) => gradientAt(decoys.subarray(4 * k, 4 * k + 4), 0)[i]);
      return Math.max(...values) - Math.min(...values);
    });
    assert.ok(maxAbsDifference(score, expected) < 1e-6);
    // Decoys that switch unit 1 on change ∇ logit₀ by V₀₁U₁ = −(0.5, 1, −1, 0.3).
    assert.ok(maxAbsDifference(expected, [0.5, 1, 1, 0.3]) < 1e-9, `${expected}`);
  });

  it('applies a given base method to each decoy, without the decoy count', async () => {
    // A base "saliency" that returns the decoy itself: the score is then the range of each feature over the decoys.
    const seen: (number | undefined)[] = [];
    const echo: GradientMethod = async (_model, input, options) => {
      seen.push(options.samples);
      return input.x.slice();
    };
    const parameters = { patchSize: 1, base: echo };
    const options = { samples: 4, seed: 5 };
    const { decoys } = await decoySaliencies(net(), float32(X), 0, parameters, options, {});
    const score = await danceWith(parameters)(net(), { x: float32(X), target: 0 }, options, {});
    const expected = [0, 1, 2, 3].map((i) => {
      const values = [0, 1, 2, 3].map((k) => decoys[4 * k + i]);
      return Math.max(...values) - Math.min(...values);
    });
    assert.ok(maxAbsDifference(score, expected) < 1e-7);
    assert.ok(expected.some((v) => v > 0));
    assert.deepEqual(seen, new Array(8).fill(undefined));
  });

  it('is zero on a linear model, where every decoy has the same gradient', async () => {
    const model = linearModel(V, [0, 0, 0], [1, 2, 2]);
    const score = await danceWith({ patchSize: 1 })(model, { x: float32(X), target: 1 }, { samples: 4 }, {});
    assert.deepEqual(Array.from(score), [0, 0, 0, 0]);
  });

  it('uses the middle layer by default and options.layer when given', async () => {
    const model = net();
    assert.equal(defaultDecoyLayer(model), 'pre');
    await danceWith({ patchSize: 1, iterations: 3 })(
      model,
      { x: float32(X), target: 0 },
      { samples: 2, layer: 'hidden' },
      {},
    );
    assert.ok(model.calls.vjp.filter((c) => c.tensor !== 'logits').every((c) => c.tensor === 'hidden'));
  });

  it('batches the decoys and is reproducible with a seed', async () => {
    const model = net();
    const input = { x: float32(X), target: 2 };
    const a = await danceWith({ patchSize: 1, iterations: 20 })(model, input, { samples: 4, seed: 8 }, {});
    assert.ok(model.calls.vjp.every((c) => c.n === 4));
    const b = await danceWith({ patchSize: 1, iterations: 20 })(net(), input, { samples: 4, seed: 8 }, {});
    assert.deepEqual(a, b);
  });

  it('with patience stops once every decoy has settled, still within the tolerance and near the optimum', async () => {
    // The constrained problem of the test above: the optimum reach is 5ε/3.
    const { model, x, epsilon, mask, search } = constrainedProblem(400);
    const specs = [
      { mask, sign: 1 as const },
      { mask, sign: -1 as const },
    ];
    const layer = await model.tensor('hidden');
    const all = await generateDecoys(layer, x, specs, search, {});
    const reports: number[] = [];
    const early = await generateDecoys(
      layer,
      x,
      specs,
      { ...search, patience: 40 },
      { progress: (done, total) => (assert.equal(total, 400), reports.push(done)) },
    );
    assert.equal(all.iterations, 400);
    assert.ok(early.iterations < 200, `${early.iterations} iterations`);
    assert.equal(reports.at(-1), 400);
    for (let k = 0; k < 2; k++) {
      const h = constrainedHidden(early.decoys, k);
      assert.ok(Math.max(Math.abs(h[0] - 0.8), Math.abs(h[1] - 0.25)) <= epsilon + 1e-7, `decoy ${k}`);
      assert.ok(early.reach[k] <= (5 * epsilon) / 3 + 1e-6);
      assert.ok(early.reach[k] >= 0.9 * ((5 * epsilon) / 3), `decoy ${k} reach ${early.reach[k]}`);
      assert.ok(early.reach[k] <= all.reach[k]); // frozen decoys are the full search's iterates, cut short
    }
  });

  it('reports progress up to (total, total) and stops within one step when cancelled', async () => {
    const reports: [number, number][] = [];
    await danceWith({ patchSize: 1 })(
      net(),
      { x: float32(X), target: 0 },
      { samples: 4 },
      {
        progress: (done, total) => reports.push([done, total]),
      },
    );
    assert.deepEqual(reports[0], [0, 101]);
    assert.deepEqual(reports.at(-1), [101, 101]);
    for (let i = 1; i < reports.length; i++) assert.ok(reports[i][0] >= reports[i - 1][0]);

    // Cancelled at the first report, before the search: no decoy is evaluated.
    const first = new AbortController();
    const model = net();
    await assert.rejects(
      danceWith({ patchSize: 1 })(
        model,
        { x: float32(X), target: 0 },
        { samples: 4 },
        { signal: first.signal, progress: () => first.abort() },
      ),
      CancelledError,
    );
    assert.deepEqual(model.calls.vjp, []);
    // Cancelled after the first iteration: at most that iteration's VJP was taken.
    const later = new AbortController();
    const other = net();
    await assert.rejects(
      danceWith({ patchSize: 1 })(
        other,
        { x: float32(X), target: 0 },
        { samples: 4 },
        { signal: later.signal, progress: (done) => done >= 1 && later.abort() },
      ),
      CancelledError,
    );
    assert.ok(other.calls.vjp.length <= 1, `${other.calls.vjp.length} VJPs`);
  });

  it('stops when cancelled during the decoy search', async () => {
    const controller = new AbortController();
    const run = danceWith({ patchSize: 1 })(
      net(),
      { x: float32(X), target: 0 },
      { samples: 4 },
      {
        signal: controller.signal,
        progress: (done) => done >= 5 && controller.abort(),
      },
    );
    await assert.rejects(run, CancelledError);
  });
});

/**
 * The decoy constraint on real networks, checked outside the solver: the
 * layer's activations are recomputed by onnxruntime on a copy of the model that
 * lists the layer as an output, and every returned decoy must keep them within
 * ε = 0.1 × max|h(x)| of x's, while still moving on its mask.
 */
describe('attribution/dance decoys on ONNX networks', () => {
  const ROOT = join(__dirname, '../../..');

  /** h(x) for a batch, by onnxruntime on the model with `layer` added to its outputs. */
  async function layerOutputs(
    path: string,
    layer: string,
    x: Float32Array,
    shape: number[],
  ): Promise<Float32Array> {
    const proto = decodeModel(readFileSync(path));
    proto.graph!.output!.push(valueInfo(layer, FLOAT));
    const session = await ort.InferenceSession.create(encodeModel(proto));
    try {
      const result = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', x, shape) });
      return Float32Array.from(result[layer].data as Float32Array);
    } finally {
      await session.release();
    }
  }

  async function checkDecoys(path: string, inputs: Float32Array[], samples: number, minMeanStep: number) {
    const model = await openGradientModel(path);
    try {
      const size = model.sampleSize;
      const layer = defaultDecoyLayer(model);
      for (const [image, x] of inputs.entries()) {
        const { decoys, n } = await decoySaliencies(model, x, 0, {}, { samples, seed: 1 }, {});
        assert.equal(n, samples);
        const h0 = await layerOutputs(path, layer, x, [1, ...model.sampleShape]);
        const h = await layerOutputs(path, layer, decoys, [n, ...model.sampleShape]);
        const units = h0.length;
        const epsilon = 0.1 * Math.max(...h0.map(Math.abs));
        // The masks DANCE uses (dance.ts: 3×3 patches, samples/2 groups, each up and down).
        const specs = decoySpecs(model.sampleShape, size, 3, samples / 2, seededRandom(1));
        let lower = Infinity;
        let upper = -Infinity;
        for (const v of x) {
          lower = Math.min(lower, v);
          upper = Math.max(upper, v);
        }
        for (let k = 0; k < n; k++) {
          let deviation = 0;
          for (let j = 0; j < units; j++) deviation = Math.max(deviation, Math.abs(h[k * units + j] - h0[j]));
          // Two onnxruntime sessions of the same graph may round differently: a slack of 1e-6 ε.
          assert.ok(
            deviation <= epsilon * (1 + 1e-6),
            `input ${image} decoy ${k}: ${deviation} > ε = ${epsilon}`,
          );
          let reach = 0;
          let masked = 0;
          for (let i = 0; i < size; i++) {
            const moved = decoys[k * size + i] - x[i];
            if (!specs[k].mask[i])
              assert.equal(moved, 0, `input ${image} decoy ${k} moved off its mask at ${i}`);
            else {
              masked += 1;
              reach += Math.max(0, specs[k].sign * moved);
            }
          }
          // Moves, by more on average than `minMeanStep` initial Adam steps (0.02 × the input's range).
          const meanStep = reach / masked / (0.02 * (upper - lower));
          assert.ok(meanStep > minMeanStep, `input ${image} decoy ${k}: mean move ${meanStep} steps`);
        }
      }
    } finally {
      await model.release();
    }
  }

  it('keeps every decoy of the fixture CNN within ε at its middle layer, and moves it', async () => {
    const images = npyToFloat32(await readNpy(join(ROOT, 'test/fixtures/fmnist/npy/images.npy')));
    const inputs = [0, 7].map((i) =>
      Float32Array.from(images.subarray(i * 784, (i + 1) * 784), (v) => v / 255),
    );
    // Measured: 1.4–5.1 steps (the solver before backtracking: 1.1–3.6).
    await checkDecoys(join(ROOT, 'test/fixtures/fmnist/model.onnx'), inputs, 8, 1);
  });

  it('keeps every decoy of a small ResNet within ε at its middle layer, and moves it', async () => {
    const path = join(ROOT, 'test/fixtures/autodiff/resnet-tiny/model.onnx');
    const all = npyToFloat32(await readNpy(join(ROOT, 'test/fixtures/autodiff/resnet-tiny/input.npy')));
    const inputs = [0, 1].map((i) => all.slice(i * 432, (i + 1) * 432));
    // Measured: 6.0–13.5 steps. Before backtracking half the decoys stopped after 1–2 steps:
    // Adam's steps did not shrink as the penalty grew, so every later iterate broke the constraint.
    await checkDecoys(path, inputs, 8, 4);
  });
});
