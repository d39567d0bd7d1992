/**
 * The calibration recommendation store on real files: a recommendation is read
 * back only for the task, data and model (path and bytes) it was measured on;
 * a file that does not validate, belongs to another key, names a scorer that
 * is gone or cannot run is ignored with one line, and never makes the read throw.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  calibratedScorer,
  recommendationPath,
  writeRecommendation,
  type StoredRecommendation,
} from '../../../../src/engine/calibrate/recommendationStore';
import { resolveParams } from '../../../../src/engine/scan';
import { findTask } from '../../../../src/engine/tasks';
import type { ResolvedScanParams } from '../../../../src/engine/tasks/types';
import type { DatasetSpec } from '../../../../src/protocol/engine';
import { FMNIST, makeTempDir } from '../../data/helpers';

const labels = findTask('labels');
const boundary = findTask('boundary');
const MANIFEST = join(FMNIST, 'manifest.csv');

/** What calibration measured, as runCalibration passes it. */
const MEASURED = {
  scorer: 'margin',
  k: 20,
  fraction: 0.1,
  seeds: 3,
  recall: [
    { fraction: 0.1, mean: 0.8, sd: 0.1, perSeed: [0.7, 0.8, 0.9] },
    { fraction: 0.3, mean: 0.9, sd: 0, perSeed: [0.9, 0.9, 0.9] },
  ],
  calibratedAt: '2025-01-02T03:04:05.000Z',
};
const CHOSEN =
  'scorer margin chosen by calibration on this dataset and model (3 seeds, 10% of labels flipped, recall@10% 0.800 ± 0.100; 2025-01-02)';

