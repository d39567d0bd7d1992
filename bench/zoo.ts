/**
 * Input gradients of ten torchvision architectures (random weights) against a
 * float64 PyTorch reference: for each, our max abs / relative error, torch
 * float32's own relative error, pass/fail against the aim, and times.
 *
 *   /usr/bin/python3 bench/zoo-export.py   # once: bench/.cache/zoo/<name>/ (needs python3-torchvision)
 *   npx tsx bench/zoo.ts [--only convnext_tiny,swin_t] [--forward float32|float64|both]
 *
 * Relative error is max|g − g64| / max|g64| over the batch. The aim: ≤ 1e-4,
 * or ≤ twice torch float32's own relative error where that is larger (deep
 * random ReLU nets put some activations within float32 rounding of a kink, so
 * no float32 gradient can match float64 more closely there).
 *
 * Whether a float32 pass flips a kink depends on the input, so two inputs do
 * not measure torch's own float32 error. With `bench/zoo-export.py --spread N`,
 * each ReLU network also has N single inputs (spread/); the table then gives,
 * per input, how often ours and torch's float32 gradients miss 1e-4, and the
 * bound uses torch's worst input over all of them.
 *
 * `--forward float64` opens the gradient models with forwardPrecision
 * 'float64' (the forward part in double, so the branch decisions are float64's;
 * see src/model/autodiff/float64Forward.ts); `both` prints one table each.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { npyNumbers, npyToFloat32, readNpy } from '../src/data/npy';
import { openGradientModel, type ForwardPrecision, type GradientModel } from '../src/model/autodiff';

const AIM = 1e-4;
const { values } = parseArgs({
  options: { only: { type: 'string' }, forward: { type: 'string', default: 'float32' } },
});
const cache = resolve(__dirname, '.cache', 'zoo');

interface Info {
  name: string;
  parameters: number;
  megabytes: number;
  torch32Seconds: number;
  torch64Seconds: number;
}

/** Relative error of each of `n` samples (max|Δ| / max|g64| within the sample). */
function perSampleErrors(actual: ArrayLike<number>, reference: Float64Array, n: number): number[] {
  const size = reference.length / n;
  return Array.from(
    { length: n },
    (_, i) =>
      errors(
        Array.prototype.slice.call(actual, i * size, (i + 1) * size) as number[],
        reference.subarray(i * size, (i + 1) * size),
      ).rel,
  );
}

interface Spread {
  ours: number[];
  torch32: number[];
}

async function spreadOf(folder: string, model: GradientModel): Promise<Spread | undefined> {
  const spread = join(folder, 'spread');
  if (!existsSync(join(spread, 'grad64.npy'))) return undefined;
  const grad64 = npyNumbers(await readNpy(join(spread, 'grad64.npy')));
  const x = npyToFloat32(await readNpy(join(spread, 'input.npy')));
  const upstream = npyToFloat32(await readNpy(join(spread, 'upstream.npy')));
  const n = x.length / model.sampleSize;
  const { grad } = await model.logits.vjp(x, n, upstream);
  return {
    ours: perSampleErrors(grad, grad64, n),
    torch32: perSampleErrors(npyToFloat32(await readNpy(join(spread, 'grad32.npy'))), grad64, n),
  };
}

function describeSpread(spread: Spread | undefined): string {
  if (!spread) return '';
  const over = (values: number[]): number => values.filter((v) => v > AIM).length;
  const n = spread.ours.length;
  return (
    `  ${`${over(spread.ours)}/${n}`.padStart(5)} ${Math.max(...spread.ours)
      .toExponential(1)
      .padStart(8)}` +
    `  ${`${over(spread.torch32)}/${n}`.padStart(5)} ${Math.max(...spread.torch32)
      .toExponential(1)
      .padStart(8)}`
  );
}

