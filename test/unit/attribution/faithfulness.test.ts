/**
 * Deletion, insertion and sparsity (faithfulness.ts). On a 3-class linear
 * model the inputs at every step are written out by hand and their softmax
 * computed here, from the weights; the Gini index is checked against values
 * worked out from its formula. On the real fixture CNN: a map that explains
 * (gradient × input, occlusion) must beat a seeded random map on both curves.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { npyToFloat32, readNpy } from '../../../src/data/npy';
import {
  deletionCurve,
  faithfulnessMetrics,
  giniSparsity,
  insertionCurve,
  stepInputs,
} from '../../../src/model/attribution/faithfulness';
import { gradient } from '../../../src/model/attribution/gradient';
import { occlusion } from '../../../src/model/attribution/occlusion';
import { seededRandom } from '../../../src/model/attribution/random';
import { openGradientModel } from '../../../src/model/autodiff';
import type { GradientModel } from '../../../src/model/autodiff/types';
import { float32, linearModel, softmaxOf } from './analyticModels';

const W = [
  [2, -1, 1, 0.5],
  [0, 1, -1, 0],
  [0, 0, 0, 0],
];
const B = [0.5, 0, 0];
const model = () => linearModel(W, B);
const x = float32([1, 2, -1, 3]);
/** Ranks the features 1 (0.9), 3 (0.4), 0 (0.2), 2 (−0.5). */
const map = [0.2, 0.9, -0.5, 0.4];

/** p(class 0) for one input, from the weights above: logits W·v + b, then softmax. */
function p0(v: number[]): number {
  const logits = W.map((row, r) => row.reduce((sum, w, i) => sum + w * v[i], B[r]));
  return softmaxOf(logits)[0];
}

/** Trapezoid rule on the evenly spaced fractions 0, 1/4, …, 1. */
const quarterSteps = (p: number[]) => 0.25 * (p[0] / 2 + p[1] + p[2] + p[3] + p[4] / 2);

function assertClose(actual: ArrayLike<number>, expected: number[], what: string) {
  assert.equal(actual.length, expected.length, what);
  expected.forEach((value, k) =>
    assert.ok(Math.abs(actual[k] - value) < 1e-6, `${what} [${k}]: ${actual[k]} vs ${value}`),
  );
}

