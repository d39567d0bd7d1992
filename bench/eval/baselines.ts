/**
 * Which reference input (baseline) makes the most faithful maps, per method:
 * IG, DeepLIFT (Rescale) and occlusion, each with the four baselines of
 * src/model/attribution/baselines.ts (black, blur, mean in pixel space;
 * zeros in model-input space), on held-out Fashion-MNIST test images the
 * fixture CNN never saw, target = its predicted class.
 *
 *   npx tsx bench/eval/baselines.ts [--tune 100-199] [--report 0-99]
 *
 * A map is judged by RISE deletion AUC (lower is better) and insertion AUC
 * (higher is better) under every fill, then averaged over the four fills:
 * deleting towards the map's own baseline would favour each baseline on its
 * own terms (a map made against black looks best when pixels are deleted to
 * black). Score = mean insertion − mean deletion. Also printed: the AUCs with
 * the map's own fill, the Gini sparsity of |map|, and the share of |map| on
 * background (pixels ≤ 10 of 255: the black surround of every Fashion-MNIST
 * item), the figure behind "the brightest blob is in the empty corner".
 * The default per method is the best score on the tuning images; the report
 * images show what it gives on data it was not chosen on.
 */
import { parseArgs } from 'node:util';
import { loadModelConfig, takesImages } from '../../src/model/sidecar';
import { openModel } from '../../src/model/session';
import { gradientModelOf } from '../../src/model/autodiff';
import { writeImage } from '../../src/model/preprocess';
import { argmax, softmax } from '../../src/model/attribution/batches';
import { BASELINE_NAMES, referenceInput } from '../../src/model/attribution/baselines';
import { faithfulnessMetrics } from '../../src/model/attribution/faithfulness';
import { integratedGradients } from '../../src/model/attribution/integratedGradients';
import { deepLift } from '../../src/model/attribution/deepLift';
import { occlusion } from '../../src/model/attribution/occlusion';
import type { BaselineName } from '../../src/model/attribution/types';
import type { GradientModel } from '../../src/model/autodiff/types';
import { FIXTURE_MODEL, pixels } from './fashionMnist';

const METHODS = ['ig', 'deeplift', 'occlusion'] as const;
type Method = (typeof METHODS)[number];
/** Pixels at or below this (of 255) are the background. */
const BACKGROUND_LEVEL = 10;

interface Row {
  deletion: Record<BaselineName, number>;
  insertion: Record<BaselineName, number>;
  sparsity: number;
  background: number;
  /** Each image's score (mean insertion − mean deletion over the fills), for the standard error. */
  scores: number[];
}

