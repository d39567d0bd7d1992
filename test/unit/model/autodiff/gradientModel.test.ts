/**
 * The GradientModel over real onnxruntime sessions: DeepLIFT summation to
 * delta on the trained Fashion-MNIST CNN and the zoo, batching (any n, split
 * into runs), and the errors a user can meet.
 */
import { strict as assert } from 'node:assert';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBackwardModel, learnForwardFacts, openGradientModel } from '../../../../src/model/autodiff';
import { UnsupportedOpError, type GradientModel } from '../../../../src/model/autodiff/types';
import { npyToFloat32, readNpy } from '../../../../src/data/npy';
import { decodeModel, encodeModel, onnx, tensorType } from '../../../../src/model/onnxGraph';
import { array, FMNIST_MODEL, modelPath, ROOT, zoo } from './zooFixtures';

async function fixtureInputs(count: number): Promise<Float32Array> {
  const all = npyToFloat32(await readNpy(join(ROOT, 'test/fixtures/fmnist/reference/inputs16.npy')));
  return all.slice(0, count * 784);
}

/** For each sample: |Σ m⊙(x − x0) − (f_t(x) − f_t(x0))| / |f_t(x) − f_t(x0)| with t the predicted class. */
async function completenessErrors(
  model: GradientModel,
  x: Float32Array,
  x0: Float32Array,
  rule: 'rescale' | 'reveal-cancel',
): Promise<number[]> {
  const n = x.length / model.sampleSize;
  const logits = await model.predict(x, n);
  const upstream = new Float32Array(n * model.numClasses);
  const targets: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = Array.from(logits.subarray(i * model.numClasses, (i + 1) * model.numClasses));
    targets.push(row.indexOf(Math.max(...row)));
    upstream[i * model.numClasses + targets[i]] = 1;
  }
  const { multipliers, output, referenceOutput } = await model.deepLift(x, x0, n, upstream, rule);
  const reference = await model.predict(x0, n);
  return targets.map((t, i) => {
    let sum = 0;
    for (let j = i * model.sampleSize; j < (i + 1) * model.sampleSize; j++)
      sum += multipliers[j] * (x[j] - x0[j]);
    const k = i * model.numClasses + t;
    assert.ok(Math.abs(referenceOutput[k] - reference[k]) < 1e-4, 'the reference pass computes f(x0)');
    const delta = output[k] - referenceOutput[k];
    return Math.abs(sum - delta) / Math.abs(delta);
  });
}

