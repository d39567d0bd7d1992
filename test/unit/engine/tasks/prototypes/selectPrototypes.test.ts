import assert from 'node:assert/strict';
import { isParameterError } from '../../../../../src/core/errors';
import type { DenseMatrix, KnnSearch } from '../../../../../src/core/types';
import type { Dataset } from '../../../../../src/data/types';
import { silentContext } from '../../../../../src/engine/context';
import { findTask, resolveScorer } from '../../../../../src/engine/tasks';
import { prototypesTask } from '../../../../../src/engine/tasks/prototypes';
import type { ResolvedScanParams, TaskOutput } from '../../../../../src/engine/tasks/types';
import { seededNormal } from '../../../../../src/core/random';
import { ortKnn } from '../../../../../src/model';
import { ringGraphSearch } from '../../../../support/ringGraph';

const SCORERS = prototypesTask.scorers.map((scorer) => scorer.name);

/** `perClass` points around each of `centres` (2-D), labelled by centre. */
function clusters(
  centres: [number, number][],
  perClass: number,
  seed = 1,
): { points: DenseMatrix; labels: string[] } {
  const normal = seededNormal(seed);
  const data: number[] = [];
  const labels: string[] = [];
  centres.forEach(([x, y], c) => {
    for (let i = 0; i < perClass; i++) {
      data.push(x + 0.5 * normal(), y + 0.5 * normal());
      labels.push(`class-${c}`);
    }
  });
  return { points: { rows: labels.length, dim: 2, data: Float32Array.from(data) }, labels };
}

function run(
  points: DenseMatrix,
  labels: (string | undefined)[],
  scorer: string,
  count?: number,
  neighbours?: KnnSearch,
): Promise<TaskOutput> {
  const dataset: Dataset = {
    kind: 'npy',
    source: '/data/features.npy',
    samples: labels.map((_, i) => ({ id: `#${i}` })),
    labels,
    features: points,
    skipped: [],
  };
  const params: ResolvedScanParams = {
    task: 'prototypes',
    datasets: [{ role: 'data', path: dataset.source }],
    k: 5,
    scorer,
    count,
    operator: 'normalized',
    variant: 'algorithm-1',
    batchSize: 256,
    cacheRoot: '/tmp',
  };
  const representation = {
    points,
    keptIndices: Int32Array.from(labels.keys()),
    skipped: [],
    source: 'features' as const,
    cached: false,
  };
  return prototypesTask.run(
    { params, data: { role: 'data', dataset, representation }, neighbours },
    silentContext,
  );
}

const FOUR_CLASSES: [number, number][] = [
  [0, 0],
  [10, 0],
  [0, 10],
  [10, 10],
];

