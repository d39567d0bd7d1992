/**
 * The cached-result schema knows the review fields (issue 11): a result with
 * lines, neighbours, a map and the dataset's manifest passes, and each field
 * damaged in a way the UI would trip on is named.
 */
import assert from 'node:assert/strict';
import { scanResultProblem } from '../../../src/engine/cacheSchema';
import type { SampleResult, ScanResult } from '../../../src/protocol/engine';

/** `neighbours` is set on the object: a list cannot sit in a literal beside the column cells' index signature. */
function withNeighbours(sample: SampleResult, neighbours: number[]): SampleResult {
  sample.neighbours = neighbours;
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
      withNeighbours({ index: 2, id: 'c.png', score: 0.9, rank: 1, line: 4, label: 'a' }, [0, 1]),
      withNeighbours({ index: 0, id: 'a.png', score: 0.5, rank: 2, line: 2, label: 'b' }, [2, 1]),
      withNeighbours({ index: 1, id: 'b.png', score: 0.1, rank: 3, line: 3, label: 'b' }, [0, 2]),
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
