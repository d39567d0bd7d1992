/**
 * Input gradients of every zoo model (and the Fashion-MNIST fixture CNN)
 * against PyTorch autograd: max|g − g_torch| ≤ 1e-4 · max|g_torch|; and
 * DeepLIFT's summation to delta on each model whose ops all have a rule.
 * The backward graphs run in the real onnxruntime.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openGradientModel } from '../../../../src/model/autodiff';
import type { GradientModel } from '../../../../src/model/autodiff/types';
import { array, hasFile, modelPath, relativeMaxError, ROOT, zoo } from './zooFixtures';

const TOLERANCE = 1e-4;

describe('autodiff: input gradients against PyTorch autograd', () => {
  for (const entry of zoo()) {
    describe(entry.name, () => {
      let model: GradientModel;
      let x: Float32Array;
      let n: number;
      before(async () => {
        model = await openGradientModel(modelPath(entry));
        x = await array(entry, 'input.npy');
        n = x.length / model.sampleSize;
      });
      after(() => model?.release());

      it('computes the logits PyTorch computes', async () => {
        const logits = await model.predict(x, n);
        assert.ok(relativeMaxError(logits, await array(entry, 'logits.npy')) < 1e-4);
      });

      it('d(Σ upstream · logits)/d input matches autograd', async () => {
        const { grad } = await model.logits.vjp(x, n, await array(entry, 'upstream.npy'));
        const error = relativeMaxError(grad, await array(entry, 'grad.npy'));
        assert.ok(error <= TOLERANCE, `relative error ${error.toExponential(2)}`);
      });

      it('d logit[predicted]/d input matches autograd', async () => {
        const logits = await model.predict(x, n);
        const upstream = new Float32Array(n * model.numClasses);
        for (let i = 0; i < n; i++) {
          const row = logits.subarray(i * model.numClasses, (i + 1) * model.numClasses);
          upstream[i * model.numClasses + row.indexOf(Math.max(...row))] = 1;
        }
        const { grad } = await model.logits.vjp(x, n, upstream);
        const error = relativeMaxError(grad, await array(entry, 'grad-target.npy'));
        assert.ok(error <= TOLERANCE, `relative error ${error.toExponential(2)}`);
      });

      // LogSoftmax has no DeepLIFT rule (mlp ends in one); every other zoo model must sum to delta.
      if (!entry.ops.includes('LogSoftmax')) {
        it('DeepLIFT (Rescale) multipliers sum to delta from a zero reference', async () => {
          const x0 = new Float32Array(x.length);
          const upstream = await array(entry, 'upstream.npy');
          const { multipliers, output, referenceOutput } = await model.deepLift(
            x,
            x0,
            n,
            upstream,
            'rescale',
          );
          const attributed = multipliers.reduce((s, m, i) => s + m * x[i], 0);
          let delta = 0;
          let scale = 0;
          upstream.forEach((u, i) => {
            delta += u * (output[i] - referenceOutput[i]);
            scale += Math.abs(u * (output[i] - referenceOutput[i]));
          });
          assert.ok(
            Math.abs(attributed - delta) <= 1e-4 * scale,
            `Σ m·Δx = ${attributed}, Σ u·Δy = ${delta}`,
          );
        });
      }

      if (hasFile(entry, 'hidden-name.txt')) {
        it('the VJP from a hidden layer matches autograd', async () => {
          const name = readFileSync(join(ROOT, entry.dir, 'hidden-name.txt'), 'utf8').trim();
          const layer = await model.tensor(name);
          const { grad, output } = await layer.vjp(x, n, await array(entry, 'hidden-upstream.npy'));
          assert.ok(relativeMaxError(output, await array(entry, 'hidden-value.npy')) < 1e-4);
          const error = relativeMaxError(grad, await array(entry, 'hidden-grad.npy'));
          assert.ok(error <= TOLERANCE, `relative error ${error.toExponential(2)}`);
        });
      }
    });
  }
});