describe('GradientModel (autodiff over onnxruntime)', () => {
  let cnn: GradientModel;
  before(async () => {
    cnn = await openGradientModel(FMNIST_MODEL);
  });
  after(() => cnn?.release());

  for (const rule of ['rescale', 'reveal-cancel'] as const) {
    it(`DeepLIFT ${rule} on the fixture CNN: attributions sum to f(x) − f(x0) within 1e-3 (zeros and mean references)`, async () => {
      const x = await fixtureInputs(16);
      const zeros = new Float32Array(x.length);
      const means = new Float32Array(x.length);
      for (let i = 0; i < 16; i++) {
        const image = x.subarray(i * 784, (i + 1) * 784);
        means.fill(image.reduce((a, b) => a + b, 0) / 784, i * 784, (i + 1) * 784);
      }
      for (const x0 of [zeros, means]) {
        const errors = await completenessErrors(cnn, x, x0, rule);
        assert.ok(
          Math.max(...errors) <= 1e-3,
          `worst relative error ${Math.max(...errors).toExponential(2)}`,
        );
      }
    });
  }

  it('RevealCancel and Rescale give different maps on the CNN (RevealCancel is not a relabelled Rescale)', async () => {
    const x = await fixtureInputs(1);
    const upstream = new Float32Array(10);
    upstream[9] = 1;
    const rescale = await cnn.deepLift(x, new Float32Array(784), 1, upstream, 'rescale');
    const revealCancel = await cnn.deepLift(x, new Float32Array(784), 1, upstream, 'reveal-cancel');
    const difference = rescale.multipliers.reduce(
      (s, m, i) => s + Math.abs(m - revealCancel.multipliers[i]),
      0,
    );
    assert.ok(difference > 1e-3);
  });

  it('batches of any size give the per-sample answers (runs are split at batchSize)', async () => {
    const small = await openGradientModel(FMNIST_MODEL, { batchSize: 5 });
    try {
      const x = await fixtureInputs(12);
      const upstream = Float32Array.from({ length: 120 }, (_, i) => ((i * 7) % 10) - 4.5);
      const all = await small.logits.vjp(x, 12, upstream);
      for (const i of [0, 5, 11]) {
        const one = await cnn.logits.vjp(
          x.slice(i * 784, (i + 1) * 784),
          1,
          upstream.slice(i * 10, (i + 1) * 10),
        );
        for (let j = 0; j < 784; j++) assert.ok(Math.abs(one.grad[j] - all.grad[i * 784 + j]) < 1e-6);
      }
    } finally {
      await small.release();
    }
  });

  it('exposes hidden layers, and their VJPs, by tensor name', async () => {
    // 2×[Conv(16|32, 3×3, pad 1)-BN-ReLU-MaxPool 2] → Flatten → Gemm 64 → ReLU (scripts/make-fixtures.py).
    assert.equal(cnn.layerNames.length, 11);
    const layer = await cnn.tensor('/features/features.3/MaxPool_output_0');
    assert.deepEqual(layer.shape, [16, 14, 14]);
    const x = await fixtureInputs(2);
    const value = await layer.forward(x, 2);
    assert.equal(value.length, 2 * layer.size);
    await assert.rejects(cnn.tensor('no-such-tensor'), /no-such-tensor: is not a float tensor/);
  });

  it('gives the penalty VJP in one run: the value and the gradient of 2λ(d − clip(d, ±ε′)) computed apart', async () => {
    // DANCE's decoy search (decoys.ts) takes h and the penalty's VJP from one run when a tensor has penaltyVjp.
    // Here against forward, then the upstream in float64 JavaScript, then vjp; each sample its own λ (one 0).
    for (const [path, layerName] of [
      [FMNIST_MODEL, '/features/features.3/MaxPool_output_0'],
      ...zoo()
        .filter((entry) => entry.name === 'resnet-tiny' && entry.hidden)
        .map((entry) => [modelPath(entry), entry.hidden!.name]),
    ] as [string, string][]) {
      const model = path === FMNIST_MODEL ? cnn : await openGradientModel(path);
      const layer = await model.tensor(layerName);
      const n = 4;
      const base =
        path === FMNIST_MODEL
          ? await fixtureInputs(1)
          : Float32Array.from({ length: model.sampleSize }, (_, i) => Math.sin(i));
      const reference = await layer.forward(base, 1);
      const points = new Float32Array(n * model.sampleSize);
      for (let k = 0; k < n; k++)
        for (let i = 0; i < model.sampleSize; i++)
          points[k * model.sampleSize + i] = base[i] + 0.3 * Math.cos(7 * i + k);
      const weights = Float32Array.from([2 * 3, 0, 2 * 0.5, 2 * 12]);
      let largest = 0;
      for (const r of reference) largest = Math.max(largest, Math.abs(r));
      const inner = 0.05 * largest;
      const fused = await layer.penaltyVjp!(points, n, { reference, weights, inner });

      const h = await layer.forward(points, n);
      const upstream = new Float32Array(n * layer.size);
      let active = 0;
      for (let k = 0; k < n; k++)
        for (let j = 0; j < layer.size; j++) {
          const d = h[k * layer.size + j] - reference[j];
          const excess = d > inner ? d - inner : d < -inner ? d + inner : 0;
          if (excess !== 0 && weights[k] !== 0) active++;
          upstream[k * layer.size + j] = weights[k] * excess;
        }
      assert.ok(active > 100, `${layerName}: only ${active} units over ε′, the test would not test much`);
      const apart = await layer.vjp(points, n, upstream);
      const scale = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const diff = (a: Float32Array, b: Float32Array) =>
        a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
      assert.ok(diff(fused.output, h) <= 1e-5 * scale(h), `${layerName}: value ${diff(fused.output, h)}`);
      assert.ok(
        diff(fused.grad, apart.grad) <= 1e-4 * scale(apart.grad),
        `${layerName}: gradient ${diff(fused.grad, apart.grad)} of ${scale(apart.grad)}`,
      );
      // λ = 0 for sample 1: no gradient at all.
      assert.equal(scale(fused.grad.subarray(model.sampleSize, 2 * model.sampleSize)), 0);
      if (model !== cnn) await model.release();
    }
  });

  for (const entry of zoo()) {
    it(`DeepLIFT on zoo model ${entry.name}: sums to delta, or names the op it cannot handle`, async () => {
      const model = await openGradientModel(modelPath(entry));
      try {
        const x = await array(entry, 'input.npy');
        for (const rule of ['rescale', 'reveal-cancel'] as const) {
          try {
            const errors = await completenessErrors(model, x, new Float32Array(x.length), rule);
            assert.ok(
              Math.max(...errors) <= 1e-3,
              `${rule}: worst relative error ${Math.max(...errors).toExponential(2)}`,
            );
          } catch (error) {
            if (!(error instanceof UnsupportedOpError)) throw error;
            // Only the ops without a rule may refuse: under Rescale LogSoftmax; under RevealCancel also Softmax,
            // LayerNormalization, Where and products of two input-dependent tensors.
            const refusable =
              rule === 'rescale'
                ? /^LogSoftmax$/
                : /^(Softmax|LogSoftmax|LayerNormalization|Where|Mul|MatMul|Div|Neg)$/;
            assert.match(error.opType, refusable, error.message);
          }
        }
      } finally {
        await model.release();
      }
    });
  }

  describe('errors', () => {
    let folder: string;
    before(() => (folder = mkdtempSync(join(tmpdir(), 'margin-autodiff-'))));
    after(() => rmSync(folder, { recursive: true, force: true }));

    it('a model with an unsupported op on the path names the op and the node, and offers occlusion', async () => {
      await assert.rejects(
        openGradientModel(join(ROOT, 'test/fixtures/autodiff/bad/unsupported-op.onnx')),
        (error: unknown) => {
          assert.ok(error instanceof UnsupportedOpError);
          assert.equal(error.opType, 'CumSum');
          assert.match(
            error.message,
            /unsupported-op\.onnx: gradients are not available: op CumSum at node "\/CumSum".*--method occlusion/,
          );
          return true;
        },
      );
    });

    it('a model with two inputs is refused with both names', async () => {
      await assert.rejects(
        openGradientModel(join(ROOT, 'test/fixtures/autodiff/bad/two-inputs.onnx')),
        /two-inputs\.onnx: has 2 inputs \(input, extra\)/,
      );
    });

    it('a corrupt model names the file', async () => {
      await assert.rejects(
        openGradientModel(join(ROOT, 'test/fixtures/bad/corrupt.onnx')),
        /corrupt\.onnx: is not a valid ONNX model/,
      );
    });

    it('an input of the wrong size is refused', async () => {
      await assert.rejects(
        cnn.logits.vjp(new Float32Array(700), 1, new Float32Array(10)),
        /expected 1 × 784 values, got 700/,
      );
    });

    it('a float64 model is refused, saying gradients are for float32 models', async () => {
      const DOUBLE = onnx.TensorProto.DataType.DOUBLE;
      const path = join(folder, 'double.onnx');
      writeFileSync(
        path,
        encodeModel({
          irVersion: 8,
          opsetImport: [{ domain: '', version: 17 }],
          graph: {
            name: 'double',
            node: [{ opType: 'Relu', input: ['x'], output: ['y'], name: 'relu' }],
            input: [{ name: 'x', type: tensorType(DOUBLE, ['batch', 4]) }],
            output: [{ name: 'y', type: tensorType(DOUBLE, ['batch', 4]) }],
          },
        }),
      );
      await assert.rejects(
        openGradientModel(path),
        /double\.onnx: input "x" is DOUBLE; gradients are computed for float32 models/,
      );
    });

    it('a logits tensor the model does not have is refused', async () => {
      const copy = join(folder, 'model.onnx');
      copyFileSync(FMNIST_MODEL, copy);
      await assert.rejects(openGradientModel(copy, { logits: 'nope' }), /has no tensor "nope"/);
    });
  });
});

