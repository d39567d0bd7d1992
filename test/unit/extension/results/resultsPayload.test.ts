import assert from 'node:assert/strict';
import type { ScanResult } from '../../../../src/protocol/engine';
import {
  buildResultsPayload,
  commonFolder,
  isInsideFolder,
  probabilitiesOf,
  reviewMarks,
  thumbnailRoots,
  type StoredDecision,
} from '../../../../src/extension/results/resultsPayload';

function scanResult(overrides: Partial<ScanResult> = {}): ScanResult {
  return {
    task: 'labels',
    title: 'Label issues',
    scorer: 'margin',
    columns: [
      { key: 'label', title: 'Given label', kind: 'label' },
      { key: 'suggested', title: 'Suggested', kind: 'label', contrastWith: 'label' },
      { key: 'predicted', title: 'Predicted', kind: 'label' },
      { key: 'never', title: 'Never set', kind: 'number' },
    ],
    params: { task: 'labels', datasets: [{ role: 'data', path: '/w/images' }], k: 20 },
    dataset: { kind: 'image-folder', source: '/w/images', count: 4, labelNames: ['cat', 'dog'] },
    samples: [
      {
        index: 2,
        id: 'dog/2.png',
        path: '/w/images/dog/2.png',
        label: 'dog',
        suggested: 'cat',
        predicted: 'cat',
        score: 0.91234,
        rank: 1,
      },
      {
        index: 0,
        id: 'cat/0.jpg',
        path: '/w/images/cat/0.jpg',
        label: 'cat',
        suggested: 'cat',
        score: 0.5,
        rank: 2,
      },
      { index: 3, id: 'cat/3.bmp', path: '/w/images/cat/3.bmp', label: 'cat', score: 0.25, rank: 3 },
      { index: 1, id: '#1', score: 0, rank: 4 },
    ],
    skipped: [{ index: 4, file: '/w/images/cat/bad.png', problem: 'is not a PNG' }],
    metrics: { disagreement: 0.25 },
    timings: {},
    cached: { embeddings: false, result: false },
    ...overrides,
  };
}

const toUri = (path: string) => `https://webview.test${path}`;