describe('engine/tasks/prototypes', () => {
  it('is registered, and auto means the contrastive scorer', () => {
    assert.equal(findTask('prototypes'), prototypesTask);
    assert.equal(resolveScorer(prototypesTask, 'auto'), 'contrastive');
    assert.deepEqual(SCORERS.sort(), ['contrastive', 'facility-location', 'margin', 'mmd-critic']);
  });

  for (const scorer of SCORERS) {
    it(`${scorer}: lists, per class, prototypes and criticisms that are disjoint and cover the classes`, async () => {
      const { points, labels } = clusters(FOUR_CLASSES, 30);
      const output = await run(points, labels, scorer, 12);
      assert.equal(output.prototypes!.length, 12);
      assert.equal(output.criticisms!.length, 12);
      assert.equal(new Set([...output.prototypes!, ...output.criticisms!]).size, 24);
      // Every class has a prototype; the interleaving scorers give each class one among the first four.
      assert.equal(new Set(output.prototypes!.map((index) => labels[index])).size, 4);
      if (scorer !== 'mmd-critic') {
        assert.equal(new Set(output.prototypes!.slice(0, 4).map((index) => labels[index])).size, 4);
      }
      // One sample per row, roles and places that agree with the lists.
      assert.equal(output.samples.length, 120);
      for (const sample of output.samples) {
        assert.ok(Number.isFinite(sample.score), `${scorer}: score of ${sample.index}`);
        assert.equal(sample.label, labels[sample.index]);
        const place = output.prototypes!.indexOf(sample.index);
        if (place >= 0)
          assert.deepEqual([sample.role, sample.place, sample.coverage], ['prototype', place + 1, 1]);
        if (sample.role === 'criticism')
          assert.equal(output.criticisms![(sample.place as number) - 1], sample.index);
        // The nearest prototype is one of the sample's class.
        assert.equal(labels[Number(String(sample.nearestPrototype).slice(1))], labels[sample.index]);
      }
      assert.deepEqual(output.labelNames, ['class-0', 'class-1', 'class-2', 'class-3']);
    });
  }

  it('a prefix of the list is the answer for a smaller count (every prefix is a good set)', async () => {
    const { points, labels } = clusters(FOUR_CLASSES, 25, 3);
    for (const scorer of SCORERS) {
      const long = await run(points, labels, scorer, 20);
      const short = await run(points, labels, scorer, 8);
      assert.deepEqual(short.prototypes, long.prototypes!.slice(0, 8), scorer);
    }
  });

  it('scores a far outlier above the prototypes (higher = more deserving of a look)', async () => {
    const { points, labels } = clusters(FOUR_CLASSES.slice(0, 2), 30, 4);
    // Move sample 0 (class 0) into the middle of class 1.
    points.data[0] = 10;
    points.data[1] = 0;
    // Two prototypes: with more, facility location may spend one on the stray sample itself
    // (covering an isolated point gains 1), which is what it is meant to do.
    for (const scorer of ['contrastive', 'facility-location']) {
      const output = await run(points, labels, scorer, 2);
      const score = new Map(output.samples.map((sample) => [sample.index, sample.score]));
      const prototypeScores = output.prototypes!.map((index) => score.get(index)!);
      assert.ok(score.get(0)! > Math.max(...prototypeScores), scorer);
      assert.equal(output.criticisms![0], 0, `${scorer}: the stray sample is the first criticism`);
    }
  });

  it('refuses a count above the number of samples, naming count and both numbers', async () => {
    const { points, labels } = clusters(FOUR_CLASSES, 5);
    await assert.rejects(run(points, labels, 'contrastive', 21), (error: unknown) => {
      assert.ok(isParameterError(error));
      assert.equal(error.parameter, 'count');
      assert.match(error.problem, /21 prototypes.*only 20 samples/);
      return true;
    });
  });

  it('lists as many as the data has when no count is given and there are fewer than 50 samples', async () => {
    const { points, labels } = clusters(FOUR_CLASSES, 5);
    const output = await run(points, labels, 'contrastive');
    assert.equal(output.prototypes!.length, 20);
    assert.equal(output.criticisms!.length, 0);
    assert.ok(output.notices!.some((notice) => /20 samples only/.test(notice)));
  });

  it('without labels: one global set, and a notice that says so', async () => {
    const { points } = clusters(FOUR_CLASSES, 20, 5);
    for (const scorer of SCORERS) {
      const output = await run(points, new Array(80).fill(undefined), scorer, 6);
      assert.equal(output.prototypes!.length, 6, scorer);
      assert.ok(
        output.notices!.some((notice) => /no labels.*whole dataset/.test(notice)),
        scorer,
      );
      assert.equal(output.metrics!.classes, 0);
    }
  });

  it('one class only: works, and says per class and global are the same', async () => {
    const { points } = clusters([[0, 0]], 40, 6);
    for (const scorer of SCORERS) {
      const output = await run(points, new Array(40).fill('Bag'), scorer, 5);
      assert.equal(output.prototypes!.length, 5, scorer);
      assert.equal(output.criticisms!.length, 5, scorer);
      assert.ok(
        output.notices!.some((notice) => /one class only \(Bag\)/.test(notice)),
        scorer,
      );
    }
  });

  it('duplicate points (zero distances) work for every scorer', async () => {
    const { points: base, labels: baseLabels } = clusters(FOUR_CLASSES.slice(0, 2), 10, 7);
    const data = new Float32Array(base.data.length * 3);
    for (let copy = 0; copy < 3; copy++) data.set(base.data, copy * base.data.length);
    const points = { rows: base.rows * 3, dim: 2, data };
    const labels = [...baseLabels, ...baseLabels, ...baseLabels];
    for (const scorer of SCORERS) {
      const output = await run(points, labels, scorer, 10);
      assert.ok(
        output.samples.every((sample) => Number.isFinite(sample.score)),
        scorer,
      );
      // 20 distinct points, each three times: the coverage scorers never spend a prototype on a
      // copy of one they have (it would cover nothing new). MMD-critic may (a repeated point is a
      // heavier weight in the MMD), and MARGIN's order is by f alone.
      const distinct = new Set(output.prototypes!.map((index) => index % 20));
      if (scorer === 'contrastive' || scorer === 'facility-location') assert.equal(distinct.size, 10, scorer);
    }
  });

  it('all identical points: still a valid answer', async () => {
    const points = { rows: 12, dim: 3, data: new Float32Array(36).fill(0.5) };
    for (const scorer of SCORERS) {
      const output = await run(points, new Array(12).fill('x'), scorer, 3);
      assert.equal(output.prototypes!.length, 3, scorer);
      assert.ok(
        output.samples.every((sample) => Number.isFinite(sample.score)),
        scorer,
      );
    }
  });

  it('leaves unlabelled samples out when the others have labels, with a notice', async () => {
    const { points, labels } = clusters(FOUR_CLASSES, 10, 8);
    const partial = labels.map((label, i) => (i % 4 === 0 ? undefined : label));
    const output = await run(points, partial, 'contrastive', 10);
    assert.ok(output.notices!.some((notice) => /10 unlabelled samples were left out/.test(notice)));
    assert.equal(output.samples.length, 30);
    assert.ok([...output.prototypes!, ...output.criticisms!].every((index) => index % 4 !== 0));
  });
});

