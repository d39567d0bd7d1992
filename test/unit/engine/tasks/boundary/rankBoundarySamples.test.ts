import assert from 'node:assert/strict';
import { CancelledError, InputError, ParameterError } from '../../../../../src/core/errors';
import { DEFAULT_TRUST_K } from '../../../../../src/core/boundary';
import { exactKnn } from '../../../../../src/core/knn';
import type { DenseMatrix, KnnSearch } from '../../../../../src/core/types';
import { ortKnn } from '../../../../../src/model';
import { silentContext } from '../../../../../src/engine/context';
import { scoreBoundary } from '../../../../../src/engine/tasks/boundary/rankBoundarySamples';
import type { TaskDataset, TaskOutput } from '../../../../../src/engine/tasks/types';
import { boundaryParams, embedded, IDX, NPY_IMAGES, someRows } from './fixtures';

/** Softmax of one row of logits, in plain float64 arithmetic. */
function softmax(row: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(row));
  const e = Array.from(row, (z) => Math.exp(z - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

function rowsOf(data: TaskDataset): number[][] {
  const { rows, dim, data: z } = data.representation.logits!;
  return Array.from({ length: rows }, (_, r) => Array.from(z.subarray(r * dim, (r + 1) * dim)));
}

const scoresByIndex = (output: TaskOutput) =>
  new Map(output.samples.map((sample) => [sample.index, sample.score]));
const argmax = (row: number[]) => row.indexOf(Math.max(...row));

/** The real exact search (ortKnn), noting what each call asked for. */
function countingOrtKnn(): { search: KnnSearch; asked: { points: DenseMatrix; k: number }[] } {
  const asked: { points: DenseMatrix; k: number }[] = [];
  const search: KnnSearch = (points, k, options) => {
    asked.push({ points, k });
    return ortKnn(points, k, options);
  };
  return { search, asked };
}

describe('engine/tasks/boundary scoreBoundary on the fixture model', function () {
  this.timeout(120_000);

  it('scores confidence, entropy and margin-gap from the softmax, with predicted, runner-up and p(predicted) columns', async () => {
    const data = await embedded(NPY_IMAGES);
    const outputs = await Promise.all(
      ['confidence', 'entropy', 'margin-gap'].map((scorer) =>
        scoreBoundary({ params: boundaryParams(scorer), data }, silentContext),
      ),
    );
    const [confidence, entropy, gap] = outputs.map(scoresByIndex);
    const names = outputs[0].labelNames;
    rowsOf(data).forEach((row, r) => {
      const p = softmax(row);
      const sorted = [...p].sort((a, b) => b - a);
      const index = data.representation.keptIndices[r];
      assert.ok(Math.abs(confidence.get(index)! - (1 - sorted[0])) < 1e-9);
      assert.ok(
        Math.abs(entropy.get(index)! - -p.reduce((h, v) => h + (v > 0 ? v * Math.log(v) : 0), 0)) < 1e-9,
      );
      assert.ok(Math.abs(gap.get(index)! - (1 - (sorted[0] - sorted[1]))) < 1e-9);
      const sample = outputs[0].samples.find((s) => s.index === index)!;
      assert.equal(sample.predicted, names[p.indexOf(sorted[0])]);
      assert.equal(sample.runnerUp, names[p.indexOf(sorted[1])]);
      assert.ok(Math.abs((sample.confidence as number) - sorted[0]) < 1e-9);
    });
    assert.equal(outputs[0].samples.length, 200);
    // The data's own labels are shown (class names), and compared with the predictions in the metrics.
    const labels = data.dataset.labels.map((label) => names[Number(label)]);
    assert.deepEqual(
      outputs[0].samples.map((s) => s.label),
      outputs[0].samples.map((s) => labels[s.index]),
    );
    const differ = rowsOf(data).filter(
      (row, r) => argmax(row) !== Number(data.dataset.labels[data.representation.keptIndices[r]]),
    ).length;
    assert.equal(outputs[0].metrics!.predictionDiffersFromLabel, differ);
    assert.equal(outputs[0].metrics!.samples, 200);
  });

  it('ranks by MARGIN as a dense brute-force computation does (exact kNN, union graph, |f − D^-½WD^-½ f| / max)', async () => {
    const data = await embedded(NPY_IMAGES);
    const k = 10;
    const output = await scoreBoundary({ params: boundaryParams('margin', { k }), data }, silentContext);
    const n = data.representation.points.rows;
    const knn = await exactKnn(data.representation.points, k);
    const w = Array.from({ length: n }, () => new Float64Array(n));
    for (let i = 0; i < n; i++) {
      for (let s = 0; s < k; s++) {
        const j = knn.indices[i * k + s];
        w[i][j] = w[j][i] = 1;
      }
    }
    const predicted = rowsOf(data).map(argmax);
    const degree = w.map((row) => row.reduce((a, b) => a + b, 0));
    const f = w.map(
      (row, i) =>
        row.reduce((sum, wij, j) => sum + wij * (predicted[j] !== predicted[i] ? 1 : 0), 0) / degree[i],
    );
    const high = f.map((fi, i) =>
      Math.abs(fi - w[i].reduce((sum, wij, j) => sum + (wij * f[j]) / Math.sqrt(degree[i] * degree[j]), 0)),
    );
    const max = Math.max(...high);
    const scores = scoresByIndex(output);
    high.forEach((h, r) =>
      assert.ok(Math.abs(scores.get(data.representation.keptIndices[r])! - h / max) < 1e-9, `row ${r}`),
    );
  });

  it('scores the trust score as a brute-force implementation of Jiang et al. does (α = 0.05, k = 10)', async () => {
    const data = await embedded(NPY_IMAGES);
    const reference = await embedded(IDX, 'reference');
    const output = await scoreBoundary(
      { params: boundaryParams('trust-score', { reference: true }), data, reference },
      silentContext,
    );
    const dim = 64;
    const ref = reference.representation.points.data;
    const refLabels = Array.from(reference.representation.keptIndices, (i) =>
      Number(reference.dataset.labels[i]),
    );
    const distance = (a: Float32Array, ai: number, b: Float32Array, bi: number) => {
      let sum = 0;
      for (let c = 0; c < dim; c++) sum += (a[ai * dim + c] - b[bi * dim + c]) ** 2;
      return Math.sqrt(sum);
    };
    // α-filter: per class, radius = distance to the 9th nearest other point (a ball of 10 holding the point), drop above the 95th percentile.
    const kept = new Array(refLabels.length).fill(true);
    for (let c = 0; c < 10; c++) {
      const members = refLabels.flatMap((label, i) => (label === c ? [i] : []));
      const radii = members.map(
        (i) =>
          members
            .filter((j) => j !== i)
            .map((j) => distance(ref, i, ref, j))
            .sort((a, b) => a - b)[8],
      );
      const sorted = [...radii].sort((a, b) => a - b);
      const position = (sorted.length - 1) * 0.95;
      const threshold =
        sorted[Math.floor(position)] +
        (sorted[Math.ceil(position)] - sorted[Math.floor(position)]) * (position - Math.floor(position));
      members.forEach((i, t) => (kept[i] = radii[t] <= threshold));
    }
    const points = data.representation.points.data;
    const scores = scoresByIndex(output);
    rowsOf(data).forEach((row, r) => {
      const predicted = argmax(row);
      const nearest = new Array(10).fill(Infinity);
      refLabels.forEach(
        (label, j) => kept[j] && (nearest[label] = Math.min(nearest[label], distance(points, r, ref, j))),
      );
      const trust = Math.min(...nearest.filter((_, c) => c !== predicted)) / (nearest[predicted] + 1e-12);
      const score = scores.get(data.representation.keptIndices[r])!;
      assert.ok(
        Math.abs(score - 1 / (1 + trust)) < 1e-6 * Math.max(1, score),
        `row ${r}: ${score} vs ${1 / (1 + trust)}`,
      );
    });
    // The data (t10k 0..199) lies inside the reference (t10k 0..299): most samples sit on a reference sample of their predicted class.
    assert.ok(output.samples.filter((s) => s.score < 1e-9).length > 150);
  });

  it('fits the combination on the reference and says what it measured there', async () => {
    const data = await embedded(NPY_IMAGES);
    const reference = await embedded(IDX, 'reference');
    const output = await scoreBoundary(
      { params: boundaryParams('combined', { reference: true }), data, reference },
      silentContext,
    );
    const metrics = output.metrics!;
    const referenceMistakes = rowsOf(reference).filter(
      (row, r) => argmax(row) !== Number(reference.dataset.labels[reference.representation.keptIndices[r]]),
    ).length;
    assert.equal(metrics.combinationFitSamples, 300);
    assert.equal(metrics.combinationFitMistakes, referenceMistakes);
    assert.ok(metrics.combinationCrossValidatedAuroc > 0.5 && metrics.confidenceAurocOnReference > 0.5);
    assert.equal(
      metrics.combinationUsed,
      metrics.combinationCrossValidatedAuroc > metrics.confidenceAurocOnReference ? 1 : 0,
    );
    if (metrics.combinationUsed) {
      assert.ok(
        output.samples.every((s) => s.score > 0 && s.score < 1),
        'an estimated probability of a mistake',
      );
    } else {
      const confidence = scoresByIndex(
        await scoreBoundary({ params: boundaryParams('confidence'), data }, silentContext),
      );
      assert.ok(output.samples.every((s) => s.score === confidence.get(s.index)));
      assert.match(
        output.notices!.join('\n'),
        /ranked by 1 − p\(predicted\) alone: on the reference, the combination found/,
      );
    }
  });

  it("falls back to the model's confidence without a reference, with a notice; the same when the reference has too few mistakes", async () => {
    const data = await embedded(NPY_IMAGES);
    const output = await scoreBoundary({ params: boundaryParams('combined'), data }, silentContext);
    const confidence = scoresByIndex(
      await scoreBoundary({ params: boundaryParams('confidence'), data }, silentContext),
    );
    assert.ok(output.samples.every((s) => s.score === confidence.get(s.index)));
    assert.match(
      output.notices![0],
      /without a reference set, the combined scorer ranks by 1 − p\(predicted\)/,
    );

    // A reference of 40 samples the model gets right but for at most a few.
    const reference = await embedded(IDX, 'reference');
    const right = rowsOf(reference).flatMap((row, r) =>
      argmax(row) === Number(reference.dataset.labels[reference.representation.keptIndices[r]]) ? [r] : [],
    );
    const small = someRows(reference, right.slice(0, 40));
    const few = await scoreBoundary(
      { params: boundaryParams('combined', { reference: true }), data, reference: small },
      silentContext,
    );
    assert.match(
      few.notices!.join('\n'),
      /the model makes 0 mistakes on the 40 reference samples; fitting needs at least 5/,
    );
    assert.equal(few.metrics!.combinationUsed, 0);
  });

  it('says when a scorer does not use the reference', async () => {
    const output = await scoreBoundary(
      {
        params: boundaryParams('entropy', { reference: true }),
        data: await embedded(NPY_IMAGES),
        reference: await embedded(IDX, 'reference'),
      },
      silentContext,
    );
    assert.deepEqual(output.notices, ['the entropy scorer does not use the reference set']);
  });
});

describe('engine/tasks/boundary progress and cancellation', function () {
  this.timeout(120_000);

  it('reports each stage of the combined scorer with a reference, and stops when cancelled', async () => {
    const data = await embedded(NPY_IMAGES);
    const reference = await embedded(IDX, 'reference');
    const params = boundaryParams('combined', { reference: true });
    const stages = new Set<string>();
    await scoreBoundary(
      { params, data, reference },
      { ...silentContext, progress: (stage) => stages.add(stage) },
    );
    assert.ok(stages.has('filtering the reference (trust score)'));
    assert.ok(stages.has('reference: nearest other reference samples'));
    assert.ok(stages.has('fitting the combination'));

    for (const scorer of ['combined', 'trust-score', 'margin', 'boundary-distance']) {
      const controller = new AbortController();
      controller.abort();
      await assert.rejects(
        scoreBoundary(
          { params: boundaryParams(scorer, { reference: true }), data, reference },
          { ...silentContext, signal: controller.signal },
        ),
        (error: unknown) => error instanceof CancelledError,
        scorer,
      );
    }
  });
});

describe('engine/tasks/boundary bad input', function () {
  this.timeout(120_000);

  it('refuses k ≥ samples for the margin scorer, naming k', async () => {
    const data = someRows(await embedded(NPY_IMAGES), [0, 1, 2, 3, 4]);
    await assert.rejects(
      scoreBoundary({ params: boundaryParams('margin', { k: 5 }), data }, silentContext),
      (error: unknown) =>
        error instanceof ParameterError &&
        error.parameter === 'k' &&
        /k = 5 needs more than 5 readable samples; .*images\.npy has 5/.test(error.message),
    );
  });

  it('refuses the margin scorer when the model predicts one class only, naming the file', async () => {
    const data = await embedded(NPY_IMAGES);
    const predicted = rowsOf(data).map(argmax);
    const oneClass = someRows(
      data,
      predicted.flatMap((c, r) => (c === predicted[0] ? [r] : [])).slice(0, 12),
    );
    await assert.rejects(
      scoreBoundary({ params: boundaryParams('margin', { k: 3 }), data: oneClass }, silentContext),
      (error: unknown) =>
        error instanceof InputError &&
        error.file === data.dataset.source &&
        /predicts \S+ for every sample/.test(error.problem),
    );
    // The other scorers still rank them.
    const output = await scoreBoundary(
      { params: boundaryParams('confidence'), data: oneClass },
      silentContext,
    );
    assert.equal(output.samples.length, 12);
  });

  it("refuses a reference of one class only, or without labels, or with labels that are none of the model's classes", async () => {
    const data = await embedded(NPY_IMAGES);
    const reference = await embedded(IDX, 'reference');
    const params = boundaryParams('trust-score', { reference: true });
    const ofClass = (c: string) =>
      Array.from(reference.representation.keptIndices.keys()).filter(
        (r) => reference.dataset.labels[reference.representation.keptIndices[r]] === c,
      );
    await assert.rejects(
      scoreBoundary({ params, data, reference: someRows(reference, ofClass('9')) }, silentContext),
      (error: unknown) =>
        error instanceof InputError &&
        error.file === reference.dataset.source &&
        /labelled samples of one class only \(Ankle_boot\)/.test(error.problem),
    );
    const unlabelled = {
      ...reference,
      dataset: { ...reference.dataset, labels: reference.dataset.labels.map(() => undefined) },
    };
    await assert.rejects(
      scoreBoundary({ params, data, reference: unlabelled }, silentContext),
      /has no labels; the reference set needs them: give them with --reference-labels/,
    );
    const foreign = {
      ...reference,
      dataset: {
        ...reference.dataset,
        labels: reference.dataset.labels.map((label, i) => (i === 7 ? 'Hat' : label)),
      },
    };
    await assert.rejects(
      scoreBoundary({ params, data, reference: foreign }, silentContext),
      /sample #7 has the label "Hat", which is none of the model's classes/,
    );
  });

  it("refuses data without the model's predictions (features), naming the file", async () => {
    const data = await embedded(NPY_IMAGES);
    const features = {
      ...data,
      representation: { ...data.representation, logits: undefined, source: 'features' as const },
    };
    await assert.rejects(
      scoreBoundary({ params: boundaryParams('confidence'), data: features }, silentContext),
      (error: unknown) =>
        error instanceof InputError &&
        error.file === data.dataset.source &&
        /holds features, not images the model can take/.test(error.problem),
    );
  });

  it('gives finite scores to duplicate points (zero distances), and says when samples sit on reference samples of two classes', async () => {
    const data = await embedded(NPY_IMAGES);
    // Every sample three times over: each has two neighbours at distance 0.
    const tripled = someRows(
      data,
      [...Array(30).keys()].flatMap((r) => [r, r, r]),
    );
    for (const scorer of ['margin', 'confidence']) {
      const output = await scoreBoundary(
        { params: boundaryParams(scorer, { k: 5 }), data: tripled },
        silentContext,
      );
      assert.ok(
        output.samples.every((s) => Number.isFinite(s.score)),
        scorer,
      );
    }
    // A reference holding sample 0 twice, once under its true label and once under another.
    const reference = await embedded(IDX, 'reference');
    const doubled = someRows(reference, [0, 0, ...Array.from({ length: 60 }, (_, i) => i + 100)]);
    const relabelled = { ...doubled, dataset: { ...doubled.dataset, labels: [...doubled.dataset.labels] } };
    relabelled.representation = {
      ...doubled.representation,
      keptIndices: Int32Array.from([0, 299, ...doubled.representation.keptIndices.slice(2)]),
    };
    relabelled.dataset.labels[299] = String((Number(reference.dataset.labels[0]) + 1) % 10);
    const output = await scoreBoundary(
      {
        params: boundaryParams('trust-score', { reference: true }),
        data: someRows(data, [0, 1, 2]),
        reference: relabelled,
      },
      silentContext,
    );
    assert.ok(output.samples.every((s) => Number.isFinite(s.score)));
    assert.equal(scoresByIndex(output).get(0), 1, 'on reference samples of two classes: no trust');
    assert.match(
      output.notices!.join('\n'),
      /1 samples lie exactly on a reference sample of another class than the one predicted/,
    );
  });
});

describe("engine/tasks/boundary with the scan's kNN search (TaskInput.neighbours)", function () {
  this.timeout(120_000);

  it("builds the margin graph with the scan's search, on the data's own points (so a given graph serves it)", async () => {
    const data = await embedded(NPY_IMAGES);
    const params = boundaryParams('margin', { k: 10 });
    const counting = countingOrtKnn();
    const searched = await scoreBoundary({ params, data, neighbours: counting.search }, silentContext);
    assert.equal(counting.asked.length, 1);
    assert.equal(
      counting.asked[0].points,
      data.representation.points,
      'the representation itself, not a copy',
    );
    assert.equal(counting.asked[0].k, 10);
    assert.deepEqual(searched, await scoreBoundary({ params, data }, silentContext));
  });

  it("filters the reference (combined, trust score) with the scan's search, one search per class of the reference", async () => {
    const data = await embedded(NPY_IMAGES);
    const reference = await embedded(IDX, 'reference');
    const classSizes = new Map<string, number>();
    for (const index of reference.representation.keptIndices) {
      const label = String(reference.dataset.labels[index]);
      classSizes.set(label, (classSizes.get(label) ?? 0) + 1);
    }
    // The density ball holds a point and its k − 1 nearest others of its class; smaller classes are kept whole.
    const searchedSizes = [...classSizes.values()].filter((size) => size >= DEFAULT_TRUST_K).sort();
    for (const scorer of ['combined', 'trust-score']) {
      const params = boundaryParams(scorer, { reference: true });
      const counting = countingOrtKnn();
      const searched = await scoreBoundary(
        { params, data, reference, neighbours: counting.search },
        silentContext,
      );
      assert.deepEqual(counting.asked.map((call) => call.points.rows).sort(), searchedSizes, scorer);
      assert.ok(
        counting.asked.every((call) => call.k === DEFAULT_TRUST_K - 1),
        scorer,
      );
      assert.deepEqual(searched, await scoreBoundary({ params, data, reference }, silentContext), scorer);
    }
  });
});
