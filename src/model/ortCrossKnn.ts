/**
 * Cross kNN (queries against a different set of points) on onnxruntime, the
 * native backend of core/boundary's `exactCrossKnn`: for a block of queries
 * Q, one Gemm computes ‖p‖² − 2 q·p (‖q‖² does not change a row's order) and
 * TopK keeps a few more candidates than asked; their distances are then
 * recomputed in float64 from the original rows and re-sorted (distance, then
 * index), so the result agrees with the reference.
 * The graph is ortKnn's (which searches one set against itself).
 */
import * as ort from 'onnxruntime-node';
import { createCheckpoint } from '../core/cooperative';
import { checkCrossKnnInput, type CrossKnnSearch } from '../core/boundary';
import type { DenseMatrix } from '../core/types';
import { centredRows, columnMeans } from './centring';
import { helperSession } from './helperSessions';
import { knnScoresGraph } from './ortKnn';

/** Query rows per run: keeps the q × n score block near 64 MB. */
const SCORE_BLOCK_FLOATS = 16 * 2 ** 20;
/**
 * A few queries are still split into this many runs (of at least
 * MIN_BLOCK_ROWS rows): onnxruntime's memory for the scores is touched
 * fresh on a first run, and this machine pays about 3 µs per page. The 200
 * rows of approximateKnn's recall check against 60,000 points took 415 ms in
 * one 48 MB block and 285 ms in eight; large searches keep their large blocks,
 * whose fewer runs are faster once warm (10,000 queries: 0.75 s against 1.1 s
 * in blocks of 16 rows).
 */
const MIN_RUNS = 8;
const MIN_BLOCK_ROWS = 16;
/** Candidates beyond k, so that float32 near-ties at the k-th place are settled in float64. */
const SLACK = 4;

export const ortCrossKnn: CrossKnnSearch = async (queries, points, k, options) => {
  const exclude = options?.exclude;
  checkCrossKnnInput(queries, points, k, exclude);
  const { rows: n, dim } = queries;
  const m = points.rows;
  const session = await helperSession('knn', knnScoresGraph);
  const mean = columnMeans(points);
  const norms = new Float32Array(m);
  const centredPoints = centredRows(points, mean, norms);
  const centredQueries = centredRows(queries, mean);
  const candidates = Math.min(m, k + (exclude ? 1 : 0) + SLACK);
  const indices = new Int32Array(n * k);
  const distances = new Float32Array(n * k);
  const block = Math.max(
    1,
    Math.min(n, Math.floor(SCORE_BLOCK_FLOATS / m), Math.max(MIN_BLOCK_ROWS, Math.ceil(n / MIN_RUNS))),
  );
  const pointsTensor = new ort.Tensor('float32', centredPoints, [m, dim]);
  const normsTensor = new ort.Tensor('float32', norms, [m]);
  const candidatesTensor = new ort.Tensor('int64', BigInt64Array.from([BigInt(candidates)]), [1]);
  const checkpoint = createCheckpoint(options);
  const chosen: { index: number; d2: number }[] = [];
  for (let start = 0; start < n; start += block) {
    const count = Math.min(block, n - start);
    const queryTensor = new ort.Tensor(
      'float32',
      centredQueries.subarray(start * dim, (start + count) * dim),
      [count, dim],
    );
    const out = await session.run({
      queries: queryTensor,
      points: pointsTensor,
      pointNorms: normsTensor,
      candidates: candidatesTensor,
    });
    const found = out.indices.data as BigInt64Array;
    for (let r = 0; r < count; r++) {
      const row = start + r;
      chosen.length = 0;
      for (let s = 0; s < candidates; s++) {
        const index = Number(found[r * candidates + s]);
        if (exclude && index === exclude[row]) continue;
        chosen.push({ index, d2: squaredDistance(queries, row, points, index) });
      }
      chosen.sort((a, b) => a.d2 - b.d2 || a.index - b.index);
      for (let s = 0; s < k; s++) {
        indices[row * k + s] = chosen[s].index;
        distances[row * k + s] = Math.sqrt(chosen[s].d2);
      }
    }
    options?.onProgress?.(start + count, n);
    await checkpoint();
  }
  return { n, k, indices, distances };
};

/** Σ (q − p)² in float64 over the original rows, as the core reference sums it. */
function squaredDistance(queries: DenseMatrix, row: number, points: DenseMatrix, index: number): number {
  const dim = queries.dim;
  let sum = 0;
  for (let c = 0; c < dim; c++) {
    const diff = queries.data[row * dim + c] - points.data[index * dim + c];
    sum += diff * diff;
  }
  return sum;
}
