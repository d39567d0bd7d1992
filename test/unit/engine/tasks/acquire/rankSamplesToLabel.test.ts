import assert from 'node:assert/strict';
import { InputError, ParameterError } from '../../../../../src/core/errors';
import type { DenseMatrix, KnnSearch } from '../../../../../src/core/types';
import type { Dataset } from '../../../../../src/data/types';
import { silentContext } from '../../../../../src/engine/context';
import { acquireTask } from '../../../../../src/engine/tasks/acquire';
import type { ResolvedScanParams, TaskInput, TaskOutput } from '../../../../../src/engine/tasks/types';
import { seededNormal } from '../../../../../src/core/random';
import { ortKnn } from '../../../../../src/model';
import { ringGraphSearch } from '../../../../support/ringGraph';

/**
 * Three Gaussian blobs in 4-d, 30 points each (blob = true class), so that the
 * answers are known: label spreading from a few labels per blob recovers the blobs.
 */
function blobs(perBlob = 30, seed = 3): { points: DenseMatrix; truth: number[] } {
  const normal = seededNormal(seed);
  const dim = 4;
  const n = perBlob * 3;
  const data = new Float32Array(n * dim);
  const truth: number[] = [];
  for (let i = 0; i < n; i++) {
    const blob = i % 3;
    truth.push(blob);
    for (let c = 0; c < dim; c++) data[i * dim + c] = 0.5 * normal() + (c === blob ? 6 : 0);
  }
  return { points: { rows: n, dim, data }, truth };
}

const NAMES = ['ant', 'bee', 'cat'];

function input(
  points: DenseMatrix,
  labels: (string | undefined)[],
  params: Partial<ResolvedScanParams> = {},
  model?: { logits: DenseMatrix; classNames?: string[] },
): TaskInput {
  const dataset: Dataset = {
    kind: 'tabular',
    source: '/data/blobs.csv',
    samples: labels.map((_, i) => ({ id: `#${i}` })),
    labels,
    features: points,
    skipped: [],
  };
  return {
    params: {
      task: 'acquire',
      datasets: [{ role: 'data', path: '/data/blobs.csv' }],
      k: 5,
      scorer: 'facility',
      operator: 'normalized',
      variant: 'algorithm-1',
      batchSize: 256,
      cacheRoot: '/tmp',
      ...params,
    },
    data: {
      role: 'data',
      dataset,
      representation: {
        points,
        keptIndices: Int32Array.from(labels.keys()),
        skipped: [],
        source: 'features',
        cached: false,
        ...(model ? { logits: model.logits, classNames: model.classNames } : {}),
      },
    },
  };
}

/** Labels 2 samples per blob (the first ones), the rest blank. */
function fewLabels(truth: number[]): (string | undefined)[] {
  return truth.map((blob, i) => (i < 6 ? NAMES[blob] : undefined));
}

async function run(taskInput: TaskInput): Promise<TaskOutput> {
  return acquireTask.run(taskInput, silentContext);
}

