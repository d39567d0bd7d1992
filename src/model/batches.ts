/**
 * Running per-sample arrays through onnxruntime in batches: at most
 * `batchSize` samples per run, and for a model exported with a fixed batch
 * size exactly that many, zero-padded (only the first rows are read back).
 */
export interface BatchPlan {
  /** Samples per run for a model with a dynamic batch. */
  batchSize: number;
  /** The batch size the model declares, if fixed. */
  fixedBatch?: number;
}

/**
 * Runs `step` over batches of `inputs` (array i holds sizes[i] floats per
 * sample, n samples) and concatenates each of its outputs, whatever their
 * per-sample size.
 */
export async function inBatches(
  n: number,
  inputs: Float32Array[],
  sizes: number[],
  plan: BatchPlan,
  step: (batch: number, inputs: Float32Array[]) => Promise<Float32Array[]>,
): Promise<Float32Array[]> {
  const chunk = plan.fixedBatch ?? plan.batchSize;
  const outputs: Float32Array[] = [];
  for (let start = 0; start < n; start += chunk) {
    const count = Math.min(chunk, n - start);
    const batch = plan.fixedBatch ?? count;
    const slices = inputs.map((array, i) => {
      const part = array.subarray(start * sizes[i], (start + count) * sizes[i]);
      if (batch === count) return part;
      const padded = new Float32Array(batch * sizes[i]);
      padded.set(part);
      return padded;
    });
    const results = await step(batch, slices);
    results.forEach((data, k) => {
      const per = data.length / batch;
      if (!outputs[k]) outputs[k] = new Float32Array(n * per);
      outputs[k].set(data.subarray(0, count * per), start * per);
    });
  }
  return outputs;
}
