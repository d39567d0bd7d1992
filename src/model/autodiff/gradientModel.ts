/**
 * A GradientModel over onnxruntime: the forward facts are learned once, each
 * backward model (per differentiated tensor and nonlinearity rule) is built
 * and loaded on first use, and every call is split into batches. A forward
 * session for a tensor holds only the nodes that tensor needs (onnxruntime
 * would run the rest of the network too; see pruneGraph.ts).
 */
import * as ort from 'onnxruntime-node';
import { InputError } from '../../core/errors';
import { encodeModel, onnx, tensorType } from '../onnxGraph';
import { inBatches } from '../batches';
import { createSession, type LoadedModel } from '../session';
import { buildBackwardModel, type BackwardModel } from './backward';
import { BATCH, type ForwardFacts } from './forwardFacts';
import { prunedToOutputs } from './pruneGraph';
import type { ForwardPrecision } from './float64Forward';
import type {
  DeepLiftResult,
  DifferentiableTensor,
  GradientModel,
  NonlinearityRule,
  PenaltyUpstream,
  VjpResult,
} from './types';

const T = onnx.TensorProto.DataType;

interface LoadedBackward {
  model: BackwardModel;
  session: ort.InferenceSession;
}

export class OnnxGradientModel implements GradientModel {
  readonly path: string;
  readonly inputName: string;
  readonly sampleShape: number[];
  readonly sampleSize: number;
  readonly numClasses: number;
  readonly logits: DifferentiableTensor;
  readonly layerNames: string[];
  private readonly backward = new Map<string, Promise<LoadedBackward>>();
  private readonly forward = new Map<string, Promise<ort.InferenceSession>>();
  private readonly tensors = new Map<string, DifferentiableTensor>();

  constructor(
    private readonly model: LoadedModel,
    private readonly facts: ForwardFacts,
    logitsName: string,
    layerNames: string[],
    /** Samples per onnxruntime run; a model with a fixed batch size runs exactly that many (padded). */
    private readonly batchSize: number,
    /** The precision of the backward models' forward part (see float64Forward.ts). */
    private readonly forwardPrecision: ForwardPrecision = 'float32',
  ) {
    this.path = model.path;
    this.inputName = facts.inputName;
    this.sampleShape = facts.sampleShape;
    this.sampleSize = facts.sampleShape.reduce((a, b) => a * b, 1);
    this.logits = this.tensorHandle(logitsName);
    this.numClasses = this.logits.size;
    this.layerNames = layerNames;
  }

  /** Builds and loads the backward model for `of` now, so an unsupported op surfaces at open time. */
  async prepare(of: string, rule: NonlinearityRule): Promise<void> {
    await this.backwardFor(of, rule);
  }

  predict(x: Float32Array, n: number): Promise<Float32Array> {
    return this.logits.forward(x, n);
  }

  async tensor(name: string): Promise<DifferentiableTensor> {
    if (!this.facts.tensors.has(name) || this.facts.tensors.get(name)!.elemType !== T.FLOAT) {
      throw new InputError(
        name,
        `is not a float tensor of ${this.path} (its hidden layers include ${this.layerNames.slice(0, 5).join(', ')}…)`,
      );
    }
    const handle = this.tensorHandle(name);
    await this.backwardFor(name, 'gradient');
    return handle;
  }

  async deepLift(
    x: Float32Array,
    x0: Float32Array,
    n: number,
    upstream: Float32Array,
    rule: Exclude<NonlinearityRule, 'gradient'>,
  ): Promise<DeepLiftResult> {
    const { model, session } = await this.backwardFor(this.logits.name, rule);
    const outSize = this.logits.size;
    const parts = await this.inBatches(
      n,
      [x, x0, upstream],
      [this.sampleSize, this.sampleSize, outSize],
      async (batch, [xs, refs, ups]) => {
        const result = await session.run({
          [this.inputName]: this.inputTensor(xs, batch),
          [model.referenceInput!]: this.inputTensor(refs, batch),
          [model.upstreamInput]: new ort.Tensor('float32', ups, [batch, ...this.perSample(this.logits.name)]),
        });
        return [result[model.gradOutput], result[model.ofOutput], result[model.referenceOfOutput!]];
      },
    );
    return { multipliers: parts[0], output: parts[1], referenceOutput: parts[2] };
  }

  async release(): Promise<void> {
    const sessions = [
      ...(await Promise.allSettled([...this.backward.values()])).map((r) =>
        r.status === 'fulfilled' ? r.value.session : undefined,
      ),
      ...(await Promise.allSettled([...this.forward.values()])).map((r) =>
        r.status === 'fulfilled' ? r.value : undefined,
      ),
    ];
    this.backward.clear();
    this.forward.clear();
    await Promise.all(sessions.map((s) => s?.release()));
  }

