/**
 * The cached-result schema knows the per-sample fields the review UI reads:
 * a result with lines, neighbours, the model's top classes, a map and the
 * dataset's manifest passes, and each field damaged in a way the UI would
 * trip on is named.
 */
import assert from 'node:assert/strict';
import { scanResultProblem } from '../../../src/engine/cacheSchema';
import type { ClassProbability, SampleResult, ScanResult } from '../../../src/protocol/engine';

/** Lists are set on the object: a list cannot sit in a literal beside the column cells' index signature. */
function withLists(
  sample: SampleResult,
  neighbours: number[],
  probabilities?: ClassProbability[],
): SampleResult {
  sample.neighbours = neighbours;
  if (probabilities) sample.probabilities = probabilities;
  return sample;
}

function wellFormed(): ScanResult {
  return {
    task: 'labels',
    title: 'Label issues',
    params: { task: 'labels', datasets: [{ role: 'data', path: '/d/m.csv' }] },
    scorer: 'fused',
    columns: [{ key: 'label', title: 'Label', kind: 'label' }],
    dataset: {
      kind: 'manifest',
      source: '/d/m.csv',
      count: 3,
      labelNames: ['a', 'b'],
      manifest: '/d/m.csv',
      labelColumn: 'label',
      root: '/d',
    },
    samples: [
      withLists(
        { index: 2, id: 'c.png', score: 0.9, rank: 1, line: 4, label: 'a' },
        [0, 1],
        [
          { label: 'a', p: 0.9 },
          { label: 'b', p: 0.09999 },
        ],
      ),
      withLists(
        { index: 0, id: 'a.png', score: 0.5, rank: 2, line: 2, label: 'b' },
        [2, 1],
        [
          { label: 'b', p: 1 },
          { label: 'a', p: 0 },
        ],
      ),
      withLists({ index: 1, id: 'b.png', score: 0.1, rank: 3, line: 3, label: 'b' }, [0, 2]),
    ],
    skipped: [],
    // JSON writes NaN as null: a sample without a point.
    map: { method: 'pca', x: [0.5, null as unknown as number, -1], y: [1, null as unknown as number, 2] },
    timings: {},
    cached: { embeddings: false, result: false },
  };
}

describe('engine/cacheSchema: the review fields of a cached result', () => {
  it('accepts a result with lines, neighbours, a map and a manifest', () => {
    assert.equal(scanResultProblem(JSON.parse(JSON.stringify(wellFormed()))), undefined);
  });

  const damages: [string, (result: ScanResult) => void, RegExp][] = [
    [
      'a neighbour outside the dataset',
      (r) => (r.samples[0].neighbours = [0, 3]),
      /neighbours lists sample 3/,
    ],
    [
      'neighbours that are not indices',
      (r) => (r.samples[1].neighbours = [0.5]),
      /neighbours\[0\] is not a whole number/,
    ],
    [
      'neighbours that are not a list',
      (r) => ((r.samples[1] as Record<string, unknown>).neighbours = { 0: 1 }),
      /neighbours is not a list/,
    ],
    ['a line that is not a whole number', (r) => (r.samples[2].line = -1), /line is not a whole number/],
    ['a map shorter than the dataset', (r) => r.map!.x.pop(), /map has 2 × 3 coordinates, expected 3/],
    [
      'a map of another method',
      (r) => ((r.map as { method: string }).method = 'umap'),
      /map.method is not one of pca/,
    ],
    [
      'a manifest that is not text',
      (r) => ((r.dataset as unknown as Record<string, unknown>).manifest = 5),
      /dataset.manifest is not text/,
    ],
    [
      'a root that is not text',
      (r) => ((r.dataset as unknown as Record<string, unknown>).root = ['/']),
      /dataset.root is not text/,
    ],
  ];
  for (const [name, damage, problem] of damages) {
    it(`names ${name}`, () => {
      const result = wellFormed();
      damage(result);
      assert.match(scanResultProblem(result) ?? '', problem);
    });
  }
});

describe('engine/cacheSchema: the probabilities of a cached result', () => {
  it('accepts a result whose samples list their top classes', () => {
    assert.equal(scanResultProblem(JSON.parse(JSON.stringify(wellFormed()))), undefined);
  });

  it('accepts null for a p (JSON writes NaN so)', () => {
    const result = wellFormed();
    result.samples[0].probabilities![1].p = NaN;
    assert.equal(scanResultProblem(JSON.parse(JSON.stringify(result))), undefined);
  });

  it('still reads a column named like an Object method as a cell', () => {
    const result = wellFormed();
    result.samples[0].constructor = 'x' as never;
    result.samples[1].toString = 'y' as never;
    assert.equal(scanResultProblem(JSON.parse(JSON.stringify(result))), undefined);
  });

  const damages: [string, (result: ScanResult) => void, RegExp][] = [
    [
      'probabilities that are not a list',
      (r) => ((r.samples[0] as Record<string, unknown>).probabilities = { a: 0.9 }),
      /samples\[0\]\.probabilities is not a list/,
    ],
    [
      'an entry without a label',
      (r) => ((r.samples[1].probabilities![0] as unknown as Record<string, unknown>).label = 3),
      /samples\[1\]\.probabilities\[0\]\.label is not text/,
    ],
    [
      'a p above 1',
      (r) => (r.samples[0].probabilities![1].p = 1.5),
      /samples\[0\]\.probabilities\[1\]\.p is not a probability/,
    ],
    [
      'a p that is text',
      (r) => ((r.samples[0].probabilities![0] as unknown as Record<string, unknown>).p = '0.9'),
      /samples\[0\]\.probabilities\[0\]\.p is not a probability/,
    ],
    [
      'an entry that is not an object',
      (r) => ((r.samples[1] as Record<string, unknown>).probabilities = ['a']),
      /samples\[1\]\.probabilities\[0\] is not an object/,
    ],
  ];
  for (const [name, damage, problem] of damages) {
    it(`names ${name}`, () => {
      const result = wellFormed();
      damage(result);
      assert.match(scanResultProblem(result) ?? '', problem);
    });
  }
});