describe('engine/tasks/acquire', () => {
  const { points, truth } = blobs();

  it('ranks every unlabelled sample once, never a labelled one, with strictly decreasing scores', async () => {
    for (const scorer of acquireTask.scorers.map((spec) => spec.name)) {
      const output = await run(input(points, fewLabels(truth), { scorer }));
      const ranked = output.samples.map((sample) => sample.index).sort((a, b) => a - b);
      assert.deepEqual(
        ranked,
        Array.from({ length: 84 }, (_, i) => i + 6),
        scorer,
      );
      for (let p = 1; p < output.samples.length; p++)
        assert.ok(output.samples[p].score < output.samples[p - 1].score, scorer);
    }
  });

  it('marks the first --count as the batch (default 100, here clamped with a notice)', async () => {
    const counted = await run(input(points, fewLabels(truth), { count: 7 }));
    assert.deepEqual(
      counted.samples.map((sample) => sample.batch),
      counted.samples.map((_, p) => (p < 7 ? 'yes' : undefined)),
    );
    assert.equal(counted.metrics?.batch, 7);
    assert.deepEqual(counted.notices, []);
    const clamped = await run(input(points, fewLabels(truth)));
    assert.equal(clamped.metrics?.batch, 84);
    assert.ok(clamped.samples.every((sample) => sample.batch === 'yes'));
    assert.deepEqual(clamped.notices, [
      '--count 100 is more than the 84 unlabelled samples: the batch is all of them',
    ]);
  });

  it('suggests the blob of every sample, with its spreading probability', async () => {
    const output = await run(input(points, fewLabels(truth)));
    for (const sample of output.samples) {
      assert.equal(sample.suggested, NAMES[truth[sample.index]], `sample ${sample.index}`);
      assert.ok(Number(sample.confidence) > 1 / 3 && Number(sample.confidence) <= 1);
    }
    assert.deepEqual(output.labelNames, NAMES);
  });

  it('facility: the first pick goes to the blob no label stands for', async () => {
    // Blobs 0 and 1 have two labels each; blob 2 has none.
    const labels = truth.map((blob, i) => (i < 6 && blob < 2 ? NAMES[blob] : undefined));
    const output = await run(input(points, labels, { count: 1 }));
    assert.equal(truth[output.samples[0].index], 2);
  });

  it('facility with a model: uses its class probabilities when its classes match the labels', async () => {
    // A "model" whose logits say the blob (10 for the right class, 0 otherwise).
    const logits = {
      rows: 90,
      dim: 3,
      data: Float32Array.from(truth.flatMap((blob) => [0, 1, 2].map((c) => (c === blob ? 10 : 0)))),
    };
    const matched = await run(input(points, fewLabels(truth), { count: 3 }, { logits, classNames: NAMES }));
    assert.deepEqual(matched.notices, []);
    assert.deepEqual(
      matched.samples.map((sample) => sample.predicted),
      matched.samples.map((sample) => NAMES[truth[sample.index]]),
    );
    const unmatched = await run(
      input(points, fewLabels(truth), { count: 3 }, { logits, classNames: ['x', 'y', 'z'] }),
    );
    assert.deepEqual(unmatched.notices, [
      `the model's classes do not include "ant", "bee", "cat": facility ranked without the model's class probabilities`,
    ]);
  });

  it('nearest-label (the default): the first picks go to the blob whose nearest labels are of other classes', async () => {
    assert.equal(acquireTask.defaultScorer, 'nearest-label');
    // Blobs 0 and 1 have two labels each; blob 2 has none, so its samples' nearest labels are ants and bees.
    const labels = truth.map((blob, i) => (i < 6 && blob < 2 ? NAMES[blob] : undefined));
    const logits = {
      rows: 90,
      dim: 3,
      data: Float32Array.from(truth.flatMap((blob) => [0, 1, 2].map((c) => (c === blob ? 10 : 0)))),
    };
    const withModel = await run(
      input(points, labels, { scorer: 'nearest-label', count: 3 }, { logits, classNames: NAMES }),
    );
    // (Blob 2 is a component of its own in the kNN-5 graph: spreading reaches none of it.)
    assert.deepEqual(withModel.notices, [
      '30 unlabelled samples are not connected to any labelled one: no label is suggested for them',
    ]);
    assert.equal(truth[withModel.samples[0].index], 2);
    // The model says every sample's class for sure, so a pick in blob 2 sets right every blob-2
    // sample it becomes the nearest label of: its value counts them (and itself).
    assert.ok(Number(withModel.samples[0].value) > 1);

    const unmatched = await run(
      input(points, labels, { scorer: 'nearest-label', count: 3 }, { logits, classNames: ['x', 'y', 'z'] }),
    );
    assert.deepEqual(unmatched.notices, [
      `the model's classes do not include "ant", "bee": nearest-label needs the model's class probabilities, so it ranked by facility location (coverage) instead`,
      '30 unlabelled samples are not connected to any labelled one: no label is suggested for them',
    ]);
  });

  it('nearest-label without a model ranks as facility does (plain coverage), and says so', async () => {
    const labels = fewLabels(truth);
    const nearest = await run(input(points, labels, { scorer: 'nearest-label', count: 3 }));
    const facility = await run(input(points, labels, { scorer: 'facility', count: 3 }));
    assert.deepEqual(nearest.samples, facility.samples);
    assert.deepEqual(nearest.notices, [
      "nearest-label needs a model's class probabilities (--model): without them it ranked by facility location (coverage)",
    ]);
  });

  it('counts exact duplicates, and ranks the copy of a picked sample after everything that still adds coverage', async () => {
    // Append copies of samples 10 and 11 (unlabelled): rows 90 and 91.
    const data = new Float32Array(92 * 4);
    data.set(points.data);
    data.set(points.data.subarray(40, 48), 360);
    const withCopies = { rows: 92, dim: 4, data };
    const labels = [...fewLabels(truth), undefined, undefined];
    for (const scorer of ['facility', 'nearest-label']) {
      const output = await run(input(withCopies, labels, { count: 5, scorer }));
      assert.equal(output.metrics?.duplicates, 4);
      assert.ok(output.notices?.some((notice) => notice.startsWith('4 samples have an exact duplicate')));
      const position = (index: number) => output.samples.findIndex((sample) => sample.index === index);
      for (const [original, copy] of [
        [10, 90],
        [11, 91],
      ]) {
        const later = Math.max(position(original), position(copy));
        // nearest-label keeps its gains by incremental updates: zero up to rounding.
        assert.ok(
          Math.abs(Number(output.samples[later].value)) < 1e-12,
          `${scorer}: the later of ${original} and ${copy} adds nothing (${output.samples[later].value})`,
        );
      }
    }
  });

  it('errors: no labelled sample, no unlabelled sample, one class only, k too large', async () => {
    await assert.rejects(
      run(
        input(
          points,
          truth.map(() => undefined),
        ),
      ),
      (error: unknown) => {
        assert.ok(error instanceof InputError);
        assert.equal(error.file, '/data/blobs.csv');
        assert.match(error.problem, /has no labelled sample/);
        return true;
      },
    );
    await assert.rejects(
      run(
        input(
          points,
          truth.map((blob) => NAMES[blob]),
        ),
      ),
      /every one of its 90 samples is labelled/,
    );
    await assert.rejects(
      run(
        input(
          points,
          truth.map((_, i) => (i < 5 ? 'ant' : undefined)),
        ),
      ),
      /all 5 labelled samples are "ant"/,
    );
    await assert.rejects(run(input(points, fewLabels(truth), { k: 90 })), (error: unknown) => {
      assert.ok(error instanceof ParameterError);
      assert.equal(error.parameter, 'k');
      return true;
    });
  });
});