  private tensorHandle(name: string): DifferentiableTensor {
    let handle = this.tensors.get(name);
    if (handle) return handle;
    const shape = this.perSample(name);
    const size = shape.reduce((a, b) => a * b, 1);
    handle = {
      name,
      shape,
      size,
      forward: (x, n) => this.runForward(name, x, n),
      vjp: (x, n, upstream) => this.vjp(name, x, n, upstream),
      penaltyVjp: (x, n, penalty) => this.penaltyVjp(name, x, n, penalty),
    };
    this.tensors.set(name, handle);
    return handle;
  }

  private perSample(name: string): number[] {
    const dims = this.facts.tensors.get(name)!.dims;
    if (dims[0] !== BATCH && this.facts.dynamicBatch) {
      throw new InputError(this.path, `tensor "${name}" does not have the batch as its first dimension`);
    }
    return dims.slice(1);
  }

  private async vjp(name: string, x: Float32Array, n: number, upstream: Float32Array): Promise<VjpResult> {
    const { model, session } = await this.backwardFor(name, 'gradient');
    const outSize = this.tensorHandle(name).size;
    const [grad, output] = await this.inBatches(
      n,
      [x, upstream],
      [this.sampleSize, outSize],
      async (batch, [xs, ups]) => {
        const result = await session.run({
          [this.inputName]: this.inputTensor(xs, batch),
          [model.upstreamInput]: new ort.Tensor('float32', ups, [batch, ...this.perSample(name)]),
        });
        return [result[model.gradOutput], result[model.ofOutput]];
      },
    );
    return { grad, output };
  }

  private async penaltyVjp(name: string, x: Float32Array, n: number, penalty: PenaltyUpstream): Promise<VjpResult> {
    const { model, session } = await this.backwardFor(name, 'gradient', true);
    const inputs = model.penaltyInputs!;
    const shape = this.perSample(name);
    if (penalty.reference.length !== this.tensorHandle(name).size || penalty.weights.length !== n) {
      throw new InputError(this.path, `the penalty of "${name}" needs one reference sample and ${n} weights`);
    }
    const reference = new ort.Tensor('float32', penalty.reference, [1, ...shape]);
    const inner = new ort.Tensor('float32', Float32Array.of(penalty.inner), []);
    const [grad, output] = await this.inBatches(
      n,
      [x, penalty.weights],
      [this.sampleSize, 1],
      async (batch, [xs, weights]) => {
        const result = await session.run({
          [this.inputName]: this.inputTensor(xs, batch),
          [inputs.reference]: reference,
          [inputs.weight]: new ort.Tensor('float32', weights, [batch]),
          [inputs.inner]: inner,
        });
        return [result[model.gradOutput], result[model.ofOutput]];
      },
    );
    return { grad, output };
  }

  private async runForward(name: string, x: Float32Array, n: number): Promise<Float32Array> {
    let session = this.forward.get(name);
    if (!session) {
      session = createSession(this.path, withOutputs(this.model.proto, [name]));
      this.forward.set(name, session);
    }
    const ready = await session;
    const [output] = await this.inBatches(n, [x], [this.sampleSize], async (batch, [xs]) => {
      const result = await ready.run({ [this.inputName]: this.inputTensor(xs, batch) }, [name]);
      return [result[name]];
    });
    return output;
  }

  private backwardFor(of: string, rule: NonlinearityRule, penalty = false): Promise<LoadedBackward> {
    const key = `${rule}:${of}${penalty ? ':penalty' : ''}`;
    let loaded = this.backward.get(key);
    if (!loaded) {
      loaded = (async () => {
        const model = buildBackwardModel(this.path, this.model.proto, this.facts, {
          of,
          rule,
          penalty,
          forwardPrecision: this.forwardPrecision,
        });
        return { model, session: await createSession(this.path, model.bytes) };
      })();
      loaded.catch(() => this.backward.delete(key));
      this.backward.set(key, loaded);
    }
    return loaded;
  }

  private inputTensor(data: Float32Array, batch: number): ort.Tensor {
    return new ort.Tensor('float32', data, [batch, ...this.sampleShape]);
  }

  /** Checks the arrays' sizes, then runs `step` batch by batch (see inBatches). */
  private inBatches(
    n: number,
    inputs: Float32Array[],
    sizes: number[],
    step: (batch: number, inputs: Float32Array[]) => Promise<ort.Tensor[]>,
  ): Promise<Float32Array[]> {
    inputs.forEach((array, i) => {
      if (array.length !== n * sizes[i]) {
        throw new InputError(this.path, `expected ${n} × ${sizes[i]} values, got ${array.length}`);
      }
    });
    const fixedBatch = this.facts.dynamicBatch ? undefined : this.facts.tensors.get(this.inputName)!.dims[0];
    return inBatches(n, inputs, sizes, { batchSize: this.batchSize, fixedBatch }, async (batch, slices) =>
      (await step(batch, slices)).map((tensor) => tensor.data as Float32Array),
    );
  }
}

/** The model with `names` as its (only) float outputs, cut down to the nodes they need (see pruneGraph). */
function withOutputs(proto: onnx.ModelProto, names: string[]): Uint8Array {
  return encodeModel(
    prunedToOutputs(
      proto,
      names.map((name) => ({ name, type: tensorType(T.FLOAT, undefined) })),
    ),
  );
}
