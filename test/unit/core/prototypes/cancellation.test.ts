import assert from 'node:assert/strict';
import { graphFromKnn } from '../../../../src/core/csr';
import { CancelledError } from '../../../../src/core/errors';
import { exactKnn } from '../../../../src/core/knn';
import {
  greedyCoverage,
  kernelRowSums,
  mmdCriticCriticisms,
  mmdCriticPrototypes,
  mmdNodeFunction,
  nearestPrototypes,
} from '../../../../src/core/prototypes';
import { seededNormal } from '../../../../src/core/random';

/** Every long loop of the prototypes maths stops at its next checkpoint once the job is cancelled. */
describe('core/prototypes cancellation and progress', () => {
  const normal = seededNormal(1);
  const points = { rows: 600, dim: 4, data: Float32Array.from({ length: 2400 }, normal) };
  const aborted = AbortSignal.abort();
  const isCancelled = (error: unknown) => error instanceof CancelledError;

  it('stops kernel sums (exact and random features), the node function, MMD-critic, the greedy and the nearest prototypes', async () => {
    await assert.rejects(kernelRowSums(points, 0.1, { method: 'exact', signal: aborted }), isCancelled);
    await assert.rejects(
      kernelRowSums(points, 0.1, { method: 'random-features', signal: aborted }),
      isCancelled,
    );
    const knn = await exactKnn(points, 5);
    const { rowSums } = await kernelRowSums(points, 0.1);
    await assert.rejects(mmdNodeFunction(points, knn, 0.1, rowSums, { signal: aborted }), isCancelled);
    await assert.rejects(
      mmdCriticPrototypes(points, 100, { gamma: 0.1, rowSums, signal: aborted }),
      isCancelled,
    );
    await assert.rejects(
      mmdCriticCriticisms(points, [0, 1], 100, { gamma: 0.1, rowSums, signal: aborted }),
      isCancelled,
    );
    const graph = graphFromKnn(knn, { weighting: 'gaussian' });
    await assert.rejects(greedyCoverage(graph, { count: 200, signal: aborted }), isCancelled);
    await assert.rejects(nearestPrototypes(points, [0, 1, 2], undefined, { signal: aborted }), isCancelled);
  });

  it('reports progress up to its total', async () => {
    const reports: [number, number][] = [];
    await kernelRowSums(points, 0.1, {
      method: 'exact',
      onProgress: (done, total) => reports.push([done, total]),
    });
    assert.ok(reports.length > 2);
    assert.deepEqual(reports.at(-1), [600, 600]);
    assert.ok(
      reports.every(([done], t) => t === 0 || done >= reports[t - 1][0]),
      'progress never goes back',
    );
  });
});
