/**
 * The adversarial task through runScan, in process, on the committed fixture:
 * test/fixtures/adversarial/ (30 clean t10k images, 15 FGSM, 15 PGD, made by
 * PyTorch) against the clean reference test/fixtures/fmnist/idx/ (t10k 0..299).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { CancelledError, InputError, ParameterError } from '../../../../../src/core/errors';
import { auroc } from '../../../../../src/core/metrics';
import { silentContext } from '../../../../../src/engine/context';
import { computeRepresentation } from '../../../../../src/engine/representation';
import { openRole, resolveParams, runScan } from '../../../../../src/engine/scan';
import { adversarialTask } from '../../../../../src/engine/tasks/adversarial';
import type { TaskDataset } from '../../../../../src/engine/tasks/types';
import type { KnnSearch } from '../../../../../src/core/types';
import { ortKnn } from '../../../../../src/model';
import type { ScanParams, ScanResult } from '../../../../../src/protocol/engine';
import { ADVERSARIAL_SCORERS } from '../../../../../src/engine/tasks/adversarial/scorers';

const ROOT = join(__dirname, '..', '..', '..', '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'adversarial');
const FMNIST = join(ROOT, 'test', 'fixtures', 'fmnist');
const MODEL = join(FMNIST, 'model.onnx');
const REFERENCE = join(FMNIST, 'idx');

function params(
  overrides: Partial<ScanParams> & {
    data?: string;
    reference?: string | null;
    referenceLabels?: string;
  } = {},
): ScanParams {
  const { data, reference, referenceLabels, ...rest } = overrides;
  const datasets: ScanParams['datasets'] = [
    { role: 'data', path: data ?? join(FIXTURE, 'inputs-labelled.csv') },
  ];
  if (reference !== null)
    datasets.push({ role: 'reference', path: reference ?? REFERENCE, labels: referenceLabels });
  return { task: 'adversarial', datasets, model: MODEL, noCache: true, ...rest };
}

/** AUROC of the ranking for "attacked", from the answer key. */
function attackAuroc(result: ScanResult): number {
  const kinds = new Map(
    readFileSync(join(FIXTURE, 'truth.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(',') as [string, string]),
  );
  return auroc(
    result.samples.map((s) => s.score),
    result.samples.map((s) => kinds.get(s.id) !== 'clean'),
  );
}

describe('engine/tasks/adversarial through runScan', function () {
  this.timeout(300_000);
  let folder: string;
  before(() => (folder = mkdtempSync(join(tmpdir(), 'margin-adversarial-'))));
  after(() => rmSync(folder, { recursive: true, force: true }));

  let fused: ScanResult;
  it('ranks the attacked images first with the default (fused) scorer, with its columns and histogram', async () => {
    fused = await runScan(params(), silentContext);
    assert.equal(fused.scorer, 'fused');
    assert.equal(fused.samples.length, 60);
    assert.deepEqual(
      fused.columns.map((c) => c.key),
      ['predicted', 'closest', 'squeezing'],
    );
    const value = attackAuroc(fused);
    // Measured 0.984 (30 clean vs 30 attacked, 280 usable reference images); the floor leaves room for platforms.
    assert.ok(value >= 0.9, `AUROC ${value}`);
    const [reference, data] = fused.distribution!.series;
    assert.equal(reference.name, 'reference (clean)');
    assert.equal(data.name, 'data under test');
    assert.equal(data.values.length, 60);
    assert.equal(reference.values.length, fused.metrics!.referenceUsed);
    assert.ok(
      fused.notices!.some((notice) =>
        /fused detector was fitted on \d+ clean reference samples/.test(notice),
      ),
    );
  });

  it("never reads the data's labels: every label replaced by another class changes nothing", async () => {
    const mislabelled = await runScan(
      params({ data: join(FIXTURE, 'inputs-mislabelled.csv') }),
      silentContext,
    );
    assert.deepEqual(
      mislabelled.samples.map((s) => [s.id, s.score, s.predicted]),
      fused.samples.map((s) => [s.id, s.score, s.predicted]),
    );
  });

  it('every scorer runs and gives finite scores on the data and the reference', async () => {
    for (const scorer of ADVERSARIAL_SCORERS.map((s) => s.name).filter((name) => name !== 'fused')) {
      const result = await runScan(params({ scorer }), silentContext);
      assert.equal(result.scorer, scorer);
      for (const series of result.distribution!.series) {
        for (const value of series.values)
          assert.ok(Number.isFinite(value), `${scorer}: ${series.name} has ${value}`);
      }
      assert.ok(
        result.samples.every((s) => Number.isFinite(s.score)),
        scorer,
      );
    }
  });

  it('without a reference: says to pass --reference with --reference-labels', async () => {
    await assert.rejects(runScan(params({ reference: null }), silentContext), (error: unknown) => {
      assert.ok(error instanceof ParameterError);
      assert.equal(error.parameter, 'reference');
      assert.match(
        error.problem,
        /is required by the adversarial task: .*--reference PATH.*--reference-labels PATH/,
      );
      return true;
    });
  });

  it('a reference whose samples differ from the data (features, not images) is refused, naming it', async () => {
    const features = join(FMNIST, 'npy', 'features.npy');
    await assert.rejects(
      runScan(
        params({ reference: features, referenceLabels: join(FMNIST, 'npy', 'labels.npy') }),
        silentContext,
      ),
      (error: unknown) =>
        error instanceof InputError && error.file === features && /cannot be compared/.test(error.problem),
    );
  });

  it('a reference of images of another size is brought to the model input, as the data is (issue 9)', async () => {
    // The first 120 images of the fixture manifest, enlarged to 32×32: the 28×28 model sees them
    // resized back (shorter side, centre crop), so enough stay correctly classified to fit on.
    const rows = readFileSync(join(FMNIST, 'manifest.csv'), 'utf8').trim().split('\n').slice(1, 121);
    for (const [index, row] of rows.entries()) {
      const [path, label] = row.split(',');
      mkdirSync(join(folder, 'big', label), { recursive: true });
      await sharp(join(FMNIST, path))
        .resize(32, 32)
        .png()
        .toFile(join(folder, 'big', label, `${index}.png`));
    }
    const result = await runScan(
      params({ reference: join(folder, 'big'), scorer: 'mahalanobis' }),
      silentContext,
    );
    assert.ok(result.samples.length > 0);
    assert.ok(result.samples.every((s) => Number.isFinite(s.score)));
  });

  it('data and reference both of features: refused by the task itself (it feeds images to the model)', async () => {
    const features = join(FMNIST, 'npy', 'features.npy');
    await assert.rejects(
      runScan(
        params({ data: features, reference: features, referenceLabels: join(FMNIST, 'npy', 'labels.npy') }),
        silentContext,
      ),
      (error: unknown) => error instanceof InputError && /holds features, not images/.test(error.problem),
    );
  });

  it('a reference of one class only is refused, naming the class', async () => {
    const labels = join(folder, 'one-class.txt');
    writeFileSync(labels, 'Bag\n'.repeat(300));
    await assert.rejects(
      runScan(params({ referenceLabels: labels, scorer: 'mahalanobis' }), silentContext),
      (error: unknown) =>
        error instanceof InputError &&
        error.file === REFERENCE &&
        /one class only \(Bag\)/.test(error.problem),
    );
  });

  it('duplicate images (zero distances) in the reference and the data: finite scores for every density detector', async () => {
    // Every fixture image three times in the data, every reference image twice.
    const lines = readFileSync(join(FIXTURE, 'inputs-labelled.csv'), 'utf8').trim().split('\n');
    const rows = lines
      .slice(1)
      .flatMap((line) => [line, line, line])
      .map((line) => `${join(FIXTURE, line.split(',')[0])},${line.split(',')[1]}`);
    const data = join(folder, 'duplicates.csv');
    writeFileSync(data, ['path,label', ...rows].join('\n'));
    const noisy = readFileSync(join(FMNIST, 'manifest.csv'), 'utf8').trim().split('\n').slice(1);
    const reference = join(folder, 'reference-duplicates.csv');
    writeFileSync(
      reference,
      [
        'path,label',
        ...noisy
          .flatMap((line) => [line, line])
          .map((line) => `${join(FMNIST, line.split(',')[0])},${line.split(',')[1]}`),
      ].join('\n'),
    );
    for (const scorer of ['lid', 'kde', 'mmd-global', 'margin-kde', 'mahalanobis']) {
      const result = await runScan(params({ data, reference, scorer }), silentContext);
      assert.equal(result.samples.length, 180);
      assert.ok(
        result.samples.every((s) => Number.isFinite(s.score)),
        scorer,
      );
      assert.ok(result.distribution!.series[0].values.every(Number.isFinite), scorer);
      // The three copies of an image get the same score.
      const byId = new Map<string, number[]>();
      for (const s of result.samples) byId.set(s.id, [...(byId.get(s.id) ?? []), s.score]);
      if (scorer !== 'lid' && scorer !== 'margin-kde') {
        for (const [id, scores] of byId)
          assert.ok(
            scores.every((v) => Math.abs(v - scores[0]) < 1e-9),
            `${scorer} ${id}: ${scores}`,
          );
      }
    }
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    const context = {
      ...silentContext,
      signal: controller.signal,
      progress: (stage: string) => stage.startsWith('crafting') && controller.abort(),
    };
    await assert.rejects(runScan(params(), context), CancelledError);
  });
});

describe("engine/tasks/adversarial with the scan's kNN search (TaskInput.neighbours)", function () {
  this.timeout(300_000);

  it('builds the MARGIN graph of reference + data with the search it is given (the real search, counted)', async () => {
    const resolved = resolveParams(params({ scorer: 'margin-kde' }), adversarialTask, ROOT);
    const [data, reference] = await Promise.all(
      resolved.datasets.map(async (spec): Promise<TaskDataset> => {
        const { dataset } = await openRole(spec, true);
        const representation = await computeRepresentation(dataset, resolved, silentContext, undefined);
        return { role: spec.role, dataset, representation };
      }),
    );
    const asked: { rows: number; k: number; ownPoints: boolean }[] = [];
    const counting: KnnSearch = (points, k, options) => {
      asked.push({ rows: points.rows, k, ownPoints: points.data === data.representation.points.data });
      return ortKnn(points, k, options);
    };
    const searched = await adversarialTask.run(
      { params: resolved, data, reference, neighbours: counting },
      silentContext,
    );
    // One graph on the reference samples used and the 60 samples under test together, so never the data's
    // own points: a graph given for the data alone cannot serve it.
    assert.deepEqual(asked, [
      { rows: searched.metrics!.referenceUsed + 60, k: resolved.k, ownPoints: false },
    ]);
    assert.deepEqual(
      searched,
      await adversarialTask.run({ params: resolved, data, reference }, silentContext),
    );
  });
});
