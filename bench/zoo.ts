/**
 * Input gradients of ten torchvision architectures (random weights) against a
 * float64 PyTorch reference: for each, our max abs / relative error, torch
 * float32's own relative error, pass/fail against the aim, and times.
 *
 *   /usr/bin/python3 bench/zoo-export.py   # once: bench/.cache/zoo/<name>/ (needs python3-torchvision)
 *   npx tsx bench/zoo.ts [--only convnext_tiny,swin_t]
 *
 * Relative error is max|g − g64| / max|g64| over the batch. The aim: ≤ 1e-4,
 * or ≤ twice torch float32's own relative error where that is larger (deep
 * random ReLU nets put some activations within float32 rounding of a kink, so
 * no float32 gradient can match float64 more closely there).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { npyNumbers, npyToFloat32, readNpy } from '../src/data/npy';
import { openGradientModel } from '../src/model/autodiff';

const AIM = 1e-4;
const { values } = parseArgs({ options: { only: { type: 'string' } } });
const cache = resolve(__dirname, '.cache', 'zoo');

interface Info {
  name: string;
  parameters: number;
  megabytes: number;
  torch32Seconds: number;
  torch64Seconds: number;
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

async function benchOne(folder: string): Promise<string> {
  const info = JSON.parse(readFileSync(join(folder, 'info.json'), 'utf8')) as Info;
  const grad64 = npyNumbers(await readNpy(join(folder, 'grad64.npy')));
  const torch32 = errors(npyToFloat32(await readNpy(join(folder, 'grad32.npy'))), grad64);
  const x = npyToFloat32(await readNpy(join(folder, 'input.npy')));
  const upstream = npyToFloat32(await readNpy(join(folder, 'upstream.npy')));
  const name = info.name.padEnd(19);
  let started = performance.now();
  try {
    const model = await openGradientModel(join(folder, 'model.onnx'), { batchSize: 2 });
    const openSeconds = (performance.now() - started) / 1000;
    try {
      const n = x.length / model.sampleSize;
      started = performance.now();
      const { grad } = await model.logits.vjp(x, n, upstream);
      const vjpSeconds = (performance.now() - started) / 1000;
      const ours = errors(grad, grad64);
      const bound = Math.max(AIM, 2 * torch32.rel);
      const verdict = ours.rel <= bound ? 'pass' : 'FAIL';
      return (
        `${name} ${(info.parameters / 1e6).toFixed(1).padStart(5)}M ${ours.abs.toExponential(1).padStart(8)} ` +
        `${ours.rel.toExponential(1).padStart(8)} ${torch32.rel.toExponential(1).padStart(8)} ` +
        `${bound.toExponential(0).padStart(6)} ${verdict.padEnd(4)} ${openSeconds.toFixed(1).padStart(6)}s ` +
        `${vjpSeconds.toFixed(1).padStart(6)}s ${info.torch32Seconds.toFixed(1).padStart(6)}s ${info.torch64Seconds.toFixed(1).padStart(6)}s`
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
  console.log(
    'model               params  max|Δg|  rel err  torch32    aim      build    vjp  torch32 torch64',
  );
  for (const name of names) console.log(await benchOne(join(cache, name)));
  console.log(
    '(rel err = max|g − g64|/max|g64| over a batch of 2; build = facts + backward graph + sessions; vjp = one batch;',
  );
  console.log(
    ' torch times are one float32 / float64 autograd forward+backward of the same batch, 2 threads)',
  );
}

void main();
