import assert from 'node:assert/strict';
import { chooseLayers, LayerTap, MAX_LAYERS } from '../../../../src/model/adversarial';
import { gradientModelOf } from '../../../../src/model/autodiff';
import { findEmbeddingTensor } from '../../../../src/model/embeddingTap';
import { decodeModel, FLOAT, helperModel, node, valueInfo } from '../../../../src/model/onnxGraph';
import type { LoadedModel } from '../../../../src/model/session';
import { fixtureModel, inputs16, npy } from './fixtures';

const EXPECTED_LAYERS = [
  '/features/features.2/Relu_output_0', // 16×28×28
  '/features/features.3/MaxPool_output_0', // 16×14×14
  '/features/features.6/Relu_output_0', // 32×14×14
  '/features/features.7/MaxPool_output_0', // 32×7×7
  '/features/features.10/Relu_output_0', // 64, the penultimate features
];

describe('model/adversarial layerTap', () => {
  it('taps every activation and pooling on the way to the logits, ending with the embedding', async () => {
    const { loaded, config } = await fixtureModel();
    const layers = chooseLayers(loaded, findEmbeddingTensor(loaded, config), 'logits');
    assert.deepEqual(layers, EXPECTED_LAYERS);
    assert.ok(layers.length <= MAX_LAYERS);
  });

  it('reduces conv layers to channel means and keeps vectors; equals PyTorch and the autodiff forward passes', async () => {
    const { loaded } = await fixtureModel();
    const x = await inputs16();
    const tap = await LayerTap.open(loaded, 'pixels', [1, 28, 28], EXPECTED_LAYERS, 'logits', 5);
    const gradients = await gradientModelOf(loaded, { logits: 'logits' });
    try {
      const tapped = await tap.run(x, 16);
      assert.deepEqual(
        tapped.layers.map((m) => m.dim),
        [16, 16, 32, 32, 64],
      );
      // Penultimate features and logits: PyTorch's (reference/embeddings16.npy, logits16.npy).
      const embeddings = await npy('embeddings16.npy');
      const logits = await npy('logits16.npy');
      tapped.layers[4].data.forEach((value, i) =>
        assert.ok(Math.abs(value - embeddings[i]) < 1e-4, `embedding ${i}`),
      );
      tapped.logits.data.forEach((value, i) => assert.ok(Math.abs(value - logits[i]) < 1e-4, `logit ${i}`));
      // Conv layers: the mean over H×W of each channel of the full tensor, read by another session.
      for (const [layer, channels, side] of [
        [1, 16, 14],
        [3, 32, 7],
      ] as const) {
        const full = await (await gradients.tensor(EXPECTED_LAYERS[layer])).forward(x, 16);
        for (let i = 0; i < 16; i++) {
          for (let c = 0; c < channels; c++) {
            let sum = 0;
            for (let p = 0; p < side * side; p++) sum += full[(i * channels + c) * side * side + p];
            const mean = sum / (side * side);
            assert.ok(
              Math.abs(tapped.layers[layer].data[i * channels + c] - mean) < 1e-5,
              `layer ${layer} image ${i} channel ${c}`,
            );
          }
        }
      }
    } finally {
      await tap.release();
      await gradients.release();
    }
  });

  it('thins a deep network to MAX_LAYERS evenly, keeping the embedding last; side branches do not count', () => {
    // x → Relu r1 → … → Relu r12 → Gemm(W) logits, plus a Relu on a side branch that does not reach the logits.
    const nodes = Array.from({ length: 12 }, (_, i) =>
      node('Relu', [i === 0 ? 'x' : `r${i}`], [`r${i + 1}`]),
    );
    nodes.push(node('Relu', ['r3'], ['side']), node('Gemm', ['r12', 'W'], ['logits']));
    const bytes = helperModel({
      node: nodes,
      input: [valueInfo('x', FLOAT, ['N', 4])],
      output: [valueInfo('logits', FLOAT, ['N', 2])],
      initializer: [{ name: 'W', dataType: FLOAT, dims: [4, 2], floatData: [1, 0, 0, 1, 1, 0, 0, 1] }],
    });
    const model = { proto: decodeModel(bytes) } as LoadedModel;
    const layers = chooseLayers(model, 'r12', 'logits');
    assert.equal(layers.length, MAX_LAYERS);
    assert.equal(layers.at(-1), 'r12');
    assert.ok(!layers.includes('side'));
    // Seven of r1..r11, evenly spaced, in graph order.
    const positions = layers.slice(0, -1).map((name) => Number(name.slice(1)));
    assert.deepEqual(
      positions,
      [...positions].sort((a, b) => a - b),
    );
    assert.deepEqual(positions, [2, 3, 5, 6, 8, 9, 11]);
  });

  it('refuses a tensor the model does not have, naming the model', async () => {
    const { loaded } = await fixtureModel();
    await assert.rejects(
      LayerTap.open(loaded, 'pixels', [1, 28, 28], ['nope'], 'logits'),
      /has no tensor "nope"/,
    );
  });
});