function range(text: string): number[] {
  const [first, last] = text.split('-').map(Number);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

async function mapOf(
  method: Method,
  model: GradientModel,
  x: Float32Array,
  target: number,
  baseline: Float32Array,
): Promise<Float32Array> {
  const options = { baseline, layout: 'NCHW' as const };
  if (method === 'ig') return integratedGradients(model, { x, target }, options, {});
  if (method === 'deeplift') return deepLift(model, { x, target }, options, {});
  return occlusion(model, { x, target }, options, {});
}

/** Mean figures of every (method, baseline) over the images. */
async function evaluate(
  model: GradientModel,
  images: number[],
  inputOf: (index: number) => { x: Float32Array; raw: Uint8Array },
  pixelSpace: Parameters<typeof referenceInput>[3],
): Promise<Map<string, Row>> {
  const sums = new Map<string, Row>();
  for (const index of images) {
    const { x, raw } = inputOf(index);
    const target = argmax(softmax(await model.predict(x, 1)));
    const fills = Object.fromEntries(
      BASELINE_NAMES.map((name) => [name, referenceInput(name, x, model.sampleShape, pixelSpace)]),
    ) as Record<BaselineName, Float32Array>;
    for (const method of METHODS) {
      for (const baseline of BASELINE_NAMES) {
        const map = await mapOf(method, model, x, target, fills[baseline]);
        const key = `${method}|${baseline}`;
        const row = sums.get(key) ?? emptyRow();
        let imageScore = 0;
        for (const fill of BASELINE_NAMES) {
          const figures = await faithfulnessMetrics(model, { x, target }, map, { fill: fills[fill] });
          row.deletion[fill] += figures.deletionAuc / images.length;
          row.insertion[fill] += figures.insertionAuc / images.length;
          imageScore += (figures.insertionAuc - figures.deletionAuc) / BASELINE_NAMES.length;
          if (fill === baseline) row.sparsity += figures.sparsity / images.length;
        }
        row.scores.push(imageScore);
        let onBackground = 0;
        let total = 0;
        for (let p = 0; p < map.length; p++) {
          total += Math.abs(map[p]);
          if (raw[p] <= BACKGROUND_LEVEL) onBackground += Math.abs(map[p]);
        }
        row.background += (total > 0 ? onBackground / total : 0) / images.length;
        sums.set(key, row);
      }
    }
  }
  return sums;
}

function emptyRow(): Row {
  const zeros = () => Object.fromEntries(BASELINE_NAMES.map((name) => [name, 0])) as Record<BaselineName, number>;
  return { deletion: zeros(), insertion: zeros(), sparsity: 0, background: 0, scores: [] };
}

const mean = (record: Record<BaselineName, number>) =>
  BASELINE_NAMES.reduce((sum, name) => sum + record[name], 0) / BASELINE_NAMES.length;
const score = (row: Row) => mean(row.insertion) - mean(row.deletion);
/** Standard error of the mean score over the images. */
function standardError(scores: number[]): number {
  const average = scores.reduce((a, b) => a + b, 0) / scores.length;
  const variance = scores.reduce((sum, value) => sum + (value - average) ** 2, 0) / (scores.length - 1);
  return Math.sqrt(variance / scores.length);
}

function table(title: string, rows: Map<string, Row>, chosen?: Record<Method, BaselineName>): string {
  const fillHeads = BASELINE_NAMES.map((fill) => `del/ins (${fill} fill)`);
  const lines = [
    `### ${title}`,
    '',
    `| method | baseline | ${fillHeads.join(' | ')} | mean del | mean ins | ins − del (± s.e.) | Gini | \\|map\\| on background |`,
    `|---|---|${fillHeads.map(() => '---').join('|')}|---|---|---|---|---|`,
  ];
  for (const method of METHODS) {
    for (const baseline of BASELINE_NAMES) {
      const row = rows.get(`${method}|${baseline}`)!;
      const mark = chosen?.[method] === baseline ? ' **(default)**' : '';
      const cells = BASELINE_NAMES.map((fill) => `${row.deletion[fill].toFixed(3)} / ${row.insertion[fill].toFixed(3)}`);
      lines.push(
        `| ${method} | ${baseline}${mark} | ${cells.join(' | ')} | ${mean(row.deletion).toFixed(3)} | ` +
          `${mean(row.insertion).toFixed(3)} | ${score(row).toFixed(3)} ± ${standardError(row.scores).toFixed(3)} | ${row.sparsity.toFixed(3)} | ` +
          `${(100 * row.background).toFixed(1)} % |`,
      );
    }
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { tune: { type: 'string', default: '100-199' }, report: { type: 'string', default: '0-99' } },
  });
  const loaded = await openModel(FIXTURE_MODEL);
  const config = await loadModelConfig(FIXTURE_MODEL, loaded.info);
  if (!takesImages(config)) throw new Error(`${FIXTURE_MODEL}: expected an image model`);
  const input = config.input;
  const model = await gradientModelOf(loaded, { logits: config.logits });
  const test = pixels('t10k');
  const inputOf = (index: number) => {
    const raw = test.data.subarray(index * 784, (index + 1) * 784);
    const x = new Float32Array(784);
    writeImage({ width: 28, height: 28, channels: 1, pixels: raw }, input, x, 0);
    return { x, raw };
  };
  try {
    const started = performance.now();
    const tuning = await evaluate(model, range(values.tune!), inputOf, input);
    const chosen = Object.fromEntries(
      METHODS.map((method) => {
        const best = [...BASELINE_NAMES].sort(
          (a, b) => score(tuning.get(`${method}|${b}`)!) - score(tuning.get(`${method}|${a}`)!),
        )[0];
        return [method, best];
      }),
    ) as Record<Method, BaselineName>;
    const report = await evaluate(model, range(values.report!), inputOf, input);
    console.log(table(`Tuning: t10k images ${values.tune}`, tuning, chosen));
    console.log();
    console.log(table(`Report: t10k images ${values.report}`, report, chosen));
    console.log();
    console.log(`chosen defaults: ${METHODS.map((method) => `${method} ${chosen[method]}`).join(', ')}`);
    console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
  } finally {
    model.release();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
