/**
 * usearch's HNSW backend (src/model/approximateKnn.ts) against the core
 * reference `exactKnn`: recall on real embeddings (the fixture CNN's features
 * of 5,000 Fashion-MNIST test images, test/fixtures/knn), the recall it
 * reports against the one measured here over every row, distances and order
 * as the reference computes them, and the search beam widened until the
 * sampled recall reaches the target.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { exactKnn, neighbourRecall } from '../../../src/core/knn';
import { seededNormal } from '../../../src/core/random';
import type { DenseMatrix, KnnResult } from '../../../src/core/types';
import { approximateKnn } from '../../../src/model/approximateKnn';
import { readFloat32 } from './helpers';

const KNN_FIXTURES = join(__dirname, '../../fixtures/knn');
const allRows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

/**
 * Every distance is √Σ(x − y)² of its pair (computed here in float64; within
 * 1e-5 relative, since exact search measures on centred float32 points), and
 * rows ascend by distance.
 */
function assertExactDistances(points: DenseMatrix, knn: KnnResult): void {
  const { dim, data } = points;
  for (let row = 0; row < knn.n; row++) {
    for (let j = 0; j < knn.k; j++) {
      const other = knn.indices[row * knn.k + j];
      assert.notEqual(other, row, `row ${row} lists itself`);
      let d2 = 0;
      for (let c = 0; c < dim; c++) d2 += (data[row * dim + c] - data[other * dim + c]) ** 2;
      const expected = Math.sqrt(d2);
      const found = knn.distances[row * knn.k + j];
      assert.ok(Math.abs(found - expected) <= 1e-5 * Math.max(expected, 1e-6), `row ${row}, neighbour ${j}`);
      if (j > 0) assert.ok(knn.distances[row * knn.k + j] >= knn.distances[row * knn.k + j - 1]);
    }
  }
}

describe('model/approximateKnn (usearch HNSW) against core exactKnn', function () {
  this.timeout(120_000);
  let embeddings: DenseMatrix;
  let exact: KnnResult;
  before(async () => {
    const array = await readFloat32(join(KNN_FIXTURES, 'fmnist-t10k-5000-embeddings.npy'));
    embeddings = { rows: array.shape[0], dim: array.shape[1], data: array.data };
    exact = await exactKnn(embeddings, 20);
  });

  it('finds at least 95% of the exact 20 neighbours of 5,000 Fashion-MNIST embeddings, and says how many', async () => {
    // At 5,000 points exact search is the faster one: the index is asked for by name.
    const approximate = await approximateKnn(embeddings, 20, { exactWhenBetter: false });
    assert.equal(approximate.exactInstead, undefined);
    const recall = neighbourRecall(approximate, exact, allRows(embeddings.rows));
    assert.ok(recall >= 0.95, `recall@20 over every row ${recall}`);
    assert.equal(approximate.recallQueries, 200);
    // The reported recall is measured on 200 sampled rows: an estimate of the same quantity.
    assert.ok(
      Math.abs(approximate.recall - recall) < 0.03,
      `reported ${approximate.recall}, measured ${recall}`,
    );
    assertExactDistances(embeddings, approximate);
  });

  it('widens its search beam until the sampled recall reaches the target', async () => {
    const normal = seededNormal(5);
    // Iid Gaussian points of high intrinsic dimension: a beam of 4 misses many neighbours.
    const hard = { rows: 3000, dim: 48, data: Float32Array.from({ length: 3000 * 48 }, () => normal()) };
    const options = { hnsw: { expansionSearch: 4 }, exactWhenBetter: false };
    const narrow = await approximateKnn(hard, 10, { ...options, targetRecall: 0 });
    const widened = await approximateKnn(hard, 10, { ...options, targetRecall: 0.95 });
    const truth = await exactKnn(hard, 10);
    const narrowRecall = neighbourRecall(narrow, truth, allRows(3000));
    const widenedRecall = neighbourRecall(widened, truth, allRows(3000));
    assert.equal(narrow.expansionSearch, 4);
    assert.ok(widened.expansionSearch > 4, `beam ${widened.expansionSearch}`);
    assert.ok(narrowRecall < 0.95, `a beam of 4 finds ${narrowRecall}`);
    assert.ok(widenedRecall >= 0.93, `the widened beam finds ${widenedRecall}`);
    assert.ok(widened.recall >= 0.95, `sampled recall ${widened.recall}`);
  });

  it('searches exactly when the target is out of reach', async () => {
    const sample = {
      rows: 2000,
      dim: embeddings.dim,
      data: embeddings.data.subarray(0, 2000 * embeddings.dim),
    };
    const result = await approximateKnn(sample, 20, { targetRecall: 1.01 });
    assert.equal(result.exactInstead, 'recall');
    const truth = await exactKnn(sample, 20);
    assert.equal(neighbourRecall(result, truth, allRows(2000)), 1);
    assertExactDistances(sample, result);
  });

  it('excludes each point itself and finds its exact duplicates (at the recall it promises)', async () => {
    // Ten copies of each of 30 points: each point's 9 nearest are its copies, at distance 0.
    // HNSW is approximate and usearch builds on several threads, so under load a row may miss a
    // copy (seen once: 8 of 9 for one row); the promise is the sampled recall (≥ 0.95), the
    // exclusion of the point itself, and exact distances for what it lists.
    const base = seededNormal(9);
    const distinct = Array.from({ length: 30 * 4 }, () => base());
    const data = Float32Array.from(
      { length: 300 * 4 },
      (_, t) => distinct[(Math.floor(t / 4) % 30) * 4 + (t % 4)],
    );
    const points = { rows: 300, dim: 4, data };
    const knn = await approximateKnn(points, 9, { exactWhenBetter: false });
    let found = 0;
    for (let row = 0; row < 300; row++) {
      const listed = Array.from(knn.indices.subarray(row * 9, (row + 1) * 9));
      assert.ok(!listed.includes(row), `row ${row} lists itself`);
      for (const [slot, other] of listed.entries()) {
        const copy = other % 30 === row % 30;
        if (copy) found++;
        assert.equal(knn.distances[row * 9 + slot] === 0, copy, `row ${row}: neighbour ${other}`);
      }
    }
    assert.ok(found / (300 * 9) >= 0.95, `${found} of ${300 * 9} copies found`);
    assertExactDistances(points, knn);
  });

  it('rejects k ≥ n and non-finite values like the reference', async () => {
    await assert.rejects(approximateKnn({ rows: 5, dim: 2, data: new Float32Array(10) }, 5), {
      name: 'InputError',
    });
    await assert.rejects(approximateKnn({ rows: 3, dim: 1, data: Float32Array.from([0, NaN, 1]) }, 1), {
      name: 'InputError',
    });
  });
});
