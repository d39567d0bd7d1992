/**
 * Tables and vector models through the CLI (issue 9, section 3): a tabular CSV
 * scanned without a model on standardised features (and with
 * --no-standardize), a tabular CSV with a model that takes vectors (its
 * embeddings against PyTorch's, its scores against MARGIN recomputed on those),
 * models exported with a fixed batch against the dynamic export, explaining a
 * vector model on a .npy input and on a CSV row (gradient against finite
 * differences), and the bad inputs (huge images refused from their header).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { graphFromKnn } from '../../src/core/csr';
import { exactKnn } from '../../src/core/knn';
import { labelDisagreement } from '../../src/core/labels';
import { highPassInfluence } from '../../src/core/margin';
import { npyToFloat32, readNpy } from '../../src/data/npy';
import { openDataset } from '../../src/data/open';
import { silentContext } from '../../src/engine/context';
import { computeRepresentation } from '../../src/engine/representation';
import type { ForwardModel } from '../../src/model/autodiff/types';
import { openForwardModel } from '../../src/model/forwardModel';
import { sidecarPath } from '../../src/model/sidecar';
import type { ScanResult } from '../../src/protocol/engine';
import { npyBytes } from '../unit/data/helpers';
import { cliPath, fixtures, freshDir, readCsv, runCli, type CliRun } from './helpers';
import { readPeakRss, writePeakRssProbe } from '../support/peakRss';

const TABULAR = join(fixtures, 'tabular');
const FIXED = join(fixtures, 'fixed-batch');
const MLP = join(TABULAR, 'wine-mlp.onnx');
const WINE = join(TABULAR, 'wine.csv');
const STANDARDISED = /the \d+ feature columns were standardised \(mean 0, standard deviation 1 each/;

function scan(args: string[]): { result: ScanResult; stderr: string } {
  const dir = freshDir();
  const out = join(dir, 'r.json');
  const run = runCli(['scan', ...args, '--out', out, '--quiet', '--no-cache'], dir);
  assert.equal(run.status, 0, `margin scan failed: ${run.stderr}`);
  return { result: JSON.parse(readFileSync(out, 'utf8')) as ScanResult, stderr: run.stderr };
}

/** The last stderr line of a run that must fail with exit code 2. */
function failure(args: string[]): string {
  return lastErrorLine(runCli(args));
}

/**
 * The built CLI in a child that prints its own peak RSS at exit
 * (`process.resourceUsage().maxRSS`, loaded with -r), as bench/cliScan.ts measures a scan.
 */
