/**
 * DANCE optimises all decoys in one batch (one forward call and one VJP per
 * iteration). Rows of a batch do not interact, so each decoy must come out
 * exactly as it does when searched alone, with and without early stopping
 * (a settled decoy is frozen, whatever the others still do).
 */
import assert from 'node:assert/strict';
import { decoySpecs } from '../../../src/model/attribution/dance';
import { generateDecoys, type DecoySpec } from '../../../src/model/attribution/decoys';
import { seededRandom } from '../../../src/model/attribution/random';
import { float32, reluNet } from './analyticModels';

// The 4 → 4 → 3 ReLU net of dance.test.ts on 1×2×2 inputs; unit 1 sits near its kink at X.
const net = () =>
  reluNet(
    [
      [1, -1, 0.5, 0],
      [0.5, 1, -1, 0.3],
      [-0.4, 0.2, 1, 1],
      [0.3, 0.3, -0.2, -1],
    ],
    [0.1, 0.09, 0.05, 0.3],
    [
      [1, -1, 0.5, 2],
      [-0.5, 1, 1, -1],
      [0.2, 0.3, -1, 0.5],
    ],
    [0, 0, 0],
    [1, 2, 2],
  );
const X = float32([0.4, -0.3, 0.2, 0.6]);

const search = (patience: number) => ({
  tolerance: 0.09,
  lower: Math.fround(-0.3),
  upper: Math.fround(0.6),
  iterations: 150,
  learningRate: 0.018,
  initialPenalty: 1 / 0.09,
  patience,
});

describe('attribution/decoys batching', () => {
  for (const patience of [0, 10]) {
    it(`gives each decoy of a batch exactly its one-at-a-time result (patience ${patience})`, async () => {
      const specs: DecoySpec[] = decoySpecs([1, 2, 2], 4, 1, 2, seededRandom(3));
      assert.equal(specs.length, 4);
      const model = net();
      const layer = await model.tensor('pre');
      const batched = await generateDecoys(layer, X, specs, search(patience), {});
      assert.ok(model.calls.vjp.every((c) => c.n === 4), 'one batch of 4 per VJP');
      let longest = 0;
      for (let k = 0; k < specs.length; k++) {
        const alone = await generateDecoys(layer, X, [specs[k]], search(patience), {});
        longest = Math.max(longest, alone.iterations);
        assert.deepEqual(Array.from(batched.decoys.subarray(4 * k, 4 * k + 4)), Array.from(alone.decoys), `decoy ${k}`);
        assert.equal(batched.reach[k], alone.reach[0]);
        assert.equal(batched.deviations[k], alone.deviations[0]);
        assert.ok(alone.reach[0] > 0, `decoy ${k} did not move`);
      }
      // The batch runs until its slowest decoy has settled.
      assert.equal(batched.iterations, longest);
      if (patience > 0) assert.ok(longest < 150, `${longest} iterations`);
    });
  }
});