describe('extension/results/resultsPayload', () => {
  it('keeps rank order and gives thumbnails to PNG/JPG files inside the roots only', () => {
    const payload = buildResultsPayload(scanResult(), ['/w/images'], toUri);
    assert.equal(payload.title, 'Label issues');
    // A column without a value in any row is left out.
    assert.deepEqual(
      payload.columns.map((column) => column.key),
      ['label', 'suggested', 'predicted'],
    );
    assert.deepEqual(payload.rows, [
      {
        index: 2,
        rank: 1,
        id: 'dog/2.png',
        values: { label: 'dog', suggested: 'cat', predicted: 'cat' },
        score: 0.91234,
        thumbnail: 'https://webview.test/w/images/dog/2.png',
        openable: true,
      },
      {
        index: 0,
        rank: 2,
        id: 'cat/0.jpg',
        values: { label: 'cat', suggested: 'cat' },
        score: 0.5,
        thumbnail: 'https://webview.test/w/images/cat/0.jpg',
        openable: true,
      },
      // A BMP opens in VS Code but is not offered to <img>.
      { index: 3, rank: 3, id: 'cat/3.bmp', values: { label: 'cat' }, score: 0.25, openable: true },
      // A row of an array file: nothing to show, nothing to open.
      { index: 1, rank: 4, id: '#1', values: {}, score: 0, openable: false },
    ]);
    assert.deepEqual(payload.skipped, [{ index: 4, file: '/w/images/cat/bad.png', problem: 'is not a PNG' }]);
    assert.deepEqual(payload.metrics, { disagreement: 0.25 });
  });

  it('carries the scorer, reference, notices, histogram and galleries as the engine gave them', () => {
    const reference = {
      kind: 'idx',
      source: '/w/train-images.idx',
      count: 60000,
      labelNames: ['cat', 'dog'],
    };
    const distribution = {
      title: 'Detector score',
      series: [
        { name: 'reference (clean)', values: [0.1, 0.2] },
        { name: 'data under test', values: [0.9] },
      ],
    };
    const payload = buildResultsPayload(
      scanResult({
        scorer: 'fused',
        reference,
        notices: ['labels of the data under test were not used'],
        distribution,
        prototypes: [0, 2],
        criticisms: [3],
      }),
      ['/w/images'],
      toUri,
    );
    assert.equal(payload.scorer, 'fused');
    assert.deepEqual(payload.reference, reference);
    assert.deepEqual(payload.notices, ['labels of the data under test were not used']);
    assert.deepEqual(payload.distribution, distribution);
    assert.deepEqual(payload.prototypes, [0, 2]);
    assert.deepEqual(payload.criticisms, [3]);

    // Absent in the result, absent in the payload; no notices is an empty list.
    const plain = buildResultsPayload(scanResult(), ['/w/images'], toUri);
    assert.deepEqual(plain.notices, []);
    for (const key of ['reference', 'distribution', 'prototypes', 'criticisms'] as const)
      assert.equal(key in plain, false, key);
  });

  it('gives no thumbnail to files outside every root', () => {
    const payload = buildResultsPayload(scanResult(), ['/w/images/cat'], toUri);
    assert.equal(payload.rows[0].thumbnail, undefined);
    assert.equal(payload.rows[1].thumbnail, 'https://webview.test/w/images/cat/0.jpg');
  });

  describe('thumbnailRoots', () => {
    it('is the image folder itself for an image-folder dataset', () => {
      assert.deepEqual(thumbnailRoots(scanResult(), ['/w']), ['/w/images']);
    });

    it('adds the folder of images a manifest points to, when it is inside the workspace', () => {
      const manifest = scanResult({
        dataset: { kind: 'manifest', source: '/w/meta/train.csv', count: 2, labelNames: [] },
        samples: [
          { index: 0, id: '../pics/a/1.png', path: '/w/pics/a/1.png', score: 1, rank: 1 },
          { index: 1, id: '../pics/b/2.png', path: '/w/pics/b/2.png', score: 0, rank: 2 },
        ],
      });
      assert.deepEqual(thumbnailRoots(manifest, ['/w']), ['/w/meta', '/w/pics']);
      // Outside every workspace folder: the webview is not opened to it.
      assert.deepEqual(thumbnailRoots(manifest, ['/other']), ['/w/meta']);
    });
  });

  it('finds the deepest common folder of files', () => {
    assert.equal(commonFolder(['/a/b/c/1.png', '/a/b/d/2.png', '/a/b/c/e/3.png']), '/a/b');
    assert.equal(commonFolder(['/a/b/1.png']), '/a/b');
    assert.equal(commonFolder(['/a/1.png', '/b/2.png']), '/');
    assert.equal(commonFolder([]), undefined);
  });

  it('tells inside from a sibling with the same prefix', () => {
    assert.equal(isInsideFolder('/w/images/a.png', '/w/images'), true);
    assert.equal(isInsideFolder('/w/images-old/a.png', '/w/images'), false);
    assert.equal(isInsideFolder('/w/images', '/w/images'), true);
    assert.equal(isInsideFolder('/w/a.png', '/'), true);
  });

  it("passes each sample's neighbours and the 2-D map through; drops malformed ones", () => {
    const result = scanResult();
    result.samples[0].neighbours = [0, 3];
    result.samples[1].neighbours = [2, -1];
    (result as { map?: unknown }).map = { method: 'pca', x: [0, 1, 2, 3], y: [3, 2, 1, 0] };
    const payload = buildResultsPayload(result, ['/w/images'], toUri);
    assert.deepEqual(payload.rows[0].neighbours, [0, 3]);
    assert.equal(payload.rows[1].neighbours, undefined, 'a negative index is no sample');
    assert.equal('neighbours' in payload.rows[2], false);
    assert.deepEqual(payload.map, { method: 'pca', x: [0, 1, 2, 3], y: [3, 2, 1, 0] });
    (result as { map?: unknown }).map = { method: 'pca', x: [0, 1], y: [0] };
    assert.equal(
      buildResultsPayload(result, ['/w/images'], toUri).map,
      undefined,
      'x and y of different lengths',
    );
  });

  it("passes the model's top classes through, most probable first, at most five; drops malformed lists", () => {
    const result = scanResult();
    const top = [
      { label: 'cat', p: 0.7 },
      { label: 'dog', p: 0.2 },
    ];
    (result.samples[0] as { probabilities?: unknown }).probabilities = top;
    (result.samples[1] as { probabilities?: unknown }).probabilities = [{ label: 'cat', p: 1.5 }];
    const payload = buildResultsPayload(result, ['/w/images'], toUri);
    assert.deepEqual(payload.rows[0].probabilities, top);
    assert.equal(payload.rows[1].probabilities, undefined, 'a probability above 1 is no probability');
    assert.equal('probabilities' in payload.rows[2], false);
    // Seven classes out of order: the five most probable, sorted, come through.
    const seven = [0.01, 0.3, 0.05, 0.2, 0.02, 0.4, 0.02].map((p, i) => ({ label: `c${i}`, p }));
    const sample = { ...result.samples[0], probabilities: seven } as unknown as ScanResult['samples'][number];
    assert.deepEqual(
      probabilitiesOf(sample)?.map((entry) => entry.label),
      ['c5', 'c1', 'c3', 'c2', 'c4'],
    );
    const unlabelled = { ...sample, probabilities: [{ p: 0.5 }] } as unknown as ScanResult['samples'][number];
    assert.equal(probabilitiesOf(unlabelled), undefined);
  });

  it("reads the review decisions of the result's samples from the store, by dataset and id", () => {
    const decisions = new Map<string, StoredDecision>([
      ['/w/images|dog/2.png', { state: 'relabelled', from: 'dog', to: 'cat' }],
      ['/w/images|#1', { state: 'ok' }],
      ['/elsewhere|cat/0.jpg', { state: 'ok' }],
    ]);
    const marks = reviewMarks(scanResult(), (dataset, id) => decisions.get(`${dataset}|${id}`));
    assert.deepEqual(marks, { 'dog/2.png': { state: 'relabelled', to: 'cat' }, '#1': { state: 'ok' } });
  });
});
