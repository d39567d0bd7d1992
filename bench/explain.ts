/**
 * Milliseconds per saliency map, per method, for the fixture CNN
 * (1×28×28, Fashion-MNIST) and for a ResNet-18-sized model (3×224×224,
 * random weights, made by scripts/make-autodiff-fixtures.py --resnet18 into
 * bench/.cache/ on first use; needs the Debian python3-torch and python3-onnx),
 * and the cost of a backward pass relative to one forward pass.
 *
 *   npx tsx bench/explain.ts [--repeats 5] [--skip-resnet] [--only caso,dance] [--dance-detail]
 *
 * Times are medians over `repeats` maps of different inputs after one warm-up.
 * Where /usr/bin/python3 has torch, bench/explainPeer.py times the gradient,
 * integrated gradients and occlusion in PyTorch on the same model (rebuilt from
 * the ONNX weights, its logits checked against ours) and inputs, and the ratio
 * ours / PyTorch is printed; without torch that column is skipped with a note.
 * `--only` times just the named methods (after the forward/backward passes).
 * `--dance-detail` adds one more DANCE map per model and splits its decoy
 * search per iteration into the hidden layer's runs (one fused run for its
 * value and the penalty's VJP, or a forward call and a VJP) and the rest
 * (JavaScript).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { npyToFloat32, readNpy } from '../src/data/npy';
import { openGradientModel } from '../src/model/autodiff';
import type { DifferentiableTensor, GradientModel, PenaltyUpstream } from '../src/model/autodiff/types';
import { argmax } from '../src/model/attribution/batches';
import { ATTRIBUTION_METHODS, type AttributionMethodName } from '../src/model/attribution/methods';
import type { MethodOptions } from '../src/model/attribution/types';

const { values } = parseArgs({
  options: {
    repeats: { type: 'string', default: '5' },
    'skip-resnet': { type: 'boolean', default: false },
    only: { type: 'string' },
    'dance-detail': { type: 'boolean', default: false },
  },
});
const only = values.only?.split(',');
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
  /** The same map in bench/explainPeer.py, for the ours / PyTorch ratio. */
  peer?: PeerMethod;
}

type PeerMethod = 'gradient' | 'ig' | 'occlusion';

/** What bench/explainPeer.py prints: ms per map, and the thread count that gave it. */
type PeerResult = Record<PeerMethod, number> & {
  torch: string;
  logitsMaxDifference: number;
  threads: Record<PeerMethod, number>;
};

async function benchModel(
  title: string,
  model: GradientModel,
  inputs: Float32Array[],
  methods: MethodRun[],
): Promise<Map<PeerMethod, number>> {
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
  const times = new Map<PeerMethod, number>();
  for (const { method, options, label, once, peer } of methods) {
    if (only && !only.includes(method)) continue;
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
    if (peer) times.set(peer, ms);
    if (method === 'dance' && values['dance-detail']) await danceDetail(model, inputs[0], options);
  }
  return times;
}

interface CallClock {
  forwardMs: number;
  forwards: number;
  vjpMs: number;
  vjps: number;
  /** Fused runs: the layer's value and the penalty's VJP at once (penaltyVjp). */
  fusedMs: number;
  fused: number;
  /** When the last hidden-layer call returned. */
  lastCallEnd: number;
}

