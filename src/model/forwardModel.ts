/**
 * A classifier as a black box: logits for a batch of model inputs, nothing
 * else. It runs the model file unchanged on a plain onnxruntime session, so it
 * works on every model onnxruntime can load — also the ones whose gradients the
 * backward-graph builder cannot form (occlusion explains those).
 *
 * Models with several inputs are refused by `openModel` with an InputError:
 * every MARGIN Lens method feeds one image or feature tensor.
 */
import * as ort from 'onnxruntime-node';
import { inBatches } from './batches';
import { InputError } from '../core/errors';
import type { ForwardModel } from './autodiff/types';
import { createSession, declaredBatch, openModel, runFailure, type LoadedModel } from './session';

export interface ForwardModelOptions {
  /** The output that holds the logits (default: the model's first output). */
  logits?: string;
  /** Samples per onnxruntime run (default 64); `predict` splits larger batches itself. */
  batchSize?: number;
}

const DEFAULT_BATCH_SIZE = 64;

export async function openForwardModel(
  path: string,
  options: ForwardModelOptions = {},
): Promise<ForwardModel> {
  return forwardModelOf(await openModel(path), options);
}

/** The same, on a model already opened (the engine reads the file once for its sidecar and shape). */
export async function forwardModelOf(
  model: LoadedModel,
  options: ForwardModelOptions = {},
): Promise<ForwardModel> {
  const input = model.info.inputs[0];
  const { batchDim, sampleShape } = sampleShapeOf(model.path, input.name, input.dims);
  const logitsName = options.logits ?? model.info.outputs[0].name;
  const logitsInfo = model.info.outputs.find((output) => output.name === logitsName);
  if (!logitsInfo) {
    throw new InputError(
      model.path,
      `has no output "${logitsName}" to read logits from; its outputs are ${model.info.outputs.map((o) => `"${o.name}"`).join(', ')}`,
    );
  }
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? DEFAULT_BATCH_SIZE));
  const session = await createSession(model.path, model.bytes);
  const forward = new OrtForwardModel(
    model.path,
    session,
    input.name,
    logitsName,
    sampleShape,
    batchDim,
    batchSize,
  );
  try {
    await forward.resolveClassCount(logitsInfo.dims);
  } catch (error) {
    await session.release();
    throw error;
  }
  return forward;
}

/**
 * The per-sample shape: the declared input shape without its batch dimension.
 * The batch dimension may be symbolic (any batch) or a fixed number (then
 * batches are padded to it); every other dimension must be fixed, since a
 * saliency map needs one definite shape.
 */
export function sampleShapeOf(
  path: string,
  inputName: string,
  dims: (number | string)[],
): { batchDim: number | undefined; sampleShape: number[] } {
  if (dims.length < 2) {
    throw new InputError(
      path,
      `input "${inputName}" has shape [${dims.join(', ')}]; MARGIN Lens expects a batch dimension followed by the sample's dimensions`,
    );
  }
  const rest = dims.slice(1);
  const symbolic = rest.findIndex((d) => typeof d !== 'number' || d < 1);
  if (symbolic >= 0) {
    throw new InputError(
      path,
      `input "${inputName}" has shape [${dims.join(', ')}]: dimension ${symbolic + 1} ("${rest[symbolic]}") is not fixed, ` +
        'so the shape of one sample is unknown; export the model with fixed sizes for every dimension but the batch',
    );
  }
  return {
    batchDim: declaredBatch({ name: inputName, dims }),
    sampleShape: rest as number[],
  };
}

class OrtForwardModel implements ForwardModel {
  readonly sampleSize: number;
  numClasses = 0;

  constructor(
    readonly path: string,
    private readonly session: ort.InferenceSession,
    readonly inputName: string,
    private readonly logitsName: string,
    readonly sampleShape: number[],
    /** A fixed batch size declared by the model, or undefined for a dynamic one. */
    private readonly fixedBatch: number | undefined,
    private readonly batchSize: number,
  ) {
    this.sampleSize = sampleShape.reduce((a, b) => a * b, 1);
  }

  /** From the declared output shape, or by running one sample when it is symbolic. */
  async resolveClassCount(dims: (number | string)[]): Promise<void> {
    const fixed = dims.slice(1);
    if (dims.length >= 2 && fixed.every((d) => typeof d === 'number' && d > 0)) {
      this.numClasses = (fixed as number[]).reduce((a, b) => a * b, 1);
      return;
    }
    const rows = this.fixedBatch ?? 1;
    this.numClasses = (await this.run(new Float32Array(rows * this.sampleSize), rows)).length / rows;
    if (this.numClasses < 1) throw new InputError(this.path, `output "${this.logitsName}" is empty`);
  }

  async predict(x: Float32Array, n: number): Promise<Float32Array> {
    if (!Number.isInteger(n) || n < 0 || x.length !== n * this.sampleSize) {
      throw new RangeError(`predict: ${x.length} floats are not ${n} samples of ${this.sampleSize}`);
    }
    if (n === 0) return new Float32Array(0);
    const plan = { batchSize: this.batchSize, fixedBatch: this.fixedBatch };
    const [logits] = await inBatches(n, [x], [this.sampleSize], plan, async (batch, [xs]) => [
      await this.run(xs, batch),
    ]);
    return logits;
  }

  release(): Promise<void> {
    return this.session.release();
  }

  /** One onnxruntime run of `rows` samples: their logits. */
  private async run(feed: Float32Array, rows: number): Promise<Float32Array> {
    const tensor = new ort.Tensor('float32', feed, [rows, ...this.sampleShape]);
    let result: Record<string, ort.Tensor>;
    try {
      result = await this.session.run({ [this.inputName]: tensor }, [this.logitsName]);
    } catch (error) {
      throw runFailure(this.path, error);
    }
    const output = result[this.logitsName];
    if (output.type !== 'float32') {
      throw new InputError(
        this.path,
        `output "${this.logitsName}" holds ${output.type} values; logits must be float32`,
      );
    }
    return output.data as Float32Array;
  }
}