describe("engine/tasks/prototypes with the scan's kNN search (TaskInput.neighbours)", () => {
  /** Runs a scorer with the real exact search, counted: which points each call searched, and for how many neighbours. */
  async function searched(
    points: DenseMatrix,
    labels: (string | undefined)[],
    scorer: string,
  ): Promise<{ asked: { ownPoints: boolean; rows: number; k: number }[]; output: TaskOutput }> {
    const asked: { ownPoints: boolean; rows: number; k: number }[] = [];
    const counting: KnnSearch = (group, k, options) => {
      asked.push({ ownPoints: group === points, rows: group.rows, k });
      return ortKnn(group, k, options);
    };
    const output = await run(points, labels, scorer, 8, counting);
    assert.deepEqual(
      output,
      await run(points, labels, scorer, 8),
      `${scorer}: the same answer as without it`,
    );
    return { asked, output };
  }

  it("per class, each class's copy is searched; contrastive's one graph over every class is the data's own points", async () => {
    const { points, labels } = clusters(FOUR_CLASSES, 30, 4);
    const perClass = (k: number) => FOUR_CLASSES.map(() => ({ ownPoints: false, rows: 30, k }));
    // k = 5; the coverage graphs reach 5k = 25 neighbours.
    assert.deepEqual((await searched(points, labels, 'margin')).asked, perClass(5));
    assert.deepEqual((await searched(points, labels, 'facility-location')).asked, perClass(25));
    assert.deepEqual((await searched(points, labels, 'contrastive')).asked, [
      { ownPoints: true, rows: 120, k: 25 },
    ]);
    assert.deepEqual((await searched(points, labels, 'mmd-critic')).asked, []);
  });

  it("without labels, one graph on the data's own points; with unlabelled samples left out, on a copy of the rest", async () => {
    const { points, labels } = clusters(FOUR_CLASSES, 10, 5);
    const none = labels.map(() => undefined);
    assert.deepEqual((await searched(points, none, 'margin')).asked, [{ ownPoints: true, rows: 40, k: 5 }]);
    assert.deepEqual((await searched(points, none, 'facility-location')).asked, [
      { ownPoints: true, rows: 40, k: 25 },
    ]);
    const partial = labels.map((label, i) => (i % 4 === 0 ? undefined : label));
    assert.deepEqual((await searched(points, partial, 'contrastive')).asked, [
      { ownPoints: false, rows: 30, k: 25 },
    ]);
  });

  it('a given graph with fewer neighbours than the 5k the similarity graph reads is refused, saying where 5k comes from', async () => {
    const { points, labels } = clusters(FOUR_CLASSES, 10, 6);
    // Each point's 10 successors on a ring, given for the data's own points: fewer than the 25 contrastive reads.
    const search = ringGraphSearch(points, 10);
    await assert.rejects(run(points, labels, 'contrastive', 8, search), (error: unknown) => {
      assert.ok(isParameterError(error) && error.parameter === 'knnGraph');
      assert.match(
        error.problem,
        /^\/graphs\/ring\.npy: lists 10 usable neighbours for sample 0 .* \(the contrastive scorer asks for 25 neighbours of each sample at k = 5: its similarity graph reaches 5 × k\)$/,
      );
      return true;
    });
  });
});
