/**
 * The cached-result schema keeps each sample's `probabilities` (the model's
 * top classes): a result with them passes, JSON's null for a NaN p passes,
 * and each damage the panel would trip on is named.
 */
import assert from 'node:assert/strict';
import { scanResultProblem } from '../../../src/engine/cacheSchema';
import type { ClassProbability, SampleResult, ScanResult } from '../../../src/protocol/engine';

/** Set on the object: a list cannot sit in a literal beside the column cells' index signature. */
function withProbabilities(sample: SampleResult, probabilities: ClassProbability[]): SampleResult {
  sample.probabilities = probabilities;
  return sample;
}

function wellFormed(): ScanResult {
  return {
    task: 'labels',
    title: 'Label issues',
    params: { task: 'labels', datasets: [{ role: 'data', path: '/d/m.csv' }] },
    scorer: 'fused',
    columns: [{ key: 'predicted', title: 'Predicted', kind: 'label' }],
    dataset: { kind: 'manifest', source: '/d/m.csv', count: 2, labelNames: ['a', 'b'] },
    samples: [
      withProbabilities({ index: 1, id: 'b.png', score: 0.9, rank: 1, predicted: 'a' }, [
        { label: 'a', p: 0.9 },
        { label: 'b', p: 0.09999 },
      ]),
      withProbabilities({ index: 0, id: 'a.png', score: 0.5, rank: 2, predicted: 'b' }, [
        { label: 'b', p: 1 },
        { label: 'a', p: 0 },
      ]),
    ],
    skipped: [],
    timings: {},
    cached: { embeddings: false, result: false },
  };
}

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