/** The model, with the forward and VJP calls of its hidden tensors (not the logits) timed into `clock`. */
function withTimedLayers(model: GradientModel, clock: CallClock): GradientModel {
  const timed = (tensor: DifferentiableTensor): DifferentiableTensor => ({
    ...tensor,
    async forward(x, n) {
      const start = performance.now();
      const output = await tensor.forward(x, n);
      clock.lastCallEnd = performance.now();
      clock.forwardMs += clock.lastCallEnd - start;
      clock.forwards++;
      return output;
    },
    async vjp(x, n, upstream) {
      const start = performance.now();
      const result = await tensor.vjp(x, n, upstream);
      clock.lastCallEnd = performance.now();
      clock.vjpMs += clock.lastCallEnd - start;
      clock.vjps++;
      return result;
    },
    ...(tensor.penaltyVjp
      ? {
          async penaltyVjp(x: Float32Array, n: number, penalty: PenaltyUpstream) {
            const start = performance.now();
            const result = await tensor.penaltyVjp!(x, n, penalty);
            clock.lastCallEnd = performance.now();
            clock.fusedMs += clock.lastCallEnd - start;
            clock.fused++;
            return result;
          },
        }
      : {}),
  });
  return new Proxy(model, {
    get(target, property) {
      if (property === 'tensor') return async (name: string) => timed(await target.tensor(name));
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** One more DANCE map, its decoy search split per iteration into forward calls, VJPs and the rest. */
async function danceDetail(model: GradientModel, x: Float32Array, options: MethodOptions): Promise<void> {
  const clock: CallClock = { forwardMs: 0, forwards: 0, vjpMs: 0, vjps: 0, fusedMs: 0, fused: 0, lastCallEnd: 0 };
  const target = argmax(await model.predict(x, 1));
  const start = performance.now();
  await ATTRIBUTION_METHODS.dance.run(withTimedLayers(model, clock), { x, target }, options, {});
  // The search ends with its last layer call (the base maps then use the logits).
  const search = clock.lastCallEnd - start;
  // h(x) once, then per iteration one fused run (value and penalty VJP) or a forward call and a VJP, and a forward to score the last iterate.
  const iterations = clock.fused + clock.forwards - 2;
  const per = (ms: number) => (ms / iterations).toFixed(1);
  const calls =
    clock.fused > 0
      ? `one run for the layer's value and the penalty's VJP ${per(clock.fusedMs)} ms`
      : `layer forward ${per(clock.forwardMs)} ms, VJP ${per(clock.vjpMs)} ms (${clock.vjps} of ${iterations} iterations)`;
  const rest = search - clock.forwardMs - clock.vjpMs - clock.fusedMs;
  console.log(`    decoy search: ${iterations} iterations, ${per(search)} ms each: ${calls}, the rest ${per(rest)} ms`);
}

function torchAvailable(): boolean {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Times the same maps in PyTorch (bench/explainPeer.py) and prints ours /
 * PyTorch. The inputs and our logits go to the script as raw float32 files.
 */
async function comparePeer(
  kind: 'fmnist' | 'resnet18',
  model: GradientModel,
  onnxPath: string,
  inputs: Float32Array[],
  ours: Map<PeerMethod, number>,
  settings: { igSteps: number; occlusionOnce: boolean },
): Promise<void> {
  if (ours.size === 0) return;
  if (!torchAvailable()) {
    console.log('  PyTorch column skipped: /usr/bin/python3 has no torch (apt-get install -y python3-torch python3-onnx)');
    return;
  }
  const folder = mkdtempSync(join(tmpdir(), 'explain-peer-'));
  try {
    const stacked = new Float32Array(inputs.length * model.sampleSize);
    inputs.forEach((x, i) => stacked.set(x, i * model.sampleSize));
    const logits = await model.predict(stacked, inputs.length);
    writeFileSync(join(folder, 'inputs.f32'), Buffer.from(stacked.buffer));
    writeFileSync(join(folder, 'logits.f32'), Buffer.from(logits.buffer, logits.byteOffset, logits.byteLength));
    const output = execFileSync('/usr/bin/python3', [
      join(repo, 'bench/explainPeer.py'),
      ...['--model', kind, '--onnx', onnxPath, '--shape', model.sampleShape.join(',')],
      ...['--inputs', join(folder, 'inputs.f32'), '--logits', join(folder, 'logits.f32')],
      ...['--repeats', String(repeats), '--ig-steps', String(settings.igSteps)],
      ...(settings.occlusionOnce ? ['--occlusion-once'] : []),
    ]).toString();
    const peer = JSON.parse(output.trim().split('\n').at(-1)!) as PeerResult;
    console.log(
      `  PyTorch ${peer.torch} (the faster of 1 and 2 threads; logits agree with ours to ${peer.logitsMaxDifference.toExponential(1)}):`,
    );
    console.log(`    ${'method'.padEnd(22)} ${'ours ms'.padStart(10)} ${'PyTorch ms'.padStart(11)}  ours/PyTorch`);
    for (const [method, ms] of ours) {
      const theirs = peer[method];
      console.log(
        `    ${method.padEnd(22)} ${ms.toFixed(1).padStart(10)} ${theirs.toFixed(1).padStart(11)}  ${(ms / theirs).toFixed(2)}×   (torch on ${peer.threads[method]} thread${peer.threads[method] > 1 ? 's' : ''})`,
      );
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
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
  const cnnPath = join(repo, 'test/fixtures/fmnist/model.onnx');
  const cnn = await openGradientModel(cnnPath);
  const full: MethodRun[] = [
    { method: 'gradient', options: {}, label: 'gradient', peer: 'gradient' },
    { method: 'ig', options: { steps: 64 }, label: 'integrated gradients (64 steps)', peer: 'ig' },
    { method: 'smoothgrad', options: { samples: 50 }, label: 'SmoothGrad (50 samples)' },
    { method: 'deeplift', options: { rule: 'rescale' }, label: 'DeepLIFT Rescale' },
    { method: 'deeplift', options: { rule: 'reveal-cancel' }, label: 'DeepLIFT RevealCancel' },
    { method: 'caso', options: {}, label: 'CASO (defaults)' },
    { method: 'dance', options: {}, label: 'DANCE (defaults)' },
    { method: 'occlusion', options: {}, label: 'occlusion (black box, defaults)', peer: 'occlusion' },
    { method: 'margin', options: {}, label: 'MARGIN (black box, defaults)' },
  ];
  const cnnTimes = await benchModel('fixture CNN (test/fixtures/fmnist/model.onnx)', cnn, images, full);
  await comparePeer('fmnist', cnn, cnnPath, images, cnnTimes, { igSteps: 64, occlusionOnce: false });
  await cnn.release();

  if (values['skip-resnet']) return;
  const path = resnetPath();
  if (!path) return;
  const resnet = await openGradientModel(path, { batchSize: 16 });
  const inputs = Array.from({ length: 4 }, (_, i) => seededNormals(resnet.sampleSize, i + 1));
  const resnetTimes = await benchModel('ResNet-18 (random weights, bench/.cache/resnet18.onnx)', resnet, inputs, [
    { method: 'gradient', options: {}, label: 'gradient', peer: 'gradient' },
    { method: 'ig', options: { steps: 16 }, label: 'integrated gradients (16 steps)', peer: 'ig' },
    { method: 'smoothgrad', options: { samples: 16 }, label: 'SmoothGrad (16 samples)' },
    { method: 'deeplift', options: { rule: 'rescale' }, label: 'DeepLIFT Rescale' },
    { method: 'deeplift', options: { rule: 'reveal-cancel' }, label: 'DeepLIFT RevealCancel' },
    { method: 'caso', options: {}, label: 'CASO (defaults)', once: true },
    { method: 'dance', options: {}, label: 'DANCE (defaults)', once: true },
    {
      method: 'occlusion',
      options: {},
      label: 'occlusion (black box, defaults)',
      once: true,
      peer: 'occlusion',
    },
    { method: 'margin', options: {}, label: 'MARGIN (black box, defaults)', once: true },
  ]);
  await comparePeer('resnet18', resnet, path, inputs, resnetTimes, { igSteps: 16, occlusionOnce: true });
  await resnet.release();
}

void main();
