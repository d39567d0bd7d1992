/**
 * Milliseconds per saliency map, per method, for the fixture CNN
 * (1×28×28, Fashion-MNIST) and for a ResNet-18-sized model (3×224×224,
 * random weights, made by scripts/make-autodiff-fixtures.py --resnet18 into
 * bench/.cache/ on first use; needs the Debian python3-torch and python3-onnx),
 * and the cost of a backward pass relative to one forward pass.
 *
 *   npx tsx bench/explain.ts [--repeats 5] [--skip-resnet]
 *
 * Times are medians over `repeats` maps of different inputs after one warm-up.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { npyToFloat32, readNpy } from '../src/data/npy';
import { openGradientModel } from '../src/model/autodiff';
import type { GradientModel } from '../src/model/autodiff/types';
import { argmax } from '../src/model/attribution/batches';
import { ATTRIBUTION_METHODS, type AttributionMethodName } from '../src/model/attribution/methods';
import type { MethodOptions } from '../src/model/attribution/types';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    'skip-resnet': { type: 'boolean', default: false },
  },
});
const repeats = Number(values.repeats);
const repo = resolve(__dirname, '..');

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timeIt(runs: number, body: (run: number) => Promise<unknown>, warmUp = true): Promise<number> {
  if (warmUp) await body(runs); // sessions built, kernels chosen
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await body(run);
    times.push(performance.now() - start);
  }
  return median(times);
}

interface MethodRun {
  method: AttributionMethodName;
  options: MethodOptions;
  label: string;
  /**
   * Time a single map, without a warm-up run (the model's sessions are warm
   * from the passes above): for methods that take tens of seconds on a large
   * model.
   */
  once?: boolean;
}

async function benchModel(
  title: string,
  model: GradientModel,
  inputs: Float32Array[],
  methods: MethodRun[],
): Promise<void> {
  const size = model.sampleSize;
  console.log(`\n${title}: input ${model.sampleShape.join('×')}, ${model.numClasses} classes`);
  const forward1 = await timeIt(repeats, (r) => model.predict(inputs[r % inputs.length], 1));
  const upstream = new Float32Array(model.numClasses);
  upstream[0] = 1;
  const backward1 = await timeIt(repeats, (r) => model.logits.vjp(inputs[r % inputs.length], 1, upstream));
  console.log(`  forward pass, batch 1:                 ${forward1.toFixed(2)} ms`);
  console.log(
    `  forward + backward (VJP), batch 1:     ${backward1.toFixed(2)} ms   ratio to forward ${(backward1 / forward1).toFixed(2)}×`,
  );
  const batch = 16;
  const stacked = new Float32Array(batch * size);
  for (let i = 0; i < batch; i++) stacked.set(inputs[i % inputs.length], i * size);
  const upstreams = new Float32Array(batch * model.numClasses).fill(1 / model.numClasses);
  const forwardB = await timeIt(repeats, () => model.predict(stacked, batch));
  const backwardB = await timeIt(repeats, () => model.logits.vjp(stacked, batch, upstreams));
  console.log(`  forward pass, batch ${batch}:                ${(forwardB / batch).toFixed(2)} ms per input`);
  console.log(
    `  forward + backward, batch ${batch}:          ${(backwardB / batch).toFixed(2)} ms per input   ratio to forward ${(backwardB / forwardB).toFixed(2)}×`,
  );
  for (const { method, options, label, once } of methods) {
    const entry = ATTRIBUTION_METHODS[method];
    const ms = await timeIt(
      once ? 1 : repeats,
      async (r) => {
        const x = inputs[r % inputs.length];
        const target = argmax(await model.predict(x, 1));
        return entry.kind === 'gradient'
          ? entry.run(model, { x, target }, options, {})
          : entry.run(model, { x, target }, options, {});
      },
      !once,
    );
    console.log(`  ${label.padEnd(38)} ${ms.toFixed(1).padStart(9)} ms per map${once ? ' (one map)' : ''}`);
  }
}

function resnetPath(): string | undefined {
  const path = join(repo, 'bench/.cache/resnet18.onnx');
  if (existsSync(path)) return path;
  mkdirSync(join(repo, 'bench/.cache'), { recursive: true });
  try {
    execFileSync('/usr/bin/python3', [join(repo, 'scripts/make-autodiff-fixtures.py'), '--resnet18', path], {
      stdio: 'inherit',
    });
    return path;
  } catch {
    console.log(
      '\nResNet-18 skipped: making it needs /usr/bin/python3 with torch and onnx (apt-get install -y python3-torch python3-onnx)',
    );
    return undefined;
  }
}

function seededNormals(count: number, seed: number): Float32Array {
  let state = seed;
  const uniform = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return (state + 0.5) / 4294967296;
  };
  return Float32Array.from(
    { length: count },
    () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()),
  );
}

async function main(): Promise<void> {
  console.log(
    `bench/explain: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}, ${repeats} repeats`,
  );
  const all = npyToFloat32(await readNpy(join(repo, 'test/fixtures/fmnist/reference/inputs16.npy')));
  const images = Array.from({ length: 16 }, (_, i) => all.slice(i * 784, (i + 1) * 784));
  const cnn = await openGradientModel(join(repo, 'test/fixtures/fmnist/model.onnx'));
  const full: MethodRun[] = [
    { method: 'gradient', options: {}, label: 'gradient' },
    { method: 'ig', options: { steps: 64 }, label: 'integrated gradients (64 steps)' },
    { method: 'smoothgrad', options: { samples: 50 }, label: 'SmoothGrad (50 samples)' },
    { method: 'deeplift', options: { rule: 'rescale' }, label: 'DeepLIFT Rescale' },
    { method: 'deeplift', options: { rule: 'reveal-cancel' }, label: 'DeepLIFT RevealCancel' },
    { method: 'caso', options: {}, label: 'CASO (defaults)' },
    { method: 'dance', options: {}, label: 'DANCE (defaults)' },
    { method: 'occlusion', options: {}, label: 'occlusion (black box, defaults)' },
  ];
  await benchModel('fixture CNN (test/fixtures/fmnist/model.onnx)', cnn, images, full);
  await cnn.release();

  if (values['skip-resnet']) return;
  const path = resnetPath();
  if (!path) return;
  const resnet = await openGradientModel(path, { batchSize: 16 });
  const inputs = Array.from({ length: 4 }, (_, i) => seededNormals(resnet.sampleSize, i + 1));
  await benchModel('ResNet-18 (random weights, bench/.cache/resnet18.onnx)', resnet, inputs, [
    { method: 'gradient', options: {}, label: 'gradient' },
    { method: 'ig', options: { steps: 16 }, label: 'integrated gradients (16 steps)' },
    { method: 'smoothgrad', options: { samples: 16 }, label: 'SmoothGrad (16 samples)' },
    { method: 'deeplift', options: { rule: 'rescale' }, label: 'DeepLIFT Rescale' },
    { method: 'deeplift', options: { rule: 'reveal-cancel' }, label: 'DeepLIFT RevealCancel' },
    { method: 'caso', options: {}, label: 'CASO (defaults)', once: true },
    { method: 'dance', options: {}, label: 'DANCE (defaults)', once: true },
    { method: 'occlusion', options: {}, label: 'occlusion (black box, defaults)', once: true },
  ]);
  await resnet.release();
}

void main();
