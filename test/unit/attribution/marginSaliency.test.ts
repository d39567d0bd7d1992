/**
 * MARGIN saliency (src/model/attribution/marginSaliency.ts) on the fixture
 * CNN against a slow, direct computation written here from the method's
 * formulas: scikit-image's superpixels of the image (the SLIC fixtures), each
 * superpixel masked and run through onnxruntime one at a time, the distance
 * matrix |Δ_m − Δ_n| in full, each node's k nearest by sorting its row, the
 * union graph as a dense 0/1 matrix, and the high pass of f = size / max size
 * by its formula. S, I and S ⊙ I must match the method's layers.
 */
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { isInputError, type ParameterError } from '../../../src/core/errors';
import { readNpy } from '../../../src/data/npy';
import { attributionMethod, runAttribution } from '../../../src/model/attribution/methods';
import { marginSaliency, marginSaliencyLayers } from '../../../src/model/attribution/marginSaliency';
import type { ForwardModel } from '../../../src/model/autodiff/types';
import { openForwardModel } from '../../../src/model/forwardModel';

const FIXTURES = resolve(__dirname, '../../fixtures');
const MODEL = join(FIXTURES, 'fmnist', 'model.onnx');
const SCALES = [50, 100, 200];
/** The fixture sidecar's preprocessing: x = (pixel/255 − 0.286) / 0.353. */
const normalise = (pixel: number) => (pixel / 255 - 0.286) / 0.353;

async function uint8Image(name: string): Promise<Uint8Array> {
  const array = await readNpy(join(FIXTURES, 'slic', `${name}.npy`));
  return Uint8Array.from(array.data as Uint8Array);
}

async function skimageLabels(name: string, segments: number): Promise<Int32Array> {
  const array = await readNpy(join(FIXTURES, 'slic', `${name}-slic-${segments}.npy`));
  const { buffer, byteOffset, byteLength } = array.data;
  return Int32Array.from(new Int16Array(buffer, byteOffset, byteLength / 2));
}

interface Direct {
  effects: number[];
  saliency: number[];
  influence: number[];
  map: number[];
}

interface DirectSettings {
  k: number;
  operator: 'normalized' | 'laplacian';
  score: 'probability' | 'logit';
  weighting: 'binary' | 'gaussian';
  effect: 'magnitude' | 'signed';
}

/**
 * Everything the method computes, one superpixel at a time (mask = 0 in
 * model-input space). Gaussian edges: w = exp(−d²/σ²), σ the mean distance
 * over every node's k nearest (the scan graph's rule, core/csr.ts).
 */
async function directMargin(
  session: ort.InferenceSession,
  x: Float32Array,
  target: number,
  scales: Int32Array[],
  { k, operator, score, weighting, effect }: DirectSettings,
): Promise<Direct> {
  const scoreOf = async (input: Float32Array) => {
    const out = await session.run({ pixels: new ort.Tensor('float32', input, [1, 1, 28, 28]) });
    const logits = Array.from(out.logits.data as Float32Array);
    if (score === 'logit') return logits[target];
    const top = Math.max(...logits);
    const exps = logits.map((v) => Math.exp(v - top));
    return exps[target] / exps.reduce((a, b) => a + b, 0);
  };
  const reference = await scoreOf(x);
  const nodes: { scale: number; label: number; pixels: number[] }[] = [];
  scales.forEach((labels, scale) => {
    const count = Math.max(...labels) + 1;
    for (let label = 0; label < count; label++) {
      const pixels = [...labels.keys()].filter((p) => labels[p] === label);
      nodes.push({ scale, label, pixels });
    }
  });
  const effects: number[] = [];
  for (const node of nodes) {
    const masked = Float32Array.from(x);
    for (const p of node.pixels) masked[p] = 0;
    const change = reference - (await scoreOf(masked));
    effects.push(effect === 'signed' ? change : Math.abs(change));
  }
  const n = nodes.length;
  const distance = (a: number, b: number) => Math.abs(effects[a] - effects[b]);
  const nearest = [...Array(n).keys()].map((m) =>
    [...Array(n).keys()]
      .filter((o) => o !== m)
      .sort((a, b) => distance(m, a) - distance(m, b) || a - b)
      .slice(0, k),
  );
  const pairs = nearest.flatMap((list, m) => list.map((o) => distance(m, o)));
  const sigma = pairs.reduce((a, b) => a + b, 0) / pairs.length;
  const weight = (m: number, o: number) =>
    weighting === 'binary' || sigma === 0 ? 1 : Math.exp(-(distance(m, o) ** 2) / sigma ** 2);
  const adjacency = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  nearest.forEach((list, m) => {
    for (const o of list) adjacency[m][o] = adjacency[o][m] = weight(m, o);
  });
  const largest = Math.max(...nodes.map((node) => node.pixels.length));
  const f = nodes.map((node) => node.pixels.length / largest);
  const degree = adjacency.map((row) => row.reduce((a, b) => a + b, 0));
  const high = f.map((fm, m) => {
    let sum = 0;
    for (let o = 0; o < n; o++) {
      if (!adjacency[m][o]) continue;
      const w = adjacency[m][o];
      sum += operator === 'laplacian' ? w * f[o] : (w * f[o]) / Math.sqrt(degree[m] * degree[o]);
    }
    return operator === 'laplacian' ? degree[m] * fm - sum : fm - sum;
  });
  const top = Math.max(...high.map(Math.abs));
  const nodeInfluence = high.map((h) => Math.abs(h) / top);
  const saliency = new Array<number>(784).fill(0);
  const influence = new Array<number>(784).fill(0);
  nodes.forEach((node, m) => {
    for (const p of node.pixels) {
      saliency[p] += effects[m] / node.pixels.length;
      influence[p] += nodeInfluence[m] / scales.length;
    }
  });
  return { effects, saliency, influence, map: saliency.map((s, p) => s * influence[p]) };
}