describe('buildBackwardModel with respect to a hidden tensor', () => {
  it('obeys the chain rule: J_hᵀ (d(u·logits)/dh) = d(u·logits)/dx on the fixture CNN', async () => {
    const proto = decodeModel(readFileSync(FMNIST_MODEL));
    const facts = await learnForwardFacts(FMNIST_MODEL, proto, 'pixels');
    const hidden = '/features/features.3/MaxPool_output_0';
    const toHidden = buildBackwardModel(FMNIST_MODEL, proto, facts, {
      of: 'logits',
      wrt: hidden,
      rule: 'gradient',
    });
    const session = await ort.InferenceSession.create(toHidden.bytes);
    const x = await fixtureInputs(3);
    const upstream = Float32Array.from({ length: 30 }, (_, i) => Math.sin(i + 1));
    const result = await session.run({
      pixels: new ort.Tensor('float32', x, [3, 1, 28, 28]),
      [toHidden.upstreamInput]: new ort.Tensor('float32', upstream, [3, 10]),
    });
    const gradHidden = result[toHidden.gradOutput];
    assert.deepEqual(gradHidden.dims, [3, 16, 14, 14]);
    await session.release();

    const model = await openGradientModel(FMNIST_MODEL);
    try {
      const throughHidden = await (await model.tensor(hidden)).vjp(x, 3, gradHidden.data as Float32Array);
      const direct = await model.logits.vjp(x, 3, upstream);
      const scale = Math.max(...direct.grad.map(Math.abs));
      direct.grad.forEach((g, i) =>
        assert.ok(Math.abs(g - throughHidden.grad[i]) <= 1e-5 * scale, `element ${i}`),
      );
    } finally {
      await model.release();
    }
  });
});
