import assert from 'node:assert/strict';
import { lazyGreedy } from '../../../../src/core/acquire/lazyGreedy';
import { seededUniform } from '../../../../src/core/random';

describe('core/acquire lazyGreedy', () => {
  it('equals the plain greedy on random weighted set-cover functions (submodular), ties to the smaller node', async () => {
    for (const seed of [1, 2, 3, 4]) {
      const uniform = seededUniform(seed);
      const items = 25;
      const nodes = 18;
      const itemWeight = Array.from({ length: items }, () => Math.round(uniform() * 4));
      const sets = Array.from({ length: nodes }, () =>
        Array.from({ length: items }, (_, t) => t).filter(() => uniform() < 0.2),
      );
      const covered = new Set<number>();
      const gain = (j: number) =>
        sets[j].filter((t) => !covered.has(t)).reduce((sum, t) => sum + itemWeight[t], 0);
      const result = await lazyGreedy(
        Int32Array.from({ length: nodes }, (_, j) => j),
        gain,
        (j) => sets[j].forEach((t) => covered.add(t)),
      );

      const plainCovered = new Set<number>();
      const plainGain = (j: number) =>
        sets[j].filter((t) => !plainCovered.has(t)).reduce((sum, t) => sum + itemWeight[t], 0);
      const remaining = Array.from({ length: nodes }, (_, j) => j);
      const expected: number[] = [];
      const expectedValue: number[] = [];
      while (remaining.length) {
        const gains = remaining.map(plainGain);
        const best = Math.max(...gains);
        const j = remaining[gains.indexOf(best)];
        remaining.splice(remaining.indexOf(j), 1);
        sets[j].forEach((t) => plainCovered.add(t));
        expected.push(j);
        expectedValue.push(best);
      }
      assert.deepEqual(Array.from(result.order), expected);
      assert.deepEqual(Array.from(result.value), expectedValue);
    }
  });

  it('handles no candidates and one candidate', async () => {
    assert.equal(
      (
        await lazyGreedy(
          new Int32Array(0),
          () => 1,
          () => {},
        )
      ).order.length,
      0,
    );
    assert.deepEqual(
      Array.from(
        (
          await lazyGreedy(
            Int32Array.from([7]),
            () => 2,
            () => {},
          )
        ).order,
      ),
      [7],
    );
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      lazyGreedy(
        Int32Array.from({ length: 600 }, (_, j) => j),
        () => 1,
        () => {},
        { signal: controller.signal },
      ),
      /cancelled/,
    );
  });
});