describe('engine/calibrate/recommendationStore', () => {
  let temp: Awaited<ReturnType<typeof makeTempDir>>;
  let model: string;
  let params: ResolvedScanParams;

  const paramsFor = (task = labels, extra: { model?: string; datasets?: DatasetSpec[] } = {}) =>
    resolveParams(
      { task: task.name, datasets: [{ role: 'data', path: MANIFEST }], model, cacheRoot: temp.dir, ...extra },
      task,
      temp.dir,
    );
  const fileOf = (p = params, task = labels) => recommendationPath(task.name, p)!;
  const ignoredLine = (problem: RegExp, p = params) =>
    new RegExp(
      `^ignored the calibration file ${escape(relative(p.cacheRoot, fileOf(p)))} \\(${problem.source}\\); run margin calibrate again$`,
    );

  beforeEach(async () => {
    temp = await makeTempDir();
    // A copy, so that a test can change the model's bytes.
    model = join(temp.dir, 'model.onnx');
    copyFileSync(join(FMNIST, 'model.onnx'), model);
    params = paramsFor();
  });
  afterEach(() => temp.cleanup());

  it('reads back what calibration wrote, with the model hashed by its bytes', async () => {
    const file = await writeRecommendation(labels.name, params, MEASURED);
    assert.equal(file, fileOf());
    const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredRecommendation;
    const sha256 = createHash('sha256').update(readFileSync(model)).digest('hex');
    assert.equal(stored.modelSha256, sha256);
    assert.equal(stored.model, model);
    assert.deepEqual(stored.data, { path: MANIFEST });
    for (const requested of [undefined, 'auto'])
      assert.deepEqual(await calibratedScorer(labels, params, requested), {
        scorer: 'margin',
        notice: CHOSEN,
      });
  });

  it('is not consulted for an explicit scorer, and is silent when calibration never ran', async () => {
    mkdirSync(join(temp.dir, '.margin', 'calibration'), { recursive: true });
    writeFileSync(fileOf(), 'not json');
    assert.equal(await calibratedScorer(labels, params, 'disagreement'), undefined);
    rmSync(fileOf());
    assert.equal(await calibratedScorer(labels, params, 'auto'), undefined);
  });

  it('ignores a file that does not validate, in one line naming the file and the problem', async () => {
    await writeRecommendation(labels.name, params, MEASURED);
    const original = readFileSync(fileOf(), 'utf8');
    const valid = JSON.parse(original) as Record<string, unknown>;
    const edited = (change: Record<string, unknown>) => JSON.stringify({ ...valid, ...change });
    // Bytes 0…255 scrambled: not text, let alone JSON.
    const noise = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 197 + 13) % 256));
    const cases: [string, string | Buffer, RegExp][] = [
      [
        'truncated',
        original.slice(0, original.length / 2),
        /it is not valid JSON \(truncated or overwritten\)/,
      ],
      ['random bytes', noise, /it is not valid JSON \(truncated or overwritten\)/],
      ['empty', '', /it is not valid JSON \(truncated or overwritten\)/],
      ['null', 'null', /it does not hold a JSON object/],
      ['a list', '[1, 2]', /it does not hold a JSON object/],
      ['a number', '42', /it does not hold a JSON object/],
      ['no version', edited({ version: undefined }), /version is not a whole number ≥ 0/],
      [
        'the old format',
        edited({ version: 1 }),
        /it was written by another version of MARGIN Lens \(format 1, this one reads 2\)/,
      ],
      [
        'a newer format',
        edited({ version: 99 }),
        /it was written by another version of MARGIN Lens \(format 99, this one reads 2\)/,
      ],
      ['scorer a number', edited({ scorer: 5 }), /scorer is not text/],
      ['recall an object', edited({ recall: { mean: 1 } }), /recall is not a list/],
      [
        'mean as text',
        edited({ recall: [{ fraction: 0.1, mean: '0.8', sd: 0 }] }),
        /recall\[0\]\.mean is not a number in \[0, 1\]/,
      ],
      [
        'mean above 1',
        edited({ recall: [{ fraction: 0.1, mean: 1.5, sd: 0 }] }),
        /recall\[0\]\.mean is not a number in \[0, 1\]/,
      ],
      [
        'mean null',
        edited({ recall: [{ fraction: 0.1, mean: null, sd: 0 }] }),
        /recall\[0\]\.mean is not a number in \[0, 1\]/,
      ],
      ['fraction 0', edited({ fraction: 0 }), /fraction is not a number in \(0, 0\.5\]/],
      ['seeds 2.5', edited({ seeds: 2.5 }), /seeds is not a whole number ≥ 1/],
      ['no data path', edited({ data: { labels: 'x' } }), /data\.path is not text/],
      ['a short hash', edited({ modelSha256: 'abc' }), /modelSha256 is not a SHA-256/],
      ['no hash with a model', edited({ modelSha256: null }), /it gives no hash of its model/],
      ['no date', edited({ calibratedAt: 'yesterday' }), /calibratedAt is not a date/],
      ['another task', edited({ task: 'boundary' }), /it belongs to another task, dataset or model/],
    ];
    for (const [what, content, problem] of cases) {
      writeFileSync(fileOf(), content);
      const choice = await calibratedScorer(labels, params, 'auto');
      assert.equal(choice?.scorer, undefined, what);
      assert.match(choice!.notice, ignoredLine(problem), what);
      assert.ok(!choice!.notice.includes('\n'), `${what}: one line`);
    }
    // A folder where the file should be cannot be read: still one line, still no throw.
    rmSync(fileOf());
    mkdirSync(fileOf());
    const folder = await calibratedScorer(labels, params, 'auto');
    assert.equal(folder?.scorer, undefined);
    assert.match(folder!.notice, ignoredLine(/it cannot be read: EISDIR.*/));
  });

  it('ignores a file filed under this key but measured on other data or another model path', async () => {
    const otherData = paramsFor(labels, {
      datasets: [{ role: 'data', path: MANIFEST, labels: join(FMNIST, 'noisy', 'labels.txt') }],
    });
    const elsewhere = join(temp.dir, 'elsewhere.onnx');
    copyFileSync(model, elsewhere);
    const otherModel = paramsFor(labels, { model: elsewhere });
    for (const other of [otherData, otherModel]) {
      // The other key has a calibration of its own…
      await writeRecommendation(labels.name, other, MEASURED);
      assert.equal((await calibratedScorer(labels, other, 'auto'))?.scorer, 'margin');
      // …which, copied under this key, is not this one's.
      mkdirSync(join(temp.dir, '.margin', 'calibration'), { recursive: true });
      copyFileSync(fileOf(other), fileOf());
      const choice = await calibratedScorer(labels, params, 'auto');
      assert.equal(choice?.scorer, undefined);
      assert.match(choice!.notice, ignoredLine(/it belongs to another task, dataset or model/));
    }
    // A hand-edited file whose data fields are reordered is still this one's.
    await writeRecommendation(labels.name, otherData, MEASURED);
    const stored = JSON.parse(readFileSync(fileOf(otherData), 'utf8')) as StoredRecommendation;
    writeFileSync(
      fileOf(otherData),
      JSON.stringify({ ...stored, data: { labels: stored.data.labels, path: stored.data.path } }),
    );
    assert.equal((await calibratedScorer(labels, otherData, 'auto'))?.scorer, 'margin');
  });

  it('keys by the model bytes: a changed model is not reused, the same bytes touched again are', async () => {
    await writeRecommendation(labels.name, params, MEASURED);
    const bytes = readFileSync(model);
    // Re-exported over itself: other bytes at the same path (one unknown protobuf field appended).
    writeFileSync(model, Buffer.concat([bytes, Buffer.from([0x98, 0x06, 0x01])]));
    const changed = await calibratedScorer(labels, params, 'auto');
    assert.equal(changed?.scorer, undefined);
    assert.match(changed!.notice, ignoredLine(/model\.onnx has changed since it was calibrated/));
    // The original bytes, with a new modification time: the same model.
    writeFileSync(model, bytes);
    utimesSync(model, new Date(2030, 0, 1), new Date(2030, 0, 1));
    assert.deepEqual(await calibratedScorer(labels, params, 'auto'), { scorer: 'margin', notice: CHOSEN });
    // A model that is gone is the scan's to report: no choice and no notice here.
    rmSync(model);
    assert.equal(await calibratedScorer(labels, params, 'auto'), undefined);
  });

  it('without a model: stored with no hash, and not the calibration of a scan with a model', async () => {
    const withoutModel = paramsFor(labels, { model: undefined });
    const file = await writeRecommendation(labels.name, withoutModel, MEASURED);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredRecommendation;
    assert.equal(stored.model, null);
    assert.equal(stored.modelSha256, null);
    assert.deepEqual(await calibratedScorer(labels, withoutModel, 'auto'), {
      scorer: 'margin',
      notice: CHOSEN,
    });
    assert.equal(await calibratedScorer(labels, params, 'auto'), undefined);
    // A hash without a model does not validate.
    writeFileSync(file, JSON.stringify({ ...stored, modelSha256: 'a'.repeat(64) }));
    const choice = await calibratedScorer(labels, withoutModel, 'auto');
    assert.equal(choice?.scorer, undefined);
    assert.match(choice!.notice, ignoredLine(/it gives a model hash without a model/, withoutModel));
  });

  it('ignores a scorer that no longer exists, or that needs what the scan lacks', async () => {
    await writeRecommendation(labels.name, params, { ...MEASURED, scorer: 'retired-scorer' });
    assert.deepEqual(await calibratedScorer(labels, params, 'auto'), {
      notice:
        'ignored the calibration\'s choice "retired-scorer": the labels task has no such scorer now (run margin calibrate again)',
    });
    // The boundary task's trust-score needs a labelled reference set, boundary-distance a model.
    const boundaryParams = paramsFor(boundary);
    await writeRecommendation(boundary.name, boundaryParams, { ...MEASURED, scorer: 'trust-score' });
    assert.deepEqual(await calibratedScorer(boundary, boundaryParams, 'auto'), {
      notice:
        'ignored the calibration\'s choice "trust-score": it needs a labelled reference set, which this scan does not have (run margin calibrate again)',
    });
    const noModel = paramsFor(boundary, { model: undefined });
    await writeRecommendation(boundary.name, noModel, { ...MEASURED, scorer: 'boundary-distance' });
    assert.deepEqual(await calibratedScorer(boundary, noModel, 'auto'), {
      notice:
        'ignored the calibration\'s choice "boundary-distance": it needs a model, which this scan does not have (run margin calibrate again)',
    });
    // With the model it needs, the same choice is taken.
    await writeRecommendation(boundary.name, boundaryParams, { ...MEASURED, scorer: 'boundary-distance' });
    assert.equal((await calibratedScorer(boundary, boundaryParams, 'auto'))?.scorer, 'boundary-distance');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
