/**
 * L-BFGS against minima known in closed form: Rosenbrock's valley (minimum at
 * (1, 1), value 0), a quadratic ½xᵀAx − bᵀx whose minimiser A⁻¹b is worked out
 * by hand, and the same quadratic with one coordinate frozen (the minimiser of
 * the remaining 2 × 2 system, by hand).
 */
import assert from 'node:assert/strict';
import { minimiseLbfgs } from '../../../src/core/lbfgs';

describe('core/lbfgs minimiseLbfgs', () => {
  it("finds Rosenbrock's minimum at (1, 1) from (−1.2, 1)", async () => {
    const result = await minimiseLbfgs(
      ([x, y]) => ({
        value: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
        gradient: Float64Array.of(-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)),
      }),
      [-1.2, 1],
      { maxIterations: 200, gradientTolerance: 1e-9 },
    );
    assert.ok(Math.abs(result.x[0] - 1) < 1e-5 && Math.abs(result.x[1] - 1) < 1e-5, `${result.x}`);
    assert.ok(result.value < 1e-10);
  });

  // A = [[4, 1, 0], [1, 3, 1], [0, 1, 2]], b = [1, 2, 3].
  const quadratic = (x: Float64Array) => {
    const Ax = [4 * x[0] + x[1], x[0] + 3 * x[1] + x[2], x[1] + 2 * x[2]];
    const b = [1, 2, 3];
    return {
      value: 0.5 * (x[0] * Ax[0] + x[1] * Ax[1] + x[2] * Ax[2]) - (b[0] * x[0] + b[1] * x[1] + b[2] * x[2]),
      gradient: Float64Array.of(Ax[0] - b[0], Ax[1] - b[1], Ax[2] - b[2]),
    };
  };

  it('solves a quadratic: x = A⁻¹b = (2/9, 1/9, 13/9)', async () => {
    // Rows 1 and 3 give x0 = (1 − x1)/4 and x2 = (3 − x1)/2; row 2 then gives 9 x1 = 1.
    const result = await minimiseLbfgs(quadratic, [0, 0, 0], { gradientTolerance: 1e-12 });
    [2 / 9, 1 / 9, 13 / 9].forEach((expected, t) =>
      assert.ok(Math.abs(result.x[t] - expected) < 1e-8, `x${t} = ${result.x[t]}, expected ${expected}`),
    );
  });

  it('keeps frozen coordinates where they start', async () => {
    // x1 fixed at 0: minimise over x0, x2 → 4 x0 = 1, 2 x2 = 3.
    const result = await minimiseLbfgs(quadratic, [0, 0, 0], { frozen: [0, 1, 0], gradientTolerance: 1e-12 });
    assert.equal(result.x[1], 0);
    assert.ok(Math.abs(result.x[0] - 0.25) < 1e-8 && Math.abs(result.x[2] - 1.5) < 1e-8, `${result.x}`);
  });

  it('returns its start when the gradient is already zero', async () => {
    const result = await minimiseLbfgs(() => ({ value: 2, gradient: new Float64Array(2) }), [0.5, -1]);
    assert.deepEqual(Array.from(result.x), [0.5, -1]);
    assert.equal(result.iterations, 0);
  });
});