describe('attribution/faithfulness', () => {
  it('deletion: zeroes features 1, 3, 0, 2 in turn and integrates p(target)', async () => {
    const curve = await deletionCurve(model(), { x, target: 0 }, map, { steps: 4 });
    const p = [
      [1, 2, -1, 3],
      [1, 0, -1, 3],
      [1, 0, -1, 0],
      [0, 0, -1, 0],
      [0, 0, 0, 0],
    ].map(p0);
    assert.deepEqual(Array.from(curve.fractions), [0, 0.25, 0.5, 0.75, 1]);
    assertClose(curve.probabilities, p, 'p(target)');
    assert.ok(Math.abs(curve.auc - quarterSteps(p)) < 1e-6);
  });

  it('insertion: restores features 1, 3, 0, 2 into the zero input, in one forward call', async () => {
    const m = model();
    const curve = await insertionCurve(m, { x, target: 0 }, map, { steps: 4 });
    const p = [
      [0, 0, 0, 0],
      [0, 2, 0, 0],
      [0, 2, 0, 3],
      [1, 2, 0, 3],
      [1, 2, -1, 3],
    ].map(p0);
    assert.deepEqual(Array.from(curve.fractions), [0, 0.25, 0.5, 0.75, 1]);
    assertClose(curve.probabilities, p, 'p(target)');
    assert.ok(Math.abs(curve.auc - quarterSteps(p)) < 1e-6);
    assert.deepEqual(m.calls.predict, [5]);
  });

  it('insertion starts from the chosen fill: mean(x) = 1.25 everywhere, two steps', async () => {
    const curve = await insertionCurve(model(), { x, target: 2 }, map, { steps: 2, fill: 'mean' });
    const inputs = [
      [1.25, 1.25, 1.25, 1.25],
      [1.25, 2, 1.25, 3],
      [1, 2, -1, 3],
    ];
    const p = inputs.map((v) => softmaxOf(W.map((row, r) => row.reduce((s, w, i) => s + w * v[i], B[r])))[2]);
    assertClose(curve.probabilities, p, 'p(class 2)');
    assert.ok(Math.abs(curve.auc - 0.5 * (p[0] / 2 + p[1] + p[2] / 2)) < 1e-6);
  });

  it('builds the inputs of both directions with the same step rounding', () => {
    // d = 4, steps = 3: after step k, round(4k/3) = 0, 1, 3, 4 features are changed.
    const start = float32([10, 20, 30, 40]);
    const end = float32([1, 2, 3, 4]);
    const { batch, fractions } = stepInputs(start, end, [2, 0, 3, 1], 3);
    assert.deepEqual(Array.from(fractions), [0, 0.25, 0.75, 1]);
    assert.deepEqual(Array.from(batch), [10, 20, 30, 40, 10, 20, 3, 40, 1, 20, 3, 4, 1, 2, 3, 4]);
  });

  it('gathers the three measures of one map', async () => {
    const m = model();
    const metrics = await faithfulnessMetrics(m, { x, target: 0 }, map, { steps: 4 });
    const deletion = await deletionCurve(m, { x, target: 0 }, map, { steps: 4 });
    const insertion = await insertionCurve(m, { x, target: 0 }, map, { steps: 4 });
    assert.deepEqual(metrics, {
      deletionAuc: deletion.auc,
      insertionAuc: insertion.auc,
      sparsity: giniSparsity(map),
    });
    assert.deepEqual(m.calls.predict, [5, 5, 5, 5], 'one forward call per curve');
  });

  it('refuses a map of the wrong size and a step count below 1', async () => {
    await assert.rejects(
      insertionCurve(model(), { x, target: 0 }, [1, 2, 3]),
      /insertion: the map has 3 values/,
    );
    await assert.rejects(insertionCurve(model(), { x, target: 0 }, map, { steps: 0 }), /steps/);
  });

  describe('sparsity: the Gini index of |map|, G = 1 − 2 Σ (a_(k)/‖a‖₁)(n − k + ½)/n', () => {
    it('is 0 for a uniform map', () => {
      // Each a_(k)/‖a‖₁ = 1/4; Σ (n − k + ½)/n over k = 1..4 = (3.5 + 2.5 + 1.5 + 0.5)/4 = 2,
      // so G = 1 − 2 · (1/4) · 2 = 0.
      assert.ok(Math.abs(giniSparsity([1, 1, 1, 1])) < 1e-12);
      assert.ok(Math.abs(giniSparsity([-2, 2, 2, -2])) < 1e-12, 'the sign does not count');
    });

    it('is 1 − 1/n for a single non-zero value', () => {
      // Only k = n = 4 contributes: 1 · (4 − 4 + ½)/4 = 1/8, so G = 1 − 2/8 = 3/4 = 1 − 1/4.
      assert.equal(giniSparsity([0, 0, 0, 1]), 0.75);
      assert.equal(giniSparsity([0, -7, 0, 0]), 0.75);
    });

    it('weights the sorted magnitudes: [−3, 0, 1, 2] → 5/12', () => {
      // |a| sorted = 0, 1, 2, 3, ‖a‖₁ = 6: Σ = (0·3.5 + 1·2.5 + 2·1.5 + 3·0.5)/(6·4) = 7/24,
      // G = 1 − 14/24 = 5/12.
      assert.ok(Math.abs(giniSparsity([-3, 0, 1, 2]) - 5 / 12) < 1e-12);
      assert.ok(Math.abs(giniSparsity([30, 0, -10, 20]) - 5 / 12) < 1e-12, 'scale and order do not count');
    });

    it('scores an all-zero map 0', () => {
      assert.equal(giniSparsity([0, 0, 0]), 0);
    });
  });

  describe('on the fixture CNN', function () {
    this.timeout(300_000);
    const FMNIST = join(__dirname, '..', '..', 'fixtures', 'fmnist');
    const SIZE = 28 * 28;
    const IMAGES = 16;
    let cnn: GradientModel;
    let inputs: Float32Array;
    const targets: number[] = [];

    before(async () => {
      cnn = await openGradientModel(join(FMNIST, 'model.onnx'));
      inputs = npyToFloat32(await readNpy(join(FMNIST, 'reference', 'inputs16.npy')));
      const logits = await cnn.predict(inputs, IMAGES);
      for (let s = 0; s < IMAGES; s++) {
        const row = Array.from(logits.subarray(s * 10, (s + 1) * 10));
        targets.push(row.indexOf(Math.max(...row)));
      }
    });

    after(async () => {
      await cnn?.release();
    });

    it('gradient × input and occlusion: lower deletion and higher insertion AUC than a random map', async () => {
      const names = ['gradient×input', 'occlusion', 'random'] as const;
      const deletion = {
        'gradient×input': [] as number[],
        occlusion: [] as number[],
        random: [] as number[],
      };
      const insertion = {
        'gradient×input': [] as number[],
        occlusion: [] as number[],
        random: [] as number[],
      };
      for (let s = 0; s < IMAGES; s++) {
        const image = inputs.slice(s * SIZE, (s + 1) * SIZE);
        const input = { x: image, target: targets[s] };
        const grad = await gradient(cnn, input, {}, {});
        const random = seededRandom(1000 + s);
        const maps = {
          'gradient×input': grad.map((g, i) => g * image[i]),
          occlusion: await occlusion(cnn, input, {}, {}),
          random: Float32Array.from({ length: SIZE }, () => random.uniform()),
        };
        for (const name of names) {
          deletion[name].push((await deletionCurve(cnn, input, maps[name])).auc);
          insertion[name].push((await insertionCurve(cnn, input, maps[name])).auc);
        }
      }
      const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
      for (const name of names) {
        console.log(
          `      ${name}: mean deletion AUC ${mean(deletion[name]).toFixed(4)}, ` +
            `mean insertion AUC ${mean(insertion[name]).toFixed(4)} (${IMAGES} images)`,
        );
      }
      for (const name of ['gradient×input', 'occlusion'] as const) {
        assert.ok(
          mean(deletion[name]) < mean(deletion.random),
          `${name} deletion ${mean(deletion[name])} vs random ${mean(deletion.random)}`,
        );
        assert.ok(
          mean(insertion[name]) > mean(insertion.random),
          `${name} insertion ${mean(insertion[name])} vs random ${mean(insertion.random)}`,
        );
      }
      // Per image too: the gap is wide enough that the random map should rarely win.
      const wins = (name: 'gradient×input' | 'occlusion') => ({
        deletion: deletion[name].filter((auc, s) => auc < deletion.random[s]).length,
        insertion: insertion[name].filter((auc, s) => auc > insertion.random[s]).length,
      });
      for (const name of ['gradient×input', 'occlusion'] as const) {
        const won = wins(name);
        console.log(
          `      ${name} beats random on ${won.deletion}/${IMAGES} images (deletion), ${won.insertion}/${IMAGES} (insertion)`,
        );
        assert.ok(
          won.deletion >= IMAGES - 3 && won.insertion >= IMAGES - 3,
          `${name}: ${JSON.stringify(won)}`,
        );
      }
    });
  });
});