/** Largest |a − b| relative to max |b|. */
function relativeError(actual: ArrayLike<number>, expected: number[]): number {
  const scale = Math.max(...expected.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
  return worst / scale;
}

describe('MARGIN saliency on the fixture CNN, against a direct computation', function () {
  this.timeout(120_000);
  let session: ort.InferenceSession;
  let model: ForwardModel;
  let pixels: Uint8Array;
  let x: Float32Array;
  let scales: Int32Array[];

  before(async () => {
    session = await ort.InferenceSession.create(MODEL);
    model = await openForwardModel(MODEL);
    // t10k image 0, an ankle boot (class 9), p ≈ 0.997: not saturated, so the effects are not rounding.
    pixels = await uint8Image('fmnist-0');
    x = Float32Array.from(pixels, normalise);
    scales = await Promise.all(SCALES.map((segments) => skimageLabels('fmnist-0', segments)));
  });
  after(async () => {
    await session.release();
    await model.release();
  });

  // The paper's settings, one variation of them, and the defaults (which measure best).
  const cases = [
    {
      target: 9,
      options: { preset: 'paper' },
      direct: { k: 10, operator: 'normalized', score: 'probability', weighting: 'binary', effect: 'magnitude' },
    },
    {
      target: 7,
      options: { preset: 'paper', neighbours: 5, operator: 'laplacian', score: 'logit' },
      direct: { k: 5, operator: 'laplacian', score: 'logit', weighting: 'binary', effect: 'magnitude' },
    },
    {
      target: 9,
      options: {},
      direct: { k: 5, operator: 'normalized', score: 'logit', weighting: 'gaussian', effect: 'signed' },
    },
  ] as const;
  for (const { target, options, direct: settings } of cases) {
    const name = Object.values(settings).join(', ');
    it(`target ${target}, ${name}: the same superpixels, effects, S, I and map`, async () => {
      const image = { width: 28, height: 28, channels: 1, data: Float32Array.from(pixels, (v) => v / 255) };
      const layers = await marginSaliencyLayers(
        model,
        { x, target, pixels: image },
        { ...options, scales: SCALES },
        {},
      );
      assert.deepEqual(
        layers.superpixels.map((s) => s.segments),
        SCALES,
      );
      layers.superpixels.forEach((s, i) => assert.deepEqual(Array.from(s.labels), Array.from(scales[i])));
      const direct = await directMargin(session, x, target, scales, settings);
      assert.equal(layers.nodes.effects.length, direct.effects.length);
      assert.ok(relativeError(layers.nodes.effects, direct.effects) < 1e-9, 'effects');
      assert.ok(relativeError(layers.saliency, direct.saliency) < 1e-9, 'S');
      // Binary graphs: exact up to float64 rounding. Gaussian weights are stored as
      // float32 (the graph type every task shares), which bounds the agreement near 1e-7.
      const influenceError = relativeError(layers.influence, direct.influence);
      assert.ok(influenceError < (settings.weighting === 'binary' ? 1e-9 : 1e-6), `I: ${influenceError}`);
      assert.ok(relativeError(layers.map, direct.map) < 1e-5, 'S ⊙ I (float32 map)');
      // Not vacuous: the image has both influential and non-influential nodes, and the map varies.
      assert.ok(
        Math.max(...direct.influence) > 0.2 && Math.min(...direct.effects) < Math.max(...direct.effects),
      );
    });
  }

  it('segments the model input rescaled to 0..1 the same when no pixels are given (the image spans 0..255)', async () => {
    assert.equal(Math.min(...pixels), 0);
    assert.equal(Math.max(...pixels), 255);
    const layers = await marginSaliencyLayers(model, { x, target: 9 }, { scales: SCALES }, {});
    layers.superpixels.forEach((s, i) => assert.deepEqual(Array.from(s.labels), Array.from(scales[i])));
  });

  it('is in the registry as a black-box method and returns S ⊙ I there', async () => {
    const method = attributionMethod('margin');
    assert.equal(method?.kind, 'black-box');
    const viaRegistry = await runAttribution(method!, model, { x, target: 9 }, {}, {});
    const direct = await marginSaliency(model, { x, target: 9 }, {}, {});
    assert.deepEqual(Array.from(viaRegistry), Array.from(direct));
    assert.equal(viaRegistry.length, 784);
  });

  it('reports progress in nodes and refuses bad settings by name', async () => {
    const seen: [number, number][] = [];
    const layers = await marginSaliencyLayers(
      model,
      { x, target: 9 },
      { scales: SCALES },
      { progress: (done, total) => seen.push([done, total]) },
    );
    const nodes = layers.nodes.effects.length;
    assert.deepEqual(seen[seen.length - 1], [nodes, nodes]);
    for (const [options, parameter] of [
      [{ neighbours: 0 }, 'neighbours'],
      [{ scales: [] }, 'scales'],
      [{ scales: [50, 2.5] }, 'scales'],
      [{ operator: 'band-pass' }, 'operator'],
      [{ score: 'odds' }, 'score'],
    ] as const) {
      await assert.rejects(
        marginSaliency(model, { x, target: 9 }, options as never, {}),
        (error) => isInputError(error) && (error as ParameterError).parameter === parameter,
      );
    }
  });
});
