import assert from 'node:assert/strict';
import { isParameterError } from '../../../../src/core/errors';
import { drawLabelFlips, flipCount } from '../../../../src/engine/calibrate/flipLabels';

/** n rows over `classes` classes (row i has class i mod classes); every `gap`-th row unlabelled (−1). */
function codes(n: number, classes: number, gap = 0): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (gap && i % gap === gap - 1 ? -1 : i % classes));
}

function changedRows(before: Int32Array, after: Int32Array): number[] {
  const rows: number[] = [];
  for (let i = 0; i < before.length; i++) if (before[i] !== after[i]) rows.push(i);
  return rows;
}

const parameterError = (name: string) => (error: unknown) =>
  isParameterError(error) && (error as { file: string }).file === name;

describe('engine/calibrate/flipLabels', () => {
  it('flips exactly round(fraction × labelled rows), only labelled rows, and reports them ascending', () => {
    // 1,000 rows, every 10th unlabelled: 900 labelled.
    const given = codes(1000, 10, 10);
    for (const [fraction, expected] of [
      [0.1, 90],
      [0.05, 45],
      [0.5, 450],
      [0.0123, 11], // 11.07 → 11
      [0.0128, 12], // 11.52 → 12
    ]) {
      const { rows, codes: flipped } = drawLabelFlips(given, 10, fraction, 7);
      assert.equal(rows.length, expected, `fraction ${fraction}`);
      assert.deepEqual(
        Array.from(rows),
        changedRows(given, flipped),
        'rows = exactly the rows whose class changed',
      );
      assert.ok(
        Array.from(rows).every((row) => given[row] >= 0),
        'unlabelled rows are never flipped',
      );
      for (let i = 1; i < rows.length; i++) assert.ok(rows[i] > rows[i - 1], 'ascending, no repeats');
    }
    assert.equal(flipCount(7, 0.5), 4, '3.5 rounds up');
    assert.equal(flipCount(900, 0.1), 90);
  });

  it('never flips a label to its own class, and stays among the classes', () => {
    for (const classes of [2, 3, 10]) {
      const given = codes(600, classes);
      for (let seed = 1; seed <= 20; seed++) {
        const { rows, codes: flipped } = drawLabelFlips(given, classes, 0.3, seed);
        for (const row of rows) {
          assert.notEqual(flipped[row], given[row], `seed ${seed}, row ${row}`);
          assert.ok(flipped[row] >= 0 && flipped[row] < classes);
        }
      }
    }
    // With two classes the only other class is forced.
    const { rows, codes: flipped } = drawLabelFlips(codes(50, 2), 2, 0.2, 3);
    for (const row of rows) assert.equal(flipped[row], 1 - (row % 2));
  });

  it('is reproducible by seed, and different seeds flip different rows', () => {
    const given = codes(500, 5);
    const a = drawLabelFlips(given, 5, 0.1, 42);
    const b = drawLabelFlips(given, 5, 0.1, 42);
    assert.deepEqual(a, b);
    const c = drawLabelFlips(given, 5, 0.1, 43);
    assert.notDeepEqual(Array.from(a.rows), Array.from(c.rows));
    assert.deepEqual(Array.from(given), Array.from(codes(500, 5)), 'the input is not modified');
  });

  it('chooses rows and target classes uniformly (frequencies over 2,000 seeds)', () => {
    // 40 labelled rows, 4 classes, 25% flipped: each row is flipped with probability 10/40 = 0.25,
    // to each of its 3 other classes with probability 1/3.
    const given = codes(40, 4);
    const timesFlipped = new Array(40).fill(0);
    const shifts = [0, 0, 0, 0];
    const seeds = 2000;
    for (let seed = 1; seed <= seeds; seed++) {
      const { rows, codes: flipped } = drawLabelFlips(given, 4, 0.25, seed);
      for (const row of rows) {
        timesFlipped[row]++;
        shifts[(flipped[row] - given[row] + 4) % 4]++;
      }
    }
    // Binomial(2000, 0.25): sd ≈ 19.4; 5 sd = 97.
    for (const count of timesFlipped) assert.ok(Math.abs(count - 500) < 97, `a row flipped ${count} times`);
    // 20,000 flips, each shift 1/3: sd ≈ 66.7; 5 sd = 333.
    assert.equal(shifts[0], 0);
    for (const count of shifts.slice(1)) assert.ok(Math.abs(count - 20000 / 3) < 333, `shift count ${count}`);
  });

  it('refuses a fraction outside (0, 0.5], one that flips nothing, and a single class', () => {
    const given = codes(100, 3);
    for (const fraction of [0, -0.1, 0.51, 1, Number.NaN, Number.POSITIVE_INFINITY])
      assert.throws(
        () => drawLabelFlips(given, 3, fraction, 1),
        parameterError('fraction'),
        `fraction ${fraction}`,
      );
    assert.throws(() => drawLabelFlips(codes(4, 2), 2, 0.1, 1), /flips none/);
    assert.throws(() => drawLabelFlips(codes(10, 1), 1, 0.1, 1), parameterError('classes'));
    assert.throws(() => drawLabelFlips(Int32Array.from([-1, -1, -1]), 2, 0.5, 1), /flips none/);
  });
});
