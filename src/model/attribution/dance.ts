/**
 * DANCE, decoy-enhanced saliency (Lu, Guo, Xing & Noble, "DANCE: Enhancing
 * saliency maps using decoys", ICML 2021; arXiv 2002.00526; section numbers
 * below are those of its ICLR 2021 submission "Decoy-enhanced saliency maps",
 * which describes the same method). Two steps:
 *
 * 1. Decoys (`decoys.ts`, the paper's eq. 2): the input is tiled with
 *    patchSize × patchSize patches (all channels of a pixel together; 3 × 3,
 *    the paper's swappable patch on ImageNet, §4.2.1). The patches are dealt,
 *    in an order shuffled by `options.seed`, into samples/2 groups, and each
 *    group is the mask M of two decoys, one pushed up (s = +1) and one down
 *    (s = −1), as the paper makes two decoys per mask (§3.3). Every feature is
 *    therefore swappable in exactly one pair. Decoys keep the activations of
 *    the layer `options.layer` within ε of x's in every unit (‖·‖∞ ≤ ε),
 *    ε = `tolerance` × max|h(x)| (default 0.1: a tenth of the layer's largest
 *    activation), and stay in the input's own value range [min x, max x] (the
 *    paper's "legitimate range"; the model input's range is not known here).
 *    Default layer: the middle entry of `model.layerNames` (the paper makes
 *    the layer a hyperparameter and reports little sensitivity to it, §5; the
 *    middle of the network keeps decoys close to x in what the network sees
 *    without pinning every pixel, as the first layers would). A model without
 *    intermediate layers uses its logits.
 * 2. Aggregation (eq. 3): a base saliency map E on every decoy (default the
 *    plain gradient of logit[target], all decoys in one batch), and the score
 *    Z_i = max_k E(x̃_k)_i − min_k E(x̃_k)_i, the range over decoys.
 *
 * Z ≥ 0: it measures how much a feature's saliency moves when features it
 * depends on move within what the network cannot tell apart (Theorem 1 relates
 * it to the Hessian within a patch). On a linear model every decoy has the same
 * gradient and Z = 0; the paper (§3.4) notes the method is meant for nonlinear
 * models. `samples` (default 16) is the number of decoys; progress counts
 * decoy-search iterations, then one unit for the base maps.
 *
 * Ours, not the paper's: ε, the solver and its settings (at most 100 Adam
 * iterations, step 0.02 × the input's range, halved and the decoy sent back to
 * its last feasible point whenever a step breaks the constraint; penalty from
 * 1/ε growing by half per violation; early stopping: a decoy is frozen once its
 * reach has not grown by 0.1 % in 40 iterations, and the search ends when all
 * are; see `decoys.ts`). Every decoy returned keeps ‖h(x̃) − h(x)‖∞ ≤ ε. The
 * patience of 40 was chosen before backtracking, when it stopped mattering on
 * the fixture CNN (10–30 moved most maps by 10–40 %: a decoy a little shorter
 * flips ReLUs, and the range over decoys follows). Before backtracking, on a
 * random-weight ResNet-18 no decoy gained after iteration 2 (every later
 * iterate broke the constraint); with it, decoys keep gaining for all 100
 * iterations there, so early stopping does not cut that search.
 * `patience: 0` runs every iteration. The paper's appendix, which gives its
 * own solver (A6, A10, A16), was not available to us. Nor is §3.5's optional extra constraint
 * |x_i − x̃_i| ≤ C₂δ_i (for robustness to adversarial inputs) imposed.
 */
import { ParameterError } from '../../core/errors';
import type { GradientModel } from '../autodiff/types';
import { checkExplainInput, checkInteger } from './batches';
import { imagePlane } from './baselines';
import { generateDecoys, type DecoySpec } from './decoys';
import { targetGradients } from './gradient';
import { seededRandom, type RandomSource } from './random';
import type { GradientMethod, MethodContext, MethodOptions } from './types';

export interface DanceParameters {
  /** Side of the square swappable patch in pixels (default 3); features per patch for inputs of rank < 2. */
  patchSize?: number;
  /** ε as a fraction of max|h(x)| (default 0.1). */
  tolerance?: number;
  /** Decoy-search iterations, at most (default 100). */
  iterations?: number;
  /** Iterations without gain after which a decoy is settled (default 40; 0 runs all iterations). */
  patience?: number;
  /** Adam's step as a fraction of the input's value range (default 0.02). */
  learningRate?: number;
  /** The saliency method applied to each decoy (default: the plain gradient, batched). */
  base?: GradientMethod;
}

export const DANCE_DEFAULTS = {
  samples: 16,
  patchSize: 3,
  tolerance: 0.1,
  iterations: 100,
  patience: 40,
  learningRate: 0.02,
} as const;

export function danceWith(parameters: DanceParameters = {}): GradientMethod {
  return async (model, input, options, context) => {
    const { maps, n } = await decoySaliencies(model, input.x, input.target, parameters, options, context);
    const size = model.sampleSize;
    const score = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      let min = Infinity;
      let max = -Infinity;
      for (let k = 0; k < n; k++) {
        const value = maps[k * size + i];
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
      score[i] = max - min;
    }
    return score;
  };
}

export const dance: GradientMethod = danceWith();

