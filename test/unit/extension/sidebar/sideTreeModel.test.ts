import assert from 'node:assert/strict';
import type { SampleResult, ScanResult } from '../../../../src/protocol/engine';
import {
  SAMPLE_CAP,
  TOP_SAMPLES,
  datasetNodes,
  flaggedSamples,
  isStale,
  sampleDescription,
  sampleLabel,
  sampleNodes,
  taskDescription,
} from '../../../../src/extension/sidebar/sideTreeModel';

/** A labels result of `n` samples ranked 1..n, image files under /data/images/<label>/. */
function labelsResult(n: number, metrics: Record<string, number> = {}): ScanResult {
  const samples: SampleResult[] = Array.from({ length: n }, (_, i) => ({
    index: n - 1 - i,
    id: `Shirt/img-${i}.png`,
    path: `/data/images/Shirt/img-${i}.png`,
    score: 1 - i / n,
    rank: i + 1,
    label: 'Shirt',
    suggested: i % 2 === 0 ? 'Coat' : 'Shirt',
  }));
  return {
    task: 'labels',
    title: 'Label issues',
    params: { task: 'labels', datasets: [{ role: 'data', path: '/data/images' }], model: '/data/model.onnx' },
    scorer: 'fused',
    columns: [],
    dataset: { kind: 'image-folder', source: '/data/images', count: n, labelNames: ['Coat', 'Shirt'] },
    samples,
    skipped: [],
    metrics,
    timings: {},
    cached: { embeddings: false, result: false },
  };
}

describe('extension/sidebar/sideTreeModel', () => {
  it('flags as many label issues as the engine estimates, in rank order', () => {
    const result = labelsResult(100, { estimatedIssues: 12.4 });
    const flagged = flaggedSamples(result);
    assert.equal(flagged.length, 12);
    assert.deepEqual(
      flagged.map((sample) => sample.rank),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
    );
  });

  it('flags the batch of samples to label, the criticisms of prototypes, else the top samples', () => {
    const acquire = { ...labelsResult(30), task: 'acquire' };
    for (const sample of acquire.samples) sample.batch = sample.rank % 10 === 0;
    assert.deepEqual(
      flaggedSamples(acquire).map((sample) => sample.rank),
      [10, 20, 30],
    );
    const prototypes = { ...labelsResult(30), task: 'prototypes', criticisms: [29, 0] };
    // Index 29 is rank 1, index 0 is rank 30 (labelsResult numbers indices backwards).
    assert.deepEqual(
      flaggedSamples(prototypes).map((sample) => sample.rank),
      [1, 30],
    );
    const boundary = { ...labelsResult(50), task: 'boundary' };
    assert.equal(flaggedSamples(boundary).length, TOP_SAMPLES);
  });

  it('lists up to the cap, then one "… N more" item', () => {
    const result = labelsResult(500, { estimatedIssues: 260 });
    const nodes = sampleNodes(result);
    assert.equal(nodes.length, SAMPLE_CAP + 1);
    assert.deepEqual(nodes[SAMPLE_CAP], { kind: 'more', task: 'labels', hidden: 60 });
    assert.equal(sampleNodes(labelsResult(500, { estimatedIssues: 5 })).length, 5);
  });

  it('gives each sample node the argument of Open, Relabel, Mark OK and Explain', () => {
    const result = labelsResult(10, { estimatedIssues: 3 });
    result.samples[0].line = 7;
    const [first] = sampleNodes(result);
    assert.deepEqual(first, {
      kind: 'sample',
      task: 'labels',
      index: 9,
      id: 'Shirt/img-0.png',
      path: '/data/images/Shirt/img-0.png',
      datasetSource: '/data/images',
      line: 7,
      score: 1,
      rank: 1,
      label: 'Shirt',
      suggestion: 'Coat',
      image: '/data/images/Shirt/img-0.png',
      model: '/data/model.onnx',
    });
    assert.equal(first.kind === 'sample' && sampleLabel(first), 'img-0.png');
    assert.equal(first.kind === 'sample' && sampleDescription(first), '1.000 · Shirt → Coat');
  });

  it('leaves reviewed samples out when the review gives its own list', () => {
    const result = labelsResult(10, { estimatedIssues: 4 });
    const reviewed = new Set([2, 3]);
    const nodes = sampleNodes(
      result,
      flaggedSamples(result).filter((sample) => !reviewed.has(sample.rank)),
    );
    assert.deepEqual(
      nodes.map((node) => (node.kind === 'sample' ? node.rank : -1)),
      [1, 4],
    );
  });

  it('describes a row sample without a suggestion by its score and label', () => {
    const node = {
      kind: 'sample' as const,
      task: 'boundary',
      index: 3,
      id: '#3',
      datasetSource: '/d/wine.csv',
      score: 0.25,
      rank: 1,
      label: 'class_0',
    };
    assert.equal(sampleLabel(node), '#3');
    assert.equal(sampleDescription(node), '0.250 · class_0');
  });

  it('is stale when the model or dataset changed after the result arrived', () => {
    const at = new Date(2024, 5, 11, 14, 3);
    assert.equal(isStale(at, [at.getTime() - 1000, at.getTime() - 5]), false);
    assert.equal(isStale(at, [at.getTime() - 1000, at.getTime() + 1]), true);
    assert.equal(
      taskDescription({ receivedAt: at, samples: 1000, flagged: 48, stale: false }),
      '14:03 · 1,000 samples · 48 flagged · fresh',
    );
    assert.equal(
      taskDescription({ receivedAt: at, samples: 5, flagged: 0, stale: true }).endsWith('stale'),
      true,
    );
    assert.equal(taskDescription(undefined), 'not run yet');
  });

  it('marks the chosen dataset, and lists it when the search did not find it', () => {
    const candidates = [
      { path: '/w/images', kind: 'image-folder' as const, description: 'image folder', weight: 10 },
      { path: '/w/t.csv', kind: 'manifest' as const, description: 'CSV table', weight: 1 },
    ];
    assert.deepEqual(
      datasetNodes(candidates, '/w/t.csv').map((node) => [node.path, node.chosen]),
      [
        ['/w/images', false],
        ['/w/t.csv', true],
      ],
    );
    assert.deepEqual(
      datasetNodes(candidates, '/elsewhere/d').map((node) => [node.path, node.chosen]),
      [
        ['/elsewhere/d', true],
        ['/w/images', false],
        ['/w/t.csv', false],
      ],
    );
  });
});
