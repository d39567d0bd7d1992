/** runExplain (src/engine/explain.ts) in process: inputs, targets, and the errors a user meets. */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isInputError } from '../../../src/core/errors';
import { npyToFloat32, readNpy } from '../../../src/data/npy';
import { silentContext } from '../../../src/engine/context';
import { resolveTarget, runExplain } from '../../../src/engine/explain';
import { npyFloat32Bytes } from '../../../src/engine/mapFiles';
import type { ExplainParams } from '../../../src/protocol/engine';
import { FMNIST_LABELS } from '../../support/fmnist';

const FMNIST = resolve(__dirname, '../../fixtures/fmnist');
const MODEL = join(FMNIST, 'model.onnx');
const LABELS = FMNIST_LABELS;

function expectInput(file: string, problem: RegExp) {
  return (error: unknown) => {
    assert.ok(isInputError(error), `an InputError, got ${String(error)}`);
    assert.equal((error as { file: string }).file, file);
    assert.match((error as { problem: string }).problem, problem);
    return true;
  };
}

describe('runExplain', function () {
  this.timeout(60_000);
  let dir: string;
  let sample: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'margin-explain-'));
    const inputs = npyToFloat32(await readNpy(join(FMNIST, 'reference', 'inputs16.npy')));
    sample = join(dir, 'x0.npy');
    await writeFile(sample, npyFloat32Bytes([1, 1, 28, 28], inputs.subarray(0, 784)));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const explain = (overrides: Partial<ExplainParams>) =>
    runExplain({ model: MODEL, input: sample, method: 'occlusion', ...overrides }, silentContext, dir);

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
    const wrong = join(dir, 'wrong.npy');
    await writeFile(wrong, npyFloat32Bytes([2, 1, 28, 28], new Float32Array(2 * 784)));
    await assert.rejects(explain({ input: wrong }), expectInput(wrong, /\(2, 1, 28, 28\).*\(1, 28, 28\)/));
  });

  it('answers margin with "not available yet" and an unknown out format before any work', async () => {
    await assert.rejects(
      explain({ method: 'margin' }),
      (error: Error) => error.name === 'NotImplementedError' && /not available yet/.test(error.message),
    );
    await assert.rejects(explain({ out: ['map.bmp'] }), expectInput('out', /\.npy, \.png or \.json/));
    await assert.rejects(explain({ options: { patch: 0 } }), expectInput('--patch', /positive integer/));
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      runExplain(
        { model: MODEL, input: sample, method: 'occlusion' },
        { ...silentContext, signal: controller.signal },
        dir,
      ),
      { name: 'CancelledError' },
    );
  });
});