/** The decoys' base saliency maps (n × sampleSize), before aggregation. */
export async function decoySaliencies(
  model: GradientModel,
  x: Float32Array,
  target: number,
  parameters: DanceParameters,
  options: MethodOptions,
  context: MethodContext,
): Promise<{ maps: Float32Array; decoys: Float32Array; n: number }> {
  checkExplainInput(model, { x, target }, 'DANCE');
  const samples = options.samples ?? DANCE_DEFAULTS.samples;
  checkInteger('samples', samples, 2);
  const patchSize = parameters.patchSize ?? DANCE_DEFAULTS.patchSize;
  checkInteger('patch', patchSize, 1);
  const iterations = parameters.iterations ?? DANCE_DEFAULTS.iterations;
  checkInteger('iterations', iterations, 0);
  const patience = parameters.patience ?? DANCE_DEFAULTS.patience;
  checkInteger('patience', patience, 0);
  const toleranceFraction = parameters.tolerance ?? DANCE_DEFAULTS.tolerance;
  if (!(toleranceFraction >= 0))
    throw new RangeError(`DANCE: the tolerance must be ≥ 0, got ${toleranceFraction}`);

  const layer = await model.tensor(options.layer ?? defaultDecoyLayer(model));
  const reference = await layer.forward(x, 1);
  let activationMax = 0;
  for (const value of reference) activationMax = Math.max(activationMax, Math.abs(value));
  let lower = Infinity;
  let upper = -Infinity;
  for (const value of x) {
    lower = Math.min(lower, value);
    upper = Math.max(upper, value);
  }

  const specs = decoySpecs(
    model.sampleShape,
    x.length,
    patchSize,
    Math.floor(samples / 2),
    seededRandom(options.seed),
  );
  const grandTotal = iterations + 1;
  context.progress?.(0, grandTotal);
  const { decoys } = await generateDecoys(
    layer,
    x,
    specs,
    {
      tolerance: toleranceFraction * activationMax,
      lower,
      upper,
      iterations,
      learningRate: (parameters.learningRate ?? DANCE_DEFAULTS.learningRate) * (upper - lower),
      initialPenalty: 1 / Math.max(toleranceFraction * activationMax, 1e-12),
      patience,
      reference,
    },
    context,
    { doneBefore: 0, grandTotal },
  );

  const n = specs.length;
  const size = x.length;
  let maps: Float32Array;
  if (parameters.base) {
    // options.samples counts DANCE's decoys; the base method keeps its own default.
    const { samples: _decoys, ...baseOptions } = options;
    maps = new Float32Array(n * size);
    for (let k = 0; k < n; k++) {
      const decoy = decoys.slice(k * size, (k + 1) * size);
      maps.set(
        await parameters.base(model, { x: decoy, target }, baseOptions, { signal: context.signal }),
        k * size,
      );
    }
  } else {
    maps = await targetGradients(model, decoys, n, target, { signal: context.signal });
  }
  context.progress?.(grandTotal, grandTotal);
  return { maps, decoys, n };
}

/** The middle entry of the model's intermediate tensors (its logits when it lists none). */
export function defaultDecoyLayer(model: GradientModel): string {
  const names = model.layerNames;
  if (names.length === 0) return model.logits.name;
  return names[Math.floor((names.length - 1) / 2)];
}

/**
 * Masks and signs of the decoys: the input tiled with patches (patchSize² pixels
 * × all channels for inputs of rank ≥ 2, runs of patchSize features otherwise),
 * shuffled, dealt round-robin into `groups` masks, each used with s = +1 and −1.
 */
export function decoySpecs(
  sampleShape: readonly number[],
  size: number,
  patchSize: number,
  groups: number,
  random: RandomSource,
): DecoySpec[] {
  const patches = tilePatches(sampleShape, size, patchSize);
  for (let i = patches.length - 1; i > 0; i--) {
    const j = random.integer(i + 1);
    [patches[i], patches[j]] = [patches[j], patches[i]];
  }
  const count = Math.min(groups, patches.length);
  if (count < 1) throw new ParameterError('samples', 'DANCE needs at least 2 decoys');
  const masks = Array.from({ length: count }, () => new Uint8Array(size));
  patches.forEach((features, p) => {
    for (const i of features) masks[p % count][i] = 1;
  });
  return masks.flatMap((mask): DecoySpec[] => [
    { mask, sign: 1 },
    { mask, sign: -1 },
  ]);
}

/** The feature indices of each patch of a patchSize tiling (the last row and column of patches may be smaller). */
function tilePatches(sampleShape: readonly number[], size: number, patchSize: number): number[][] {
  const plane = imagePlane(sampleShape);
  const patches: number[][] = [];
  if (!plane) {
    for (let first = 0; first < size; first += patchSize) {
      patches.push(Array.from({ length: Math.min(patchSize, size - first) }, (_, k) => first + k));
    }
    return patches;
  }
  const { channels, height, width } = plane;
  for (let y0 = 0; y0 < height; y0 += patchSize) {
    for (let x0 = 0; x0 < width; x0 += patchSize) {
      const features: number[] = [];
      for (let c = 0; c < channels; c++) {
        for (let y = y0; y < Math.min(y0 + patchSize, height); y++) {
          for (let col = x0; col < Math.min(x0 + patchSize, width); col++)
            features.push((c * height + y) * width + col);
        }
      }
      patches.push(features);
    }
  }
  return patches;
}