describe("engine/tasks/acquire with the scan's kNN search (TaskInput.neighbours)", () => {
  const { points, truth } = blobs();

  it("builds its graphs with one search, on the data's own points, of the 5k nearest (the real search, counted)", async () => {
    const asked: { points: DenseMatrix; k: number }[] = [];
    const counting: KnnSearch = (searched, k, options) => {
      asked.push({ points: searched, k });
      return ortKnn(searched, k, options);
    };
    const searched = await run({ ...input(points, fewLabels(truth)), neighbours: counting });
    assert.equal(asked.length, 1);
    assert.equal(asked[0].points, points, 'the representation itself, not a copy');
    assert.equal(asked[0].k, 25, 'min(rows − 1, 5 × k) with k = 5');
    assert.deepEqual(searched, await run(input(points, fewLabels(truth))));
  });

  it('a given graph with fewer neighbours than the 5k it asks for is refused, saying where 5k comes from', async () => {
    // Each blob point's 10 successors on a ring: a graph of 10 neighbours, fewer than the 25 asked for.
    const search = ringGraphSearch(points, 10);
    await assert.rejects(
      run({ ...input(points, fewLabels(truth)), neighbours: search }),
      (error: unknown) => {
        assert.ok(error instanceof ParameterError);
        assert.equal(error.parameter, 'knnGraph');
        assert.match(error.problem, /^\/graphs\/ring\.npy: lists 10 usable neighbours for sample 0 /);
        assert.match(
          error.problem,
          / \(the acquire task asks for 25 neighbours of each sample at k = 5: its coverage graph reaches 5 × k\)$/,
        );
        return true;
      },
    );
  });
});
