/**
 * Tuning on images the report does not use (t10k 100–199 by default), by
 * mean deletion AUC (the aim's measure):
 *
 * - occlusion: every patch side 2–8 × stride {1, 2, ⌊patch/2⌋} × fill
 *   {black, zeros, mean} (a grid: occlusion is cheap at 28×28);
 * - margin: coordinate descent from the paper's settings, one choice at a time
 *   in this order, keeping the best of each: mask fill × score × effect sign, then the
 *   graph (k × shift operator × edge weights), then the scales. A full grid
 *   would be ~700 settings × 100 maps of ~1,000 forward passes each.
 */
import type { MarginSaliencyOptions } from '../../../src/model/attribution/marginSaliencyOptions';
import type { OcclusionOptions } from '../../../src/model/attribution/occlusion';
import type { GradientModel } from '../../../src/model/autodiff/types';
import type { HeldOutImage } from './data';
import { evaluateMethod, mean } from './evaluate';
import { marginMethod, occlusionMethod } from './methods';

export interface Tuned<O> {
  options: O;
  deletion: number;
  tried: { settings: string; deletion: number; insertion: number }[];
}

const describe = (options: object) =>
  JSON.stringify(options, (_key, value: unknown) => (value instanceof Float32Array ? 'black' : value));

export async function tuneOcclusion(
  model: GradientModel,
  images: readonly HeldOutImage[],
  black: Float32Array,
): Promise<Tuned<OcclusionOptions>> {
  const candidates: OcclusionOptions[] = [];
  for (let patch = 2; patch <= 8; patch++) {
    for (const stride of new Set([1, 2, Math.max(1, Math.floor(patch / 2))])) {
      for (const baseline of [black, 'zeros', 'mean'] as const) candidates.push({ patch, stride, baseline });
    }
  }
  return pickBest(candidates, (options) =>
    evaluateMethod(model, occlusionMethod('occlusion', options, ''), images, black),
  );
}

export async function tuneMargin(
  model: GradientModel,
  images: readonly HeldOutImage[],
  black: Float32Array,
): Promise<Tuned<MarginSaliencyOptions>> {
  const run = (options: MarginSaliencyOptions) =>
    evaluateMethod(model, marginMethod('margin', options, ''), images, black);
  const tried: Tuned<MarginSaliencyOptions>['tried'] = [];
  let best: Tuned<MarginSaliencyOptions> | undefined;
  const stage = async (variants: MarginSaliencyOptions[]) => {
    const base = best?.options ?? {};
    const result = await pickBest(
      variants.map((variant) => ({ ...base, ...variant })),
      run,
    );
    tried.push(...result.tried);
    if (!best || result.deletion < best.deletion) best = result;
  };
  const fills = [black, 'zeros', 'mean', 'blur'] as const;
  const effects = ['magnitude', 'signed'] as const;
  await stage(
    fills.flatMap((baseline) =>
      (['probability', 'logit'] as const).flatMap((score) =>
        effects.map((effect) => ({ baseline, score, effect })),
      ),
    ),
  );
  const graphs: MarginSaliencyOptions[] = [];
  for (const neighbours of [3, 5, 10, 20, 40])
    for (const operator of ['normalized', 'random-walk', 'laplacian'] as const)
      for (const weighting of ['binary', 'gaussian'] as const)
        graphs.push({ neighbours, operator, weighting });
  await stage(graphs);
  await stage([
    { scales: [50, 100, 150, 200, 250, 300] },
    { scales: [50, 100, 150, 200] },
    { scales: [50, 100, 200] },
    { scales: [100, 200, 300] },
    { scales: [25, 50, 100, 200] },
    { scales: [50] },
    { scales: [200] },
  ]);
  return { ...best!, tried };
}

async function pickBest<O extends object>(
  candidates: O[],
  run: (options: O) => Promise<{ deletion: number[]; insertion: number[] }>,
): Promise<Tuned<O>> {
  const tried: Tuned<O>['tried'] = [];
  let best: { options: O; deletion: number } | undefined;
  for (const options of candidates) {
    const scores = await run(options);
    const deletion = mean(scores.deletion);
    tried.push({ settings: describe(options), deletion, insertion: mean(scores.insertion) });
    if (!best || deletion < best.deletion) best = { options, deletion };
  }
  return { ...best!, tried };
}
