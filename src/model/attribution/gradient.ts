/**
 * The plain gradient (Simonyan, Vedaldi & Zisserman, "Deep Inside
 * Convolutional Networks: Visualising Image Classification Models and
 * Saliency Maps", 2014): d logit[target] / d input, the logits taken before the
 * softmax (DESIGN.md §3). It is one vector–Jacobian product with a one-hot
 * upstream. Also here: the batched gradients that IG, SmoothGrad and DANCE
 * take at many points.
 */
import type { GradientModel } from '../autodiff/types';
import { checkExplainInput, inSlices, oneHot, SAMPLES_PER_CALL } from './batches';
import type { GradientMethod, MethodContext } from './types';

export const gradient: GradientMethod = async (model, input, _options, context) => {
  checkExplainInput(model, input, 'gradient');
  return targetGradients(model, input.x, 1, input.target, context);
};

/** ∇ logit[target] at n points (n × sampleSize, row-major), in slices of SAMPLES_PER_CALL. */
export async function targetGradients(
  model: GradientModel,
  points: Float32Array,
  n: number,
  target: number,
  context: MethodContext,
  progress?: { doneBefore: number; grandTotal: number },
): Promise<Float32Array> {
  const size = model.sampleSize;
  const grads = new Float32Array(n * size);
  await inSlices(
    n,
    SAMPLES_PER_CALL,
    context,
    async (first, count) => {
      const slice = points.subarray(first * size, (first + count) * size);
      const { grad } = await model.logits.vjp(slice, count, oneHot(target, model.numClasses, count));
      grads.set(grad.subarray(0, count * size), first * size);
    },
    progress,
  );
  return grads;
}

/**
 * Σ over `total` points of ∇ logit[target], in double precision. The points are
 * made a slice at a time by `makePoints(first, count, out)` (out holds count
 * points), so IG's and SmoothGrad's copies never all sit in memory at once.
 */
export async function sumOfTargetGradients(
  model: GradientModel,
  total: number,
  target: number,
  makePoints: (first: number, count: number, out: Float32Array) => void,
  context: MethodContext,
): Promise<Float64Array> {
  const size = model.sampleSize;
  const sum = new Float64Array(size);
  const buffer = new Float32Array(Math.min(SAMPLES_PER_CALL, total) * size);
  context.progress?.(0, total);
  await inSlices(total, SAMPLES_PER_CALL, context, async (first, count) => {
    const points = buffer.subarray(0, count * size);
    makePoints(first, count, points);
    const { grad } = await model.logits.vjp(points, count, oneHot(target, model.numClasses, count));
    for (let s = 0; s < count; s++) {
      const offset = s * size;
      for (let i = 0; i < size; i++) sum[i] += grad[offset + i];
    }
  });
  return sum;
}
