/** runExplain (src/engine/explain.ts) in process: inputs, targets, and the errors a user meets. */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { npyToFloat32, readNpy } from '../../../src/data/npy';
import { silentContext } from '../../../src/engine/context';
import { resolveTarget, runExplain } from '../../../src/engine/explain';
import { npyFloat32Bytes } from '../../../src/engine/mapFiles';
import { FMNIST_LABELS } from '../../support/fmnist';
import { expectInput, explainWith, scratchFolder } from './explainHelpers';

const FMNIST = resolve(__dirname, '../../fixtures/fmnist');
const MODEL = join(FMNIST, 'model.onnx');
const LABELS = FMNIST_LABELS;

describe('runExplain', function () {
  this.timeout(60_000);
  const scratch = scratchFolder('margin-explain-');
  let sample: string;
  before(async () => {
    const inputs = npyToFloat32(await readNpy(join(FMNIST, 'reference', 'inputs16.npy')));
    sample = join(scratch.path, 'x0.npy');
    await writeFile(sample, npyFloat32Bytes([1, 1, 28, 28], inputs.subarray(0, 784)));
  });
  const explain = explainWith(scratch, MODEL, () => sample);

  it('gives the same map for a PNG and for its preprocessed tensor as .npy', async () => {
    const fromNpy = await explain({});
    const fromPng = await explain({ input: join(FMNIST, 'reference', 'png', '000.png') });
    assert.equal(fromNpy.predicted, 9);
    assert.equal(fromNpy.predictedLabel, 'Ankle_boot');
    assert.equal(fromNpy.target, 9, 'the default target is the predicted class');
    assert.deepEqual(fromNpy.shape, [1, 28, 28]);
    assert.ok(Math.abs(fromNpy.probabilities.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    let worst = 0;
    for (let i = 0; i < 784; i++) worst = Math.max(worst, Math.abs(fromNpy.map[i] - fromPng.map[i]));
    assert.ok(worst < 1e-3, `max difference ${worst}`);
  });

  it('explains the class given by index or by label name', async () => {
    const byIndex = await explain({ target: 7 });
    const byName = await explain({ target: 'sneaker' });
    assert.equal(byIndex.target, 7);
    assert.equal(byName.targetLabel, 'Sneaker');
    assert.deepEqual(Array.from(byName.map), Array.from(byIndex.map));
  });

  it('resolves targets and explains the ones it refuses', () => {
    assert.equal(resolveTarget(undefined, 10, LABELS, MODEL), undefined);
    assert.equal(resolveTarget('3', 10, LABELS, MODEL), 3);
    assert.equal(resolveTarget(0, 10, undefined, MODEL), 0);
    assert.equal(resolveTarget('Bag', 10, LABELS, MODEL), 8);
    assert.throws(
      () => resolveTarget('10', 10, LABELS, MODEL),
      expectInput('target', /10 is out of range.*0–9/),
    );
    assert.throws(() => resolveTarget(-1, 10, LABELS, MODEL), expectInput('target', /-1 is out of range/));
    assert.throws(
      () => resolveTarget('Boot', 10, LABELS, MODEL),
      expectInput('target', /"Boot" is not a class.*Ankle_boot/),
    );
    assert.throws(() => resolveTarget('Bag', 10, undefined, MODEL), expectInput('target', /no class names/));
  });

  it('refuses a .npy of another shape, naming the file and both shapes', async () => {
    const wrong = join(scratch.path, 'wrong.npy');
    await writeFile(wrong, npyFloat32Bytes([2, 1, 28, 28], new Float32Array(2 * 784)));
    await assert.rejects(explain({ input: wrong }), expectInput(wrong, /\(2, 1, 28, 28\).*\(1, 28, 28\)/));
  });

  it('answers an unknown out format and bad options before any work', async () => {
    await assert.rejects(explain({ out: ['map.bmp'] }), expectInput('out', /\.npy, \.png or \.json/));
    await assert.rejects(explain({ options: { patch: 0 } }), expectInput('--patch', /positive integer/));
    await assert.rejects(
      explain({ method: 'margin', options: { preset: 'fast' as never } }),
      expectInput('--preset', /best, paper/),
    );
    await assert.rejects(
      explain({ method: 'margin', options: { scales: [50, 0] } }),
      expectInput('--scales', /positive integers/),
    );
  });

  it('explains with margin on an image: the map is S ⊙ I of the layers it returns', async () => {
    const png = join(FMNIST, 'reference', 'png', '000.png');
    const result = await explain({ method: 'margin', input: png });
    assert.equal(result.baseline, 'black', 'masked superpixels are filled with pixel-space black by default');
    const layers = result.layers!;
    assert.deepEqual([layers.width, layers.height], [28, 28]);
    assert.deepEqual(
      layers.superpixels.map((s) => s.segments),
      [25, 50, 100, 200],
    );
    for (const { labels } of layers.superpixels) assert.equal(labels.length, 784);
    let worst = 0;
    for (let p = 0; p < 784; p++)
      worst = Math.max(worst, Math.abs(result.map[p] - layers.saliency[p] * layers.influence[p]));
    const top = Math.max(...result.map.map(Math.abs));
    assert.ok(top > 0 && worst <= top * 1e-6, `map vs S ⊙ I: ${worst} of ${top}`);
    assert.ok(Math.max(...layers.influence) <= 1 && Math.min(...layers.influence) >= 0);

    const paper = await explain({ method: 'margin', input: png, options: { preset: 'paper' } });
    assert.equal(paper.baseline, 'zeros', 'the paper preset fills as published');
    assert.deepEqual(
      paper.layers!.superpixels.map((s) => s.segments),
      [50, 100, 150, 200, 250, 300],
    );
    const three = await explain({ method: 'margin', input: png, options: { scales: [30, 60], neighbours: 3 } });
    assert.deepEqual(
      three.layers!.superpixels.map((s) => s.segments),
      [30, 60],
    );
    assert.equal((await explain({})).layers, undefined, 'only margin has layers');
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      runExplain(
        { model: MODEL, input: sample, method: 'occlusion' },
        { ...silentContext, signal: controller.signal },
        scratch.path,
      ),
      { name: 'CancelledError' },
    );
  });
});
