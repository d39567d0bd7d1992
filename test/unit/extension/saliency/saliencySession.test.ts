/**
 * The saliency panel's session against the real engine (dist/engine.js; run
 * `npm run build` first) and the fixture model: maps with their figures and
 * layers, the cache (a repeated request makes no engine call; a changed file
 * does), cancellation, and the errors the panel shows (no gradients, unknown
 * target, broken image).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineClient } from '../../../../src/extension/engine/engineClient';
import { ExplainCache } from '../../../../src/extension/saliency/explainCache';
import { planeOf, resultSize, sumOverChannels } from '../../../../src/extension/saliency/saliencyMapView';
import { SaliencySession } from '../../../../src/extension/saliency/saliencySession';
import { stampFile, subjectOf } from '../../../../src/extension/saliency/saliencySubject';
import type { ExplainResult } from '../../../../src/protocol/engine';
import type { SaliencyState } from '../../../../src/protocol/saliencyPanel';

const repo = join(__dirname, '..', '..', '..', '..');
const fixtures = join(repo, 'test', 'fixtures');
const MODEL = join(fixtures, 'fmnist', 'model.onnx');
const PNG = join(fixtures, 'fmnist', 'reference', 'png', '003.png');
const NO_GRADIENTS = join(fixtures, 'autodiff', 'bad', 'unsupported-op.onnx');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** A float32 .npy of `shape` filled with `fill` (format 1.0, header padded to 64 bytes). */
function npy(shape: number[], fill: number): Buffer {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const prefix = Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8]);
  const count = shape.reduce((a, b) => a * b, 1);
  return Buffer.concat([prefix, Buffer.from(header), Buffer.from(new Float32Array(count).fill(fill).buffer)]);
}

