import assert from 'node:assert/strict';
import type { SampleResult, ScanResult } from '../../../../src/protocol/engine';
import {
  flagCut,
  flaggedSamples,
  flagMessage,
  warningThreshold,
} from '../../../../src/extension/review/flaggedSamples';

function labelsResult(samples: SampleResult[], metrics?: Record<string, number>): ScanResult {
  return {
    task: 'labels',
    title: 'Label issues',
    params: { task: 'labels', datasets: [] },
    scorer: 'fused',
    columns: [],
    dataset: { kind: 'manifest', source: '/w/m.csv', count: samples.length, labelNames: ['a', 'b'] },
    samples,
    skipped: [],
    metrics,
    timings: {},
    cached: { embeddings: false, result: false },
  };
}

function sample(rank: number, score: number, label: string, suggested: string): SampleResult {
  return { index: rank * 10, id: `s${rank}`, rank, score, label, suggested };
}

describe('flaggedSamples: what inline review flags', () => {
  // Ranks deliberately out of order in the array: the cut is by rank.
  const samples = [
    sample(3, 0.6, 'a', 'b'),
    sample(1, 0.99, 'a', 'b'),
    sample(2, 0.8, 'b', 'b'),
    sample(4, 0.2, 'b', 'a'),
    ...Array.from({ length: 36 }, (_, i) => sample(5 + i, 0.01, 'a', 'a')),
  ];

  it('cuts at metrics.estimatedIssues, by rank, and drops settled samples', () => {
    const result = labelsResult(samples, { estimatedIssues: 3 });
    assert.equal(flagCut(result), 3);
    assert.deepEqual(
      flaggedSamples(result, () => false).map((s) => s.id),
      ['s1', 's2', 's3'],
    );
    assert.deepEqual(
      flaggedSamples(result, (s) => s.id === 's2').map((s) => s.id),
      ['s1', 's3'],
      'a settled sample is not replaced by the next one',
    );
  });

  it('without an estimate looks at the top 5% and keeps samples whose suggestion differs', () => {
    const result = labelsResult(samples);
    assert.equal(flagCut(result), 2); // ceil(40 × 0.05)
    assert.deepEqual(
      flaggedSamples(result, () => false).map((s) => s.id),
      ['s1'],
    );
  });

  it('flags nothing for another task', () => {
    assert.deepEqual(
      flaggedSamples({ ...labelsResult(samples, { estimatedIssues: 3 }), task: 'boundary' }, () => false),
      [],
    );
  });

  it('warns at score ≥ 0.5 for probabilities, else at the median flagged score', () => {
    const result = labelsResult(samples, { estimatedIssues: 3 });
    assert.equal(
      warningThreshold(
        result,
        flaggedSamples(result, () => false),
      ),
      0.5,
    );
    const unbounded = labelsResult([sample(1, 7, 'a', 'b'), sample(2, 3, 'a', 'b'), sample(3, 2, 'a', 'b')]);
    assert.equal(warningThreshold(unbounded, unbounded.samples), 3);
  });

  it('says the given label, the score and the suggestion', () => {
    assert.equal(
      flagMessage(sample(1, 0.987654, 'Bag', 'Coat')),
      'MARGIN: label "Bag" may be wrong (score 0.988, rank 1); suggested: "Coat"',
    );
  });
});
