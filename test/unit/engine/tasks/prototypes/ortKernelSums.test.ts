import assert from 'node:assert/strict';
import { exactRowSums, kernelRowSums } from '../../../../../src/core/prototypes';
import { ortKernelRowSums } from '../../../../../src/engine/tasks/prototypes/ortKernelSums';
import { seededNormal } from '../../../../../src/core/random';

describe('engine/tasks/prototypes ortKernelRowSums', () => {
  it('equals the core reference (float32 tolerance), duplicates and far points included', async () => {
    const normal = seededNormal(3);
    const rows = 5000; // more than one block of rows (16M kernel values per run)
    const data = Float32Array.from({ length: rows * 8 }, () => 3 + normal());
    data.copyWithin(8, 0, 8); // row 1 = row 0
    for (let c = 0; c < 8; c++) data[2 * 8 + c] = 40; // row 2 far from everything
    const points = { rows, dim: 8, data };
    for (const gamma of [0.01, 0.1, 1]) {
      const expected = await exactRowSums(points, gamma);
      const ours = await ortKernelRowSums(points, gamma);
      // Each kernel value carries float32 rounding of its squared distance (~1e-7 relative,
      // times γ‖x − y‖² ≤ a few hundred here) and the float32 sum of 5,000 terms.
      ours.forEach((value, i) =>
        assert.ok(Math.abs(value - expected[i]) < 1e-4 * expected[i], `γ ${gamma} row ${i}`),
      );
      assert.ok(Math.abs(ours[2] - 1) < 1e-6, 'a far point sums to its own kernel value 1');
    }
  });

  it('is what kernelRowSums uses when given, up to the limit given', async () => {
    const normal = seededNormal(4);
    const points = { rows: 50, dim: 3, data: Float32Array.from({ length: 150 }, normal) };
    let calls = 0;
    const counting = async (...args: Parameters<typeof ortKernelRowSums>) => {
      calls++;
      return ortKernelRowSums(...args);
    };
    const exact = await kernelRowSums(points, 0.5, { exact: counting, exactLimit: 50 });
    assert.deepEqual([exact.method, calls], ['exact', 1]);
    const approximate = await kernelRowSums(points, 0.5, { exact: counting, exactLimit: 49, frequencies: 8 });
    assert.deepEqual([approximate.method, calls], ['random-features', 1]);
  });
});
