/**
 * Everything the detectors read about a set of model inputs, from the model:
 * per-layer features and logits (one tapped pass), the squeezed copies'
 * prediction changes and the pixel noise residual, and — when gradients are
 * open — the L1 norm of the loss gradient at the predicted class.
 */
import type { DenseMatrix } from '../../../core/types';
import { crossEntropyGradient, squeezeScores, type SqueezeResult } from '../../../model/adversarial';
import { throwIfAborted } from '../../../core/errors';
import { stageOptions, type JobContext } from '../../context';
import type { AdversarialModel } from './adversarialModel';

export interface Probe {
  n: number;
  /** One matrix per entry of AdversarialModel.layerNames (hidden layers, then the logits). */
  layers: DenseMatrix[];
  logits: DenseMatrix;
  predicted: Int32Array;
  squeeze: SqueezeResult;
  /** Σ |∂CE(f(x), predicted)/∂u| over the input, u in unit pixels; absent without gradients. */
  gradientNorm?: Float64Array;
}

const GRADIENT_CHUNK = 512;

export async function probeInputs(
  model: AdversarialModel,
  x: Float32Array,
  n: number,
  context: JobContext,
  what: string,
): Promise<Probe> {
  const tapped = await model.tap.run(x, n, stageOptions(context, `reading the model's layers (${what})`));
  const logits = tapped.logits;
  const predicted = argmaxRows(logits);
  const squeeze = await squeezeScores(
    model.predict,
    model.space,
    x,
    logits.data,
    n,
    logits.dim,
    stageOptions(context, `squeezing (${what})`),
  );
  const probe: Probe = { n, layers: [...tapped.layers, logits], logits, predicted, squeeze };
  if (model.gradients) probe.gradientNorm = await gradientNorms(model, x, n, predicted, context, what);
  return probe;
}

async function gradientNorms(
  model: AdversarialModel,
  x: Float32Array,
  n: number,
  predicted: Int32Array,
  context: JobContext,
  what: string,
): Promise<Float64Array> {
  const size = model.space.sampleSize;
  const out = new Float64Array(n);
  for (let start = 0; start < n; start += GRADIENT_CHUNK) {
    throwIfAborted(context.signal);
    const count = Math.min(GRADIENT_CHUNK, n - start);
    const part = x.subarray(start * size, (start + count) * size);
    const { grad } = await crossEntropyGradient(
      model.gradients!,
      part,
      count,
      predicted.subarray(start, start + count),
    );
    for (let i = 0; i < count; i++) {
      let sum = 0;
      // ∂/∂u = ∂/∂x · dx/du.
      for (let e = 0; e < size; e++) sum += Math.abs(grad[i * size + e]) * model.space.gain[e];
      out[start + i] = sum;
    }
    context.progress(`loss gradients (${what})`, start + count, n);
  }
  return out;
}

/** The probe of a subset of its rows (in the order given). */
export function subsetProbe(probe: Probe, rows: ArrayLike<number>): Probe {
  const pick = (values: Float64Array) => Float64Array.from(rows, (row) => values[row]);
  const pickMatrix = (matrix: DenseMatrix): DenseMatrix => {
    const data = new Float32Array(rows.length * matrix.dim);
    for (let i = 0; i < rows.length; i++)
      data.set(matrix.data.subarray(rows[i] * matrix.dim, (rows[i] + 1) * matrix.dim), i * matrix.dim);
    return { rows: rows.length, dim: matrix.dim, data };
  };
  const layers = probe.layers.map(pickMatrix);
  return {
    n: rows.length,
    layers,
    logits: layers[layers.length - 1],
    predicted: Int32Array.from(rows, (row) => probe.predicted[row]),
    squeeze: {
      change: Object.fromEntries(
        Object.entries(probe.squeeze.change).map(([name, values]) => [name, pick(values)]),
      ) as SqueezeResult['change'],
      residual: pick(probe.squeeze.residual),
    },
    gradientNorm: probe.gradientNorm ? pick(probe.gradientNorm) : undefined,
  };
}

/** Several probes as one (rows in order), e.g. clean and attacked samples scored together. */
export function concatProbes(probes: Probe[]): Probe {
  const n = probes.reduce((sum, probe) => sum + probe.n, 0);
  const joinMatrices = (matrices: DenseMatrix[]): DenseMatrix => {
    const dim = matrices[0].dim;
    const data = new Float32Array(n * dim);
    let offset = 0;
    for (const matrix of matrices) {
      data.set(matrix.data, offset);
      offset += matrix.data.length;
    }
    return { rows: n, dim, data };
  };
  const join = (arrays: Float64Array[]): Float64Array => {
    const out = new Float64Array(n);
    let offset = 0;
    for (const array of arrays) {
      out.set(array, offset);
      offset += array.length;
    }
    return out;
  };
  const layers = probes[0].layers.map((_, layer) => joinMatrices(probes.map((probe) => probe.layers[layer])));
  const names = Object.keys(probes[0].squeeze.change) as (keyof SqueezeResult['change'])[];
  const predicted = new Int32Array(n);
  let offset = 0;
  for (const probe of probes) {
    predicted.set(probe.predicted, offset);
    offset += probe.n;
  }
  return {
    n,
    layers,
    logits: layers[layers.length - 1],
    predicted,
    squeeze: {
      change: Object.fromEntries(
        names.map((name) => [name, join(probes.map((probe) => probe.squeeze.change[name]))]),
      ) as SqueezeResult['change'],
      residual: join(probes.map((probe) => probe.squeeze.residual)),
    },
    gradientNorm: probes.every((probe) => probe.gradientNorm)
      ? join(probes.map((probe) => probe.gradientNorm!))
      : undefined,
  };
}

export function argmaxRows(matrix: DenseMatrix): Int32Array {
  const out = new Int32Array(matrix.rows);
  for (let i = 0; i < matrix.rows; i++) {
    let best = 0;
    for (let j = 1; j < matrix.dim; j++)
      if (matrix.data[i * matrix.dim + j] > matrix.data[i * matrix.dim + best]) best = j;
    out[i] = best;
  }
  return out;
}
