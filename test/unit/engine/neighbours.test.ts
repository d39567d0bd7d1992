/**
 * The scan's kNN search (src/engine/neighbours.ts) through runScan: a graph
 * given with `knnGraph` is the graph the labels task filters on (its MARGIN
 * scores equal SciPy's on the same graph, scripts/make-knn-fixtures.py, even
 * for a graph the scan could not have built from the data), its problems are
 * parameter errors naming the file, and an approximate search reports its
 * recall in the result's metrics and notices.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isParameterError } from '../../../src/core/errors';
import { npyNumbers, readNpy } from '../../../src/data/npy';
import { silentContext } from '../../../src/engine/context';
import { runScan } from '../../../src/engine/scan';
import type { ScanParams, ScanResult } from '../../../src/protocol/engine';
import { npyBytes } from '../data/helpers';

const FIXTURES = resolve(__dirname, '../../fixtures');
const FEATURES = join(FIXTURES, 'fmnist', 'npy', 'features.npy');
const KNN = join(FIXTURES, 'knn');

function scan(overrides: Partial<ScanParams>): Promise<ScanResult> {
  return runScan(
    {
      task: 'labels',
      datasets: [{ role: 'data', path: FEATURES }],
      k: 10,
      scorer: 'margin',
      noCache: true,
      ...overrides,
    },
    silentContext,
  );
}

/** Scores by dataset index. */
function scores(result: ScanResult): Float64Array {
  const out = new Float64Array(result.dataset.count).fill(NaN);
  for (const sample of result.samples) out[sample.index] = sample.score;
  return out;
}

async function reference(name: string): Promise<Float64Array> {
  return npyNumbers(await readNpy(join(KNN, name)));
}

function assertClose(actual: Float64Array, expected: Float64Array): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(
      Math.abs(actual[i] - expected[i]) < 1e-9,
      `sample ${i}: ${actual[i]} vs SciPy's ${expected[i]}`,
    );
  }
}

describe('engine/neighbours: the graph a scan filters on', function () {
  this.timeout(120_000);

  it('filters on its own exact graph as SciPy does on scikit-learn’s', async () => {
    assertClose(scores(await scan({})), await reference('margin-features-graph.npy'));
  });

  for (const form of ['features-csr.npz', 'features-faiss.npz', 'features-edges.npy', 'features-csr']) {
    it(`filters on the graph given as ${form}`, async () => {
      const result = await scan({ knnGraph: join(KNN, form) });
      assertClose(scores(result), await reference('margin-features-graph.npy'));
      assert.ok(result.timings['graph file'] !== undefined);
    });
  }

  it('filters on a given graph it could not have built itself (scikit-learn on the pixels)', async () => {
    const result = await scan({ knnGraph: join(KNN, 'pixels-edges.npy') });
    const expected = await reference('margin-pixels-graph.npy');
    assertClose(scores(result), expected);
    // And that graph is not the features' own: the rankings differ.
    const own = await reference('margin-features-graph.npy');
    assert.ok(expected.some((value, i) => Math.abs(value - own[i]) > 1e-3));
  });

  it('reports a bad graph as a knnGraph parameter error naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'margin-graph-'));
    try {
      const file = join(dir, 'negative.npy');
      await writeFile(file, npyBytes('<i8', [1, 2], new Uint8Array(BigInt64Array.from([0n, -1n]).buffer)));
      await assert.rejects(scan({ knnGraph: file }), (error: unknown) => {
        assert.ok(isParameterError(error));
        assert.equal(error.parameter, 'knnGraph');
        assert.ok(error.message.includes(file) && /negative index -1/.test(error.message), error.message);
        return true;
      });
      await assert.rejects(scan({ knnGraph: join(KNN, 'features-csr.npz'), k: 11 }), /fewer than k = 11/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('measures and reports the recall of an approximate search', async () => {
    const result = await scan({ knn: 'approximate' });
    const recall = result.metrics?.knnRecall;
    assert.ok(recall !== undefined && recall >= 0.95 && recall <= 1, `knnRecall ${recall}`);
    assert.equal(result.metrics?.knnRecallQueries, 200);
    assert.ok(
      result.notices?.some((notice) => /approximate index .*recall@10/.test(notice)),
      result.notices?.join('\n'),
    );
  });

  it('rejects an unknown kNN backend', async () => {
    await assert.rejects(scan({ knn: 'fast' as ScanParams['knn'] }), {
      name: 'ParameterError',
      parameter: 'knn',
    });
  });
});