function errors(actual: ArrayLike<number>, reference: Float64Array): { abs: number; rel: number } {
  let abs = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    abs = Math.max(abs, Math.abs(actual[i] - reference[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return { abs, rel: abs / scale };
}

async function benchOne(folder: string, forwardPrecision: ForwardPrecision): Promise<string> {
  const info = JSON.parse(readFileSync(join(folder, 'info.json'), 'utf8')) as Info;
  const grad64 = npyNumbers(await readNpy(join(folder, 'grad64.npy')));
  const torch32 = errors(npyToFloat32(await readNpy(join(folder, 'grad32.npy'))), grad64);
  const x = npyToFloat32(await readNpy(join(folder, 'input.npy')));
  const upstream = npyToFloat32(await readNpy(join(folder, 'upstream.npy')));
  const name = info.name.padEnd(19);
  let started = performance.now();
  try {
    const model = await openGradientModel(join(folder, 'model.onnx'), { batchSize: 2, forwardPrecision });
    const openSeconds = (performance.now() - started) / 1000;
    try {
      const n = x.length / model.sampleSize;
      started = performance.now();
      const { grad } = await model.logits.vjp(x, n, upstream);
      const vjpSeconds = (performance.now() - started) / 1000;
      const ours = errors(grad, grad64);
      const spread = await spreadOf(folder, model);
      const torchWorst = Math.max(torch32.rel, ...(spread?.torch32 ?? []));
      const oursWorst = Math.max(ours.rel, ...(spread?.ours ?? []));
      const bound = Math.max(AIM, 2 * torchWorst);
      const verdict = oursWorst <= bound ? 'pass' : 'FAIL';
      return (
        `${name} ${(info.parameters / 1e6).toFixed(1).padStart(5)}M ${ours.abs.toExponential(1).padStart(8)} ` +
        `${ours.rel.toExponential(1).padStart(8)} ${torch32.rel.toExponential(1).padStart(8)} ` +
        `${bound.toExponential(0).padStart(6)} ${verdict.padEnd(4)} ${openSeconds.toFixed(1).padStart(6)}s ` +
        `${vjpSeconds.toFixed(1).padStart(6)}s ${info.torch32Seconds.toFixed(1).padStart(6)}s ${info.torch64Seconds.toFixed(1).padStart(6)}s` +
        describeSpread(spread)
      );
    } finally {
      await model.release();
    }
  } catch (error) {
    return `${name} refused: ${(error as Error).message.slice(0, 160)}`;
  }
}

async function main(): Promise<void> {
  if (!existsSync(cache)) throw new Error(`no ${cache}: run /usr/bin/python3 bench/zoo-export.py first`);
  const only = values.only?.split(',');
  const names = readdirSync(cache)
    .filter((d) => existsSync(join(cache, d, 'info.json')))
    .filter((d) => !only || only.includes(d));
  const precisions: ForwardPrecision[] =
    values.forward === 'both' ? ['float32', 'float64'] : [values.forward as ForwardPrecision];
  if (!precisions.every((p) => p === 'float32' || p === 'float64')) {
    throw new Error(`--forward must be float32, float64 or both, not ${values.forward}`);
  }
  for (const precision of precisions) await table(names, precision);
}

async function table(names: string[], precision: ForwardPrecision): Promise<void> {
  console.log(`forward pass in ${precision}:`);
  console.log(
    'model               params  max|Δg|  rel err  torch32  bound      build    vjp  torch32 torch64' +
      '   spread: ours >1e-4, worst; torch32 >1e-4, worst',
  );
  for (const name of names) console.log(await benchOne(join(cache, name), precision));
  console.log(
    "(rel err = max|g − g64|/max|g64| over a batch of 2; bound = max(1e-4, 2 × torch32's worst input, batch and spread);",
  );
  console.log(
    ' spread = single inputs from bench/zoo-export.py --spread N, each error relative to its own gradient; pass = ours ≤ bound on every input;',
  );
  console.log(' build = facts + backward graph + sessions; vjp = one batch;');
  console.log(
    ' torch times are one float32 / float64 autograd forward+backward of the same batch, 2 threads)',
  );
}

void main();
