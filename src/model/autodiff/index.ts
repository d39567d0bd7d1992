/**
 * Gradients of ONNX classifiers in Node: `openGradientModel` learns the
 * model's static shapes, builds the backward graph of its logits (so an
 * unsupported op is reported at once, naming op and node) and returns a
 * GradientModel whose VJPs run in onnxruntime.
 */
import { InputError } from '../../core/errors';
import { FLOAT, graphOf, type onnx } from '../onnxGraph';
import { openModel, type LoadedModel } from '../session';
import { sidecarLogitsName } from '../sidecar';
import { learnForwardFacts, type ForwardFacts } from './forwardFacts';
import { OnnxGradientModel } from './gradientModel';
import type { GradientModel } from './types';
import type { ForwardPrecision } from './float64Forward';

export { UnsupportedOpError } from './types';
export type { GradientModel, DifferentiableTensor, NonlinearityRule } from './types';
export { buildBackwardModel } from './backward';
export { learnForwardFacts } from './forwardFacts';
export type { ForwardPrecision } from './float64Forward';

export interface GradientModelOptions {
  /** The tensor holding the logits; default the sidecar's `logits`, else the first output. */
  logits?: string;
  /** Samples per onnxruntime run (default 64). */
  batchSize?: number;
  /**
   * The precision of the forward pass inside the gradient models (default
   * float32). With 'float64' the forward values that decide branches (ReLU
   * masks, MaxPool indices, Clip kinks) are computed in double, so a
   * pre-activation within float32 rounding of zero no longer sends the
   * gradient down the wrong branch; the backward part stays float32, and the
   * reported values (logits, layers) are the double ones rounded to float32.
   * Plain gradients and DANCE's penalty VJP only: DeepLIFT is refused.
   * `predict`/`forward` still run the model itself in float32.
   */
  forwardPrecision?: ForwardPrecision;
}

export async function openGradientModel(
  path: string,
  options: GradientModelOptions = {},
): Promise<GradientModel> {
  return gradientModelOf(await openModel(path), options);
}

/** A GradientModel over a model file already read (and hashed, and decoded) by openModel. */
export async function gradientModelOf(
  model: LoadedModel,
  options: GradientModelOptions = {},
): Promise<GradientModel> {
  const path = model.path;
  const logits = options.logits ?? (await sidecarLogitsName(path)) ?? model.info.outputs[0].name;
  const inputName = model.info.inputs[0].name;
  const facts = await learnForwardFacts(path, model.proto, inputName);
  if (!facts.tensors.has(logits))
    throw new InputError(path, `has no tensor "${logits}" to use as the logits`);
  const gradientModel = new OnnxGradientModel(
    model,
    facts,
    logits,
    hiddenLayers(model.proto, facts, inputName, logits),
    options.batchSize ?? 64,
    options.forwardPrecision ?? 'float32',
  );
  await gradientModel.prepare(logits, 'gradient');
  return gradientModel;
}

/** Float node outputs between the input and the logits, in graph order (candidate layers for DANCE). */
function hiddenLayers(
  proto: onnx.ModelProto,
  facts: ForwardFacts,
  inputName: string,
  logits: string,
): string[] {
  const isHidden = (name: string) => {
    const f = facts.tensors.get(name);
    // Float activations with a batch axis; constants (folded shape values) are not layers.
    return (
      name !== logits &&
      name !== inputName &&
      f?.elemType === FLOAT &&
      f.value === undefined &&
      f.dims.length > 1
    );
  };
  return (graphOf(proto).node as onnx.NodeProto[]).flatMap((node) =>
    node.output.filter((o) => o && isHidden(o)),
  );
}
