/**
 * Each sample's `probabilities`: the model's top 5 classes. On the 16 test
 * images the fixtures hold PyTorch's logits for (test/fixtures/README.md), the
 * expectation is the softmax of those logits, computed here in float64, so
 * onnxruntime, preprocessing and the engine's softmax are all checked against
 * a reference made elsewhere. Then: a second scan served from the cache keeps
 * the field, a scan without a model has none, and the JSON stays small.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { npyNumbers, npyToFloat32, readNpy } from '../../src/data/npy';
import { silentContext } from '../../src/engine/context';
import { runScan } from '../../src/engine/scan';
import type { SampleResult, ScanParams, ScanResult } from '../../src/protocol/engine';
import { fixtures, freshDir } from './helpers';

const FMNIST = join(fixtures, 'fmnist');
const MODEL = join(FMNIST, 'model.onnx');
const REFERENCE = join(FMNIST, 'reference');
const CLASSES = (JSON.parse(readFileSync(join(FMNIST, 'model.margin.json'), 'utf8')) as { labels: string[] })
  .labels;
/**
 * onnxruntime's logits are within 1e-4 of PyTorch's (test/unit/model/inference.test.ts): p within
 * 2e-4 relative; rounding down to 4 digits takes up to 1e-3 more. The closest two of any image's
 * top 6 logits are 0.0176 apart, far beyond that, so the order of the classes is not in doubt.
 */
const RELATIVE_TOLERANCE = 1.5e-3;

/** Softmax in float64 of each row, the classes sorted by p (descending). */
function referenceTopClasses(logits: Float32Array, classes: number): { label: string; p: number }[][] {
  const rows = logits.length / classes;
  return Array.from({ length: rows }, (_, r) => {
    const row = Array.from(logits.subarray(r * classes, (r + 1) * classes), Number);
    const exps = row.map((value) => Math.exp(value - Math.max(...row)));
    const total = exps.reduce((sum, value) => sum + value, 0);
    return exps
      .map((value, c) => ({ label: CLASSES[c], p: value / total }))
      .sort((a, b) => b.p - a.p);
  });
}

/** The shape every list must have, whatever the sample. */
function assertWellFormed(sample: SampleResult, what: string): void {
  const listed = sample.probabilities;
  assert.ok(listed, `${what}: no probabilities`);
  assert.equal(listed.length, 5, what);
  assert.equal(new Set(listed.map((entry) => entry.label)).size, 5, `${what}: a class listed twice`);
  for (const { label, p } of listed) {
    assert.ok(CLASSES.includes(label), `${what}: ${label}`);
    assert.ok(p >= 0 && p <= 1, `${what}: p ${p}`);
    assert.equal(Number(p.toPrecision(4)), p, `${what}: ${p} has more than 4 significant digits`);
  }
  for (let i = 1; i < listed.length; i++) assert.ok(listed[i - 1].p >= listed[i].p, `${what}: not descending`);
  assert.ok(listed.reduce((sum, entry) => sum + entry.p, 0) <= 1, `${what}: sum above 1`);
  // The most probable class is the one the task's `predicted` column names.
  assert.equal(listed[0].label, sample.predicted, `${what}: top class vs predicted`);
}

describe('sample probabilities: the model top classes of each sample', function () {
  this.timeout(600_000);
  const dir = freshDir();

  it('labels: the top 5 classes of the 16 reference images are the softmax of PyTorch logits', async () => {
    const logits = npyToFloat32(await readNpy(join(REFERENCE, 'logits16.npy')));
    const labels = npyNumbers(await readNpy(join(REFERENCE, 'labels16.npy')));
    const manifest = join(dir, 'reference.csv');
    const rows = Array.from(labels, (label, i) => {
      const file = join(REFERENCE, 'png', `${String(i).padStart(3, '0')}.png`);
      return `${file},${CLASSES[label]}`;
    });
    writeFileSync(manifest, ['path,label', ...rows].join('\n') + '\n');
    const params: ScanParams = {
      task: 'labels',
      k: 5,
      model: MODEL,
      datasets: [{ role: 'data', path: manifest }],
      noCache: true,
    };
    const result = await runScan(params, silentContext, dir);
    assert.equal(result.samples.length, 16);
    const expected = referenceTopClasses(logits, CLASSES.length);
    for (const sample of result.samples) {
      const what = `image ${sample.index}`;
      assertWellFormed(sample, what);
      const reference = expected[sample.index].slice(0, 5);
      assert.deepEqual(
        sample.probabilities!.map((entry) => entry.label),
        reference.map((entry) => entry.label),
        what,
      );
      sample.probabilities!.forEach(({ p }, i) => {
        const want = reference[i].p;
        assert.ok(
          Math.abs(p - want) <= RELATIVE_TOLERANCE * want,
          `${what}, class ${reference[i].label}: ${p} vs ${want}`,
        );
      });
    }
    // Not all sure of themselves: some image must leave a runner-up above 1%, or the test would check little.
    assert.ok(result.samples.some((sample) => sample.probabilities![1].p > 0.01));
  });

  it('a second scan served from the cache returns the same probabilities', async () => {
    const cacheRoot = freshDir();
    const params: ScanParams = {
      task: 'labels',
      k: 5,
      model: MODEL,
      datasets: [{ role: 'data', path: join(FMNIST, 'manifest.csv') }],
      cacheRoot,
    };
    const first = await runScan(params, silentContext, dir);
    assert.equal(first.cached.result, false);
    assert.equal(first.samples.length, 100);
    first.samples.forEach((sample) => assertWellFormed(sample, `sample ${sample.index}`));
    const second = await runScan(params, silentContext, dir);
    assert.equal(second.cached.result, true);
    assert.deepEqual(
      second.samples.map((sample) => sample.probabilities),
      first.samples.map((sample) => sample.probabilities),
    );
    // 5 label/p pairs a sample: well under 250 characters of JSON, ~15 MB for 60,000 samples.
    for (const sample of second.samples) assert.ok(JSON.stringify(sample.probabilities).length < 250);
  });

  it('boundary lists them too: every task whose scan ran a model', async () => {
    const result: ScanResult = await runScan(
      {
        task: 'boundary',
        scorer: 'margin',
        k: 7,
        model: MODEL,
        datasets: [{ role: 'data', path: join(FMNIST, 'manifest.csv') }],
        noCache: true,
      },
      silentContext,
      dir,
    );
    assert.equal(result.samples.length, 100);
    result.samples.forEach((sample) => assertWellFormed(sample, `boundary sample ${sample.index}`));
  });

  it('a scan without a model lists none', async () => {
    const result = await runScan(
      { task: 'labels', k: 5, datasets: [{ role: 'data', path: join(FMNIST, 'manifest.csv') }], noCache: true },
      silentContext,
      dir,
    );
    assert.ok(result.samples.length > 0);
    assert.ok(result.samples.every((sample) => sample.probabilities === undefined));
  });
});