describe('extension/saliency/SaliencySession (real engine)', function () {
  this.timeout(180_000);
  let engine: EngineClient;
  let dir: string;
  let calls: number;

  const open = async (input: string, model = MODEL, cache = new ExplainCache<ExplainResult>(resultSize)) => {
    const { subject, layout } = await subjectOf(input, model);
    const states: SaliencyState[] = [];
    const session = new SaliencySession({
      subject,
      ...(layout ? { layout } : {}),
      explain: (params, token, onProgress) => {
        calls += 1;
        return engine.explain(params, token, onProgress);
      },
      stamp: stampFile,
      cache,
      onChange: (state) => states.push(state),
    });
    return { session, states, cache };
  };

  before(() => {
    engine = new EngineClient({ enginePath: join(repo, 'dist', 'engine.js'), log: quiet });
    dir = mkdtempSync(join(tmpdir(), 'margin-saliency-'));
  });
  beforeEach(() => (calls = 0));
  after(() => engine.dispose());

  it('shows the engine map summed over channels, the figures, the classes and the margin layers', async () => {
    const { session, states } = await open(PNG);
    const [view] = await session.explain({ method: 'margin', options: {} });
    assert.equal(view.status, 'done', JSON.stringify(view.error));
    const direct = await engine.explain({ model: MODEL, input: PNG, method: 'margin', metrics: true });
    const map = view.map!;
    assert.equal(map.target, direct.predicted);
    assert.equal(map.targetLabel, direct.predictedLabel);
    // One channel: the sum over channels is the engine's map itself.
    assert.deepEqual(map.layers[0].values, direct.map);
    assert.deepEqual([map.layers[0].width, map.layers[0].height], [28, 28]);
    assert.deepEqual(map.metrics, direct.metrics);
    const keys = map.layers.map((layer) => layer.key);
    assert.deepEqual(keys.slice(0, 3), ['map', 'saliency', 'influence']);
    assert.equal(
      keys.filter((key) => key.startsWith('superpixels-')).length,
      direct.layers!.superpixels.length,
    );
    assert.deepEqual(map.layers[1].values, direct.layers!.saliency);

    const classes = session.current.classes!;
    assert.equal(classes.length, 10);
    assert.equal(classes[2].label, 'Pullover');
    assert.deepEqual(
      classes.map((entry) => entry.probability),
      direct.probabilities,
    );
    assert.ok(
      states.some((state) => state.views[0]?.status === 'running'),
      'the view ran before it was done',
    );
  });

  it('answers a repeated request (and the predicted class by index) from the cache, without an engine call', async () => {
    const { session } = await open(PNG);
    const [first] = await session.explain({ method: 'occlusion', options: { baseline: 'black' } });
    assert.equal(calls, 1);
    assert.equal(first.map!.cached, false);
    const [again] = await session.explain({ method: 'occlusion', options: { baseline: 'black' } });
    assert.equal(calls, 1);
    assert.equal(again.map!.cached, true);
    assert.deepEqual(again.map!.layers, first.map!.layers);
    const [byIndex] = await session.explain({
      method: 'occlusion',
      target: first.map!.target,
      options: { baseline: 'black' },
    });
    assert.equal(calls, 1);
    assert.equal(byIndex.map!.cached, true);

    const other = (first.map!.target + 1) % 10;
    const [otherTarget] = await session.explain({
      method: 'occlusion',
      target: other,
      options: { baseline: 'black' },
    });
    assert.equal(calls, 2);
    assert.equal(otherTarget.map!.target, other);
    assert.notDeepEqual(otherTarget.map!.layers[0].values, first.map!.layers[0].values);
  });

  it('asks the engine again when the image changed on disk', async () => {
    const copy = join(dir, 'copy.png');
    copyFileSync(PNG, copy);
    const { session } = await open(copy);
    await session.explain({ method: 'gradient', options: {} });
    await session.explain({ method: 'gradient', options: {} });
    assert.equal(calls, 1);
    const later = new Date(Date.now() + 5000);
    utimesSync(copy, later, later);
    const [view] = await session.explain({ method: 'gradient', options: {} });
    assert.equal(calls, 2);
    assert.equal(view.map!.cached, false);
  });

  it('compare mode: one view per method, each with its own figures, cached ones at once', async () => {
    const { session } = await open(PNG);
    await session.explain({ method: 'occlusion', options: {} });
    const views = await session.compare(['occlusion', 'gradient', 'ig'], undefined, { steps: 8 });
    assert.deepEqual(
      views.map((view) => [view.request.method, view.status, view.map?.cached]),
      [
        ['occlusion', 'done', true],
        ['gradient', 'done', false],
        ['ig', 'done', false],
      ],
    );
    assert.equal(calls, 3);
    for (const view of views) assert.ok(view.map!.metrics, `${view.request.method} has figures`);
    assert.notDeepEqual(views[0].map!.layers[0].values, views[1].map!.layers[0].values);
  });

  it('cancel stops the engine job: the view says cancelled and the engine takes the next request', async () => {
    const { session, states } = await open(PNG);
    const running = session.explain({ method: 'smoothgrad', options: { samples: 400_000 } });
    const started = Date.now();
    while (!states.some((state) => state.views[0]?.progress?.stage.startsWith('explaining'))) {
      if (Date.now() - started > 60_000) throw new Error('no progress from the engine');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    session.cancel();
    const [view] = await running;
    assert.equal(view.status, 'cancelled');
    assert.ok(Date.now() - started < 30_000, 'cancelled well before 400,000 samples ran');
    const [next] = await session.explain({ method: 'gradient', options: {} });
    assert.equal(next.status, 'done');
  });

  it('a model without gradients: the gradient method fails naming the model, and occlusion and margin are offered', async () => {
    const input = join(dir, 'x16.npy');
    writeFileSync(input, npy([1, 16, 16], 0.5));
    const { session } = await open(input, NO_GRADIENTS);
    const [view] = await session.explain({ method: 'ig', options: {} });
    assert.equal(view.status, 'failed');
    assert.deepEqual(view.error!.alternatives, ['occlusion', 'margin']);
    assert.equal(view.error!.file, NO_GRADIENTS);
    assert.match(
      view.error!.message,
      /^unsupported-op\.onnx has no gradients, so ig cannot run on it \(.*op CumSum/,
    );
    const [occlusion] = await session.explain({ method: 'occlusion', options: {} });
    assert.equal(occlusion.status, 'done');
  });

  it('an unknown target and a broken image are shown as errors that say what and which file', async () => {
    const { session } = await open(PNG);
    const [target] = await session.explain({ method: 'gradient', target: 12, options: {} });
    assert.equal(target.status, 'failed');
    assert.match(target.error!.message, /^target: 12 is out of range: the model has 10 classes/);

    const broken = join(dir, 'broken.png');
    writeFileSync(broken, 'this is not a PNG');
    const brokenSession = (await open(broken)).session;
    const [image] = await brokenSession.explain({ method: 'gradient', options: {} });
    assert.equal(image.status, 'failed');
    assert.equal(image.error!.file, broken);
    assert.ok(image.error!.message.startsWith(`${broken}: `), image.error!.message);

    const gone = (await open(join(dir, 'missing.png'))).session;
    const [missing] = await gone.explain({ method: 'gradient', options: {} });
    assert.equal(missing.status, 'failed');
    assert.match(missing.error!.message, /missing\.png: cannot be read \(the file does not exist\)/);
    assert.equal(calls, 2, 'a file that is not there needs no engine call');
  });
});

describe('extension/saliency/saliencyMapView', () => {
  it('planeOf reads channel-major and channels-last shapes', () => {
    assert.deepEqual(planeOf([1, 28, 28]), { channels: 1, height: 28, width: 28, layout: 'chw' });
    assert.deepEqual(planeOf([3, 32, 32]), { channels: 3, height: 32, width: 32, layout: 'chw' });
    assert.deepEqual(planeOf([32, 32, 3]), { channels: 3, height: 32, width: 32, layout: 'hwc' });
    assert.deepEqual(planeOf([3, 3, 3], 'NHWC'), { channels: 3, height: 3, width: 3, layout: 'hwc' });
    assert.deepEqual(planeOf([13]), { channels: 1, height: 1, width: 13, layout: 'chw' });
  });

  it('sumOverChannels adds each pixel’s channels in either layout', () => {
    // 2 channels of 2×1: channel 0 = [1, 2], channel 1 = [10, 20].
    assert.deepEqual(
      sumOverChannels([1, 2, 10, 20], { channels: 2, height: 1, width: 2, layout: 'chw' }),
      [11, 22],
    );
    // Channels last: pixel 0 = (1, 10), pixel 1 = (2, 20).
    assert.deepEqual(
      sumOverChannels([1, 10, 2, 20], { channels: 2, height: 1, width: 2, layout: 'hwc' }),
      [11, 22],
    );
  });
});
