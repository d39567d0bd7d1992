/** The seeded generator: reproducible, and with the right first two moments. */
import assert from 'node:assert/strict';
import { seededRandom } from '../../../src/model/attribution/random';

describe('attribution/random', () => {
  it('repeats its sequence for a seed and differs between seeds', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 5 }, () => random.normal());
    };
    assert.deepEqual(draw(7), draw(7));
    assert.notDeepEqual(draw(7), draw(8));
  });

  it('draws uniforms in [0, 1) with mean ½ and normals with mean 0 and variance 1', () => {
    const random = seededRandom(42);
    const n = 100_000;
    let uSum = 0;
    let zSum = 0;
    let zSquares = 0;
    for (let i = 0; i < n; i++) {
      const u = random.uniform();
      assert.ok(u >= 0 && u < 1);
      uSum += u;
      const z = random.normal();
      zSum += z;
      zSquares += z * z;
    }
    // Five standard errors: √(1/12/n) ≈ 0.0009, √(1/n) ≈ 0.0032, √(2/n) ≈ 0.0045.
    assert.ok(Math.abs(uSum / n - 0.5) < 5 * 0.0009);
    assert.ok(Math.abs(zSum / n) < 5 * 0.0032);
    assert.ok(Math.abs(zSquares / n - 1) < 5 * 0.0045);
  });

  it('draws integers in [0, n)', () => {
    const random = seededRandom(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[random.integer(3)]++;
    assert.ok(
      counts.every((c) => c > 900 && c < 1100),
      counts.join(','),
    );
  });
});