function runCliMeasured(args: string[], dir: string): CliRun & { peakMiB: number; seconds: number } {
  const probe = writePeakRssProbe(dir);
  const started = performance.now();
  const run = spawnSync(process.execPath, ['-r', probe, cliPath, ...args], { cwd: dir, encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  const peak = readPeakRss(run.stderr);
  assert.ok(peak, `no peak RSS in: ${run.stderr}`);
  return { status: run.status, stdout: run.stdout, stderr: peak.stderr, peakMiB: peak.peakMiB, seconds };
}

/** The last stderr line of a run that must fail with exit code 2 (no stack trace). */
function lastErrorLine(run: CliRun): string {
  assert.equal(run.status, 2, `expected exit 2, got ${run.status}: ${run.stderr}`);
  assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  const lines = run.stderr.trim().split('\n');
  return lines[lines.length - 1];
}

async function float32(file: string): Promise<Float32Array> {
  return npyToFloat32(await readNpy(file));
}

/** Share of the truth file's flipped rows among the first 10% of the ranking. */
function recallAtTenPercent(result: ScanResult, truthCsv: string): number {
  const flipped = new Set(
    readCsv(truthCsv)
      .filter((row) => row.flipped === '1')
      .map((row) => `#${row.index}`),
  );
  const top = result.samples.slice(0, Math.ceil(0.1 * result.samples.length));
  return top.filter((sample) => flipped.has(sample.id)).length / flipped.size;
}

/** `margin explain` of the MLP's class 1 by its gradient, written to g.npy in `dir`. */
function explainClass1(dir: string, input: string, extra: string[] = []) {
  return runCli(
    [
      'explain',
      '--model',
      MLP,
      '--input',
      input,
      ...extra,
      '--method',
      'gradient',
      '--target',
      '1',
      '--out',
      'g.npy',
      '--quiet',
    ],
    dir,
  );
}

/**
 * The MLP's map for class 1 at x equals central finite differences of its
 * class-1 logit (within 1e-3 of the map's largest value), in a linear region.
 */
async function assertGradientOfClass1(gradient: Float32Array, x: Float32Array): Promise<void> {
  const model = await openForwardModel(MLP);
  try {
    const differences = await finiteDifferences(model, x, 1e-2, (logits) => logits[1]);
    assert.ok(differences.linear, 'the row lies in a linear region of the network');
    const scale = Math.max(...Array.from(gradient, Math.abs));
    assert.ok(scale > 0, 'a gradient that is not zero');
    assert.ok(
      maxDifference(differences.gradient, gradient) < 1e-3 * scale,
      `${differences.gradient} vs ${gradient}`,
    );
  } finally {
    await model.release();
  }
}

describe('tabular data and vector models (CLI)', function () {
  this.timeout(300_000);

  for (const table of ['breast-cancer', 'wine']) {
    it(`standardises the ${table} table's features by default, says so, and finds more of its flipped labels (MARGIN scorer) than on the raw columns`, () => {
      const data = join(TABULAR, `${table}.csv`);
      const truth = join(TABULAR, `${table}-truth.csv`);
      // The paper's scorer: the graph alone decides its ranking.
      const standardised = scan(['--data', data, '--scorer', 'margin']);
      const raw = scan(['--data', data, '--scorer', 'margin', '--no-standardize']);
      assert.ok(standardised.result.notices!.some((notice) => STANDARDISED.test(notice)));
      assert.match(standardised.stderr, /note: the \d+ feature columns were standardised/);
      assert.ok(!raw.result.notices!.some((notice) => STANDARDISED.test(notice)));
      assert.equal(raw.result.params.standardize, false);
      const [withScaling, without] = [
        recallAtTenPercent(standardised.result, truth),
        recallAtTenPercent(raw.result, truth),
      ];
      console.log(
        `      ${table}: recall@10% standardised ${withScaling.toFixed(3)}, raw ${without.toFixed(3)}`,
      );
      assert.ok(withScaling > without, `standardised ${withScaling} vs raw ${without}`);
      assert.ok(withScaling >= 0.8, `standardised recall@10% = ${withScaling}`);
    });
  }

  it('names a constant column it left at 0', () => {
    const { result } = scan(['--data', join(TABULAR, 'standard-scaler', 'constant-column.csv'), '--k', '5']);
    assert.ok(result.notices!.some((notice) => /1 constant column \("constant"\) left at 0/.test(notice)));
  });

  describe('a model that takes vectors', () => {
    it("computes the embeddings of wine.csv's rows as PyTorch does (within 1e-4)", async () => {
      const dataset = await openDataset(WINE);
      const representation = await computeRepresentation(
        dataset,
        { task: 'labels', datasets: [{ role: 'data', path: WINE }], model: MLP },
        silentContext,
        undefined,
      );
      assert.equal(representation.source, 'model-embeddings');
      const expected = await float32(join(TABULAR, 'wine-mlp-embeddings.npy'));
      assert.deepEqual([representation.points.rows, representation.points.dim], [178, 16]);
      let max = 0;
      expected.forEach((value, i) => (max = Math.max(max, Math.abs(value - representation.points.data[i]))));
      assert.ok(max < 1e-4, `max abs difference ${max}`);
      // The table is fed to the model as the sidecar says: not standardised again.
      assert.deepEqual(representation.notices ?? [], []);
    });

    it("scans wine.csv with the MLP: predictions are PyTorch's, scores are MARGIN on PyTorch's embeddings", async () => {
      const { result } = scan(['--data', WINE, '--model', MLP, '--scorer', 'margin']);
      assert.equal(result.samples.length, 178);
      const logits = await float32(join(TABULAR, 'wine-mlp-logits.npy'));
      const names = ['class_0', 'class_1', 'class_2'];
      for (const sample of result.samples) {
        const row = Array.from(logits.subarray(sample.index * 3, sample.index * 3 + 3));
        assert.equal(sample.predicted, names[row.indexOf(Math.max(...row))]);
      }
      // The same ranking from the reference embeddings, with core's exact kNN and filter.
      const embeddings = await float32(join(TABULAR, 'wine-mlp-embeddings.npy'));
      const graph = graphFromKnn(await exactKnn({ rows: 178, dim: 16, data: embeddings }, 20));
      const labels = readCsv(join(TABULAR, 'wine-truth.csv')).map((row) => names.indexOf(row.given_label));
      const influence = highPassInfluence(graph, labelDisagreement(graph, Int32Array.from(labels)), {
        operator: 'normalized',
        variant: 'algorithm-1',
      });
      for (const sample of result.samples) assert.ok(Math.abs(sample.score - influence[sample.index]) < 1e-6);
    });

    it('explains a row: the gradient is a 13-vector equal to central finite differences of the logit', async () => {
      const dir = freshDir();
      const inputs = await float32(join(TABULAR, 'wine-mlp-inputs.npy'));
      const x = inputs.slice(5 * 13, 6 * 13);
      const row = join(dir, 'row.npy');
      writeFileSync(row, npyBytes('<f4', [13], new Uint8Array(x.buffer, x.byteOffset, x.byteLength)));
      const run = explainClass1(dir, row);
      assert.equal(run.status, 0, run.stderr);
      const map = await readNpy(join(dir, 'g.npy'));
      assert.deepEqual(map.shape, [13]);
      await assertGradientOfClass1(npyToFloat32(map), x);
    });

    it('explains a CSV row (--input wine.csv --row 5): the input a scan feeds, the gradient equal to central finite differences', async () => {
      const dir = freshDir();
      const sidecar = JSON.parse(readFileSync(sidecarPath(MLP), 'utf8')) as {
        input: { features: string[]; mean: number[]; std: number[] };
      };
      // Row 5 of the table normalised by hand, checked against PyTorch's input for it.
      const cells = readCsv(WINE)[5];
      const x = Float32Array.from(
        sidecar.input.features,
        (name, d) => (Number(cells[name]) - sidecar.input.mean[d]) / sidecar.input.std[d],
      );
      const reference = (await float32(join(TABULAR, 'wine-mlp-inputs.npy'))).subarray(5 * 13, 6 * 13);
      assert.ok(maxDifference(x, reference) < 1e-5, `${x} vs PyTorch's ${reference}`);

      const run = explainClass1(dir, WINE, ['--row', '5']);
      assert.equal(run.status, 0, run.stderr);
      // The prediction is PyTorch's for row 5 (its logits), not another row's.
      const logits = Array.from((await float32(join(TABULAR, 'wine-mlp-logits.npy'))).subarray(5 * 3, 6 * 3));
      assert.match(run.stdout, new RegExp(`predicted class_${logits.indexOf(Math.max(...logits))} `));
      const map = await readNpy(join(dir, 'g.npy'));
      assert.deepEqual(map.shape, [13]);
      await assertGradientOfClass1(npyToFloat32(map), x);
    });

    it('refuses a table input without --row or beyond its rows, --row on a non-table, and a table for an image model', () => {
      const explain = (model: string, input: string, extra: string[]) =>
        failure(['explain', '--model', model, '--input', input, '--method', 'gradient', '--quiet', ...extra]);
      assert.equal(
        explain(MLP, WINE, []),
        'margin: --row: is required with a table input: the row of wine.csv to explain (0 = the first after the header)',
      );
      // wine.csv holds 178 rows: 0…177.
      assert.equal(
        explain(MLP, WINE, ['--row', '178']),
        'margin: --row: 178 is out of range: wine.csv has 178 rows (0–177)',
      );
      assert.match(
        explain(MLP, join(TABULAR, 'wine-mlp-inputs.npy'), ['--row', '0']),
        /^margin: --row: picks a row of a table input \(\.csv, \.tsv, \.jsonl\), but wine-mlp-inputs\.npy is not a table$/,
      );
      const cnn = join(fixtures, 'fmnist', 'model.onnx');
      assert.equal(
        explain(cnn, WINE, ['--row', '0']),
        `margin: ${cnn}: takes inputs of shape (1, 28, 28), not table rows: give an image file or a .npy model input`,
      );
    });

    it('ranks boundary samples by the linearised distance |z₁ − z₂| / ‖∇(z₁ − z₂)‖, as finite differences give it', async () => {
      const { result } = scan([
        '--data',
        WINE,
        '--model',
        MLP,
        '--task',
        'boundary',
        '--scorer',
        'boundary-distance',
      ]);
      assert.equal(result.samples.length, 178);
      const inputs = await float32(join(TABULAR, 'wine-mlp-inputs.npy'));
      const model = await openForwardModel(MLP);
      try {
        const logits = await model.predict(inputs, 178);
        let checked = 0;
        for (const sample of result.samples) {
          const x = inputs.subarray(sample.index * 13, (sample.index + 1) * 13);
          const z = Array.from(logits.subarray(sample.index * 3, sample.index * 3 + 3));
          const [first, second] = [0, 1, 2].sort((a, b) => z[b] - z[a]);
          const gap = (row: ArrayLike<number>) => row[first] - row[second];
          const { gradient, linear } = await finiteDifferences(model, x, 1e-2, gap);
          // Within h of a ReLU kink the gradient is one-sided: nothing to compare there.
          if (!linear) continue;
          checked++;
          const expected = 1 / (1 + gap(z) / norm(gradient));
          assert.ok(
            Math.abs(sample.score - expected) < 1e-3,
            `#${sample.index}: ${sample.score} vs ${expected}`,
          );
        }
        console.log(`      ${checked} of 178 samples away from a ReLU kink checked`);
        assert.ok(checked >= 150, `only ${checked} samples checked`);
      } finally {
        await model.release();
      }
    });

    it('refuses images, naming the model and both shapes (scan and explain)', () => {
      const scanLine = failure([
        'scan',
        '--data',
        join(fixtures, 'fmnist', 'manifest.csv'),
        '--model',
        MLP,
        '--no-cache',
      ]);
      assert.match(scanLine, new RegExp(`^margin: ${MLP.replace(/[.\\/]/g, '\\$&')}: `));
      assert.match(scanLine, /takes vectors of 13 features \(input "features" \[N, 13\]\), not images/);
      assert.match(scanLine, /is an image of 28×28 with 1 channel \(1×28×28\)/);
      const explainLine = failure([
        'explain',
        '--model',
        MLP,
        '--input',
        join(fixtures, 'fmnist', 'reference', 'png', '000.png'),
        '--method',
        'gradient',
      ]);
      assert.match(
        explainLine,
        /wine-mlp\.onnx: takes vectors of 13 features \(input \[N, 13\]\), not images: 000\.png is a 28×28 image/,
      );
    });

    describe('refuses huge images from their header, without decoding them', () => {
      const dir = freshDir();
      // Of one colour, so that the PNGs stay small: 400 and 225 megapixels (1.2 GB and 675 MB as RGB).
      // 20000² is above the pixel limit (never decoded); 15000² below it (decoded whole until now).
      const sizes = [20000, 15000];
      before(async () => {
        for (const size of sizes) {
          const file = join(dir, `huge-${size}.png`);
          await sharp({
            create: { width: size, height: size, channels: 3, background: { r: 40, g: 90, b: 160 } },
            limitInputPixels: false,
          })
            .png({ compressionLevel: 9 })
            .toFile(file);
          assert.ok(statSync(file).size < 4 * 2 ** 20, `${file} is ${statSync(file).size} bytes`);
          writeFileSync(join(dir, `huge-${size}.csv`), `path,label\n${file},a\n`);
        }
      });

      // A whole decode would take size² × 3 bytes; the CLI with the model open takes ~75 MiB.
      const PEAK_LIMIT_MIB = 300;

      for (const size of sizes) {
        const shape = `${size}×${size} with 3 channels \\(3×${size}×${size}\\)`;
        it(`scan: names the model and both shapes for a ${size}×${size} PNG, peak RSS under ${PEAK_LIMIT_MIB} MiB`, () => {
          const run = runCliMeasured(
            ['scan', '--data', join(dir, `huge-${size}.csv`), '--model', MLP, '--no-cache', '--quiet'],
            dir,
          );
          const line = lastErrorLine(run);
          assert.ok(line.startsWith(`margin: ${MLP}: `), line);
          assert.match(line, /takes vectors of 13 features \(input "features" \[N, 13\]\), not images/);
          assert.match(line, new RegExp(`huge-${size}\\.png is an image of ${shape}`));
          console.log(`      scan: ${run.seconds.toFixed(2)} s, peak RSS ${run.peakMiB.toFixed(0)} MiB`);
          assert.ok(
            run.peakMiB < PEAK_LIMIT_MIB,
            `peak RSS ${run.peakMiB} MiB (a decode needs ${(size * size * 3) / 2 ** 20} MiB)`,
          );
        });

        it(`explain: names the model and both shapes for a ${size}×${size} PNG, peak RSS under ${PEAK_LIMIT_MIB} MiB`, () => {
          const input = join(dir, `huge-${size}.png`);
          const run = runCliMeasured(
            ['explain', '--model', MLP, '--input', input, '--method', 'gradient', '--quiet'],
            dir,
          );
          const line = lastErrorLine(run);
          assert.ok(line.startsWith(`margin: ${MLP}: `), line);
          assert.match(
            line,
            new RegExp(
              `takes vectors of 13 features \\(input \\[N, 13\\]\\), not images: huge-${size}\\.png is a ${size}×${size} image with 3 channels`,
            ),
          );
          console.log(`      explain: ${run.seconds.toFixed(2)} s, peak RSS ${run.peakMiB.toFixed(0)} MiB`);
          assert.ok(
            run.peakMiB < PEAK_LIMIT_MIB,
            `peak RSS ${run.peakMiB} MiB (a decode needs ${(size * size * 3) / 2 ** 20} MiB)`,
          );
        });
      }
    });

    it('refuses a sidecar whose input.features names a missing column, naming the sidecar, the column and the CSV columns', () => {
      const dir = freshDir();
      const model = join(dir, 'wine-mlp.onnx');
      copyFileSync(MLP, model);
      const sidecar = JSON.parse(readFileSync(sidecarPath(MLP), 'utf8')) as { input: { features: string[] } };
      sidecar.input.features[10] = 'colour_hue';
      writeFileSync(sidecarPath(model), JSON.stringify(sidecar));
      const line = failure(['scan', '--data', WINE, '--model', model, '--no-cache']);
      assert.ok(line.includes(sidecarPath(model)), line);
      assert.match(line, /input\.features names column "colour_hue", which .*wine\.csv does not have/);
      assert.match(line, /its columns are: "alcohol", "malic_acid", .*"hue", .*"label"$/);
    });
  });

  describe('a model exported with a fixed batch', () => {
    let dynamic: ScanResult;
    before(
      () =>
        (dynamic = scan([
          '--data',
          join(FIXED, 'images.csv'),
          '--model',
          join(fixtures, 'fmnist', 'model.onnx'),
        ]).result),
    );

    for (const [batch, batchSize] of [
      ['1', '256'],
      ['4', '256'],
      ['4', '5'],
    ]) {
      it(`scans 42 images with the batch-${batch} export (--batch-size ${batchSize}) exactly as the dynamic one`, () => {
        const model = join(FIXED, `model-batch${batch}.onnx`);
        const { result } = scan([
          '--data',
          join(FIXED, 'images.csv'),
          '--model',
          model,
          '--batch-size',
          batchSize,
        ]);
        assert.equal(result.samples.length, 42);
        assert.deepEqual(
          result.samples.map((sample) => [sample.id, sample.predicted]),
          dynamic.samples.map((sample) => [sample.id, sample.predicted]),
        );
        result.samples.forEach((sample, i) =>
          assert.ok(Math.abs(sample.score - dynamic.samples[i].score) < 1e-6),
        );
      });
    }
  });
});

/**
 * d f(logits(x)) / dx by forward and backward differences of step h, through
 * onnxruntime (one batch of 2·D + 1 inputs). A ReLU network is linear within h
 * of x when the two agree; then their mean is the gradient.
 */
async function finiteDifferences(
  model: ForwardModel,
  x: Float32Array,
  h: number,
  f: (logits: Float32Array) => number,
): Promise<{ gradient: Float64Array; linear: boolean }> {
  const dim = x.length;
  const steps = new Float32Array((2 * dim + 1) * dim);
  for (let row = 0; row <= 2 * dim; row++) steps.set(x, row * dim);
  for (let d = 0; d < dim; d++) {
    steps[2 * d * dim + d] += h;
    steps[(2 * d + 1) * dim + d] -= h;
  }
  const logits = await model.predict(steps, 2 * dim + 1);
  const classes = logits.length / (2 * dim + 1);
  const at = (row: number) => f(logits.subarray(row * classes, (row + 1) * classes));
  const forward = Float64Array.from({ length: dim }, (_, d) => (at(2 * d) - at(2 * dim)) / h);
  const backward = Float64Array.from({ length: dim }, (_, d) => (at(2 * dim) - at(2 * d + 1)) / h);
  const gradient = forward.map((value, d) => (value + backward[d]) / 2);
  return { gradient, linear: maxDifference(forward, backward) < 1e-3 * norm(gradient) };
}

function norm(values: ArrayLike<number>): number {
  return Math.sqrt(Array.from(values).reduce((sum, value) => sum + value * value, 0));
}

function maxDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return Math.max(...Array.from(a, (value, i) => Math.abs(value - b[i])));
}
