import { throwIfAborted } from '../../../core/errors';
import type { TopTwo } from '../../../core/boundary';
import type { Dataset } from '../../../data/types';
import { gradientModelOf } from '../../../model/autodiff';
import { readModelImage, writeImage } from '../../../model/preprocess';
import { vectorInputs } from '../../../model/vectorInput';
import { openModel } from '../../../model/session';
import { loadModelConfig } from '../../../model/sidecar';
import type { JobContext } from '../../context';

/**
 * For every kept sample: the logit gap z₁ − z₂ between the predicted class and
 * the runner-up, and ‖∇ₓ(z₁ − z₂)‖, the norm of its gradient with respect to
 * the model input: one vector–Jacobian product per sample (upstream e₁ − e₂),
 * in batches, through the ONNX model's backward graph. The images are read
 * and preprocessed again as the embedding pass did (they are not kept in memory);
 * a table's rows are normalised again for a model that takes vectors.
 */
export async function logitGapGradients(
  modelPath: string,
  dataset: Dataset,
  keptIndices: Int32Array,
  top: TopTwo,
  batchSize: number,
  context: JobContext,
): Promise<{ gap: Float64Array; gradientNorm: Float64Array }> {
  const loaded = await openModel(modelPath);
  const config = await loadModelConfig(modelPath, loaded.info);
  const model = await gradientModelOf(loaded, { batchSize });
  const n = keptIndices.length;
  const size = model.sampleSize;
  const classes = model.numClasses;
  const gap = new Float64Array(n);
  const gradientNorm = new Float64Array(n);
  const vectors = dataset.images || !config.vector ? undefined : vectorInputs(dataset, config.vector, modelPath);
  const stage = 'computing gradients of the logit gap';
  try {
    for (let start = 0; start < n; start += batchSize) {
      throwIfAborted(context.signal);
      context.progress(stage, start, n);
      const count = Math.min(batchSize, n - start);
      const x = new Float32Array(count * size);
      if (vectors) {
        for (let r = 0; r < count; r++) {
          const row = keptIndices[start + r];
          x.set(vectors.data.subarray(row * size, (row + 1) * size), r * size);
        }
      } else {
        const images = await Promise.all(
          Array.from({ length: count }, (_, r) =>
            readModelImage(dataset.images!, keptIndices[start + r], config.input),
          ),
        );
        images.forEach((image, r) => writeImage(image, config.input, x, r));
      }
      const upstream = new Float32Array(count * classes);
      for (let r = 0; r < count; r++) {
        upstream[r * classes + top.first[start + r]] = 1;
        upstream[r * classes + top.second[start + r]] = -1;
      }
      const { grad, output } = await model.logits.vjp(x, count, upstream);
      for (let r = 0; r < count; r++) {
        const row = start + r;
        gap[row] = output[r * classes + top.first[row]] - output[r * classes + top.second[row]];
        let sum = 0;
        for (let t = r * size; t < (r + 1) * size; t++) sum += grad[t] * grad[t];
        gradientNorm[row] = Math.sqrt(sum);
      }
    }
    context.progress(stage, n, n);
  } finally {
    await model.release();
  }
  return { gap, gradientNorm };
}
