/**
 * The model's top classes per sample, on logits small enough to work out by
 * hand, and rounding toward zero to 4 significant digits.
 */
import assert from 'node:assert/strict';
import { roundDown, roundDownByString, topClassesByIndex } from '../../../src/engine/sampleProbabilities';

describe('engine/sampleProbabilities', () => {
  describe('roundDown to 4 significant digits', () => {
    const cases: [number, number][] = [
      [0.12345678, 0.1234],
      [0.99996, 0.9999], // to nearest this would be 1
      [0.99995, 0.9999],
      [1, 1],
      [0.5, 0.5],
      [0.00012349, 0.0001234],
      [1.2355e-7, 1.235e-7],
      [0, 0],
      [-0.12345, -0.1234],
    ];
    for (const [value, expected] of cases) {
      it(`${value} → ${expected}`, () => assert.equal(roundDown(value, 4), expected));
    }
    it('never rounds up, on many values', () => {
      for (let i = 1; i < 5000; i++) {
        const value = Math.exp(-i / 97) * (1 + Math.sin(i) * 1e-5);
        const rounded = roundDown(value, 4);
        assert.ok(rounded <= value, `${value} → ${rounded}`);
        assert.equal(Number(rounded.toPrecision(4)), rounded);
        // Within one unit of the 4th digit.
        assert.ok(value - rounded < 10 ** (Math.floor(Math.log10(value)) - 3) * (1 + 1e-9), `${value}`);
      }
    });
    it('gives what the decimal-string path gives, near powers of ten, tiny and random values', () => {
      const values: number[] = [];
      for (let e = -30; e <= 2; e++) {
        const power = 10 ** e;
        for (const f of [1, 1 - 1e-16, 1 + 1e-15, 0.99995, 0.999949999, 1.00005, 9.9995, 9.99949999])
          values.push(power * f);
      }
      let seed = 12345;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
      for (let i = 0; i < 20000; i++) values.push(random() ** (1 + 20 * random()));
      for (let i = 0; i < 2000; i++) values.push(Math.round(random() * 1e4) / 1e4, -random());
      for (const value of values) {
        for (const digits of [1, 4, 6])
          assert.equal(roundDown(value, digits), roundDownByString(value, digits), `${value}, ${digits} digits`);
      }
    });
  });

  it('lists each kept sample’s classes by p, ties in class order, by dataset index', () => {
    // Row 0: logits ln 1, ln 2, ln 3, ln 4 → p = 0.1, 0.2, 0.3, 0.4.
    // Row 1: all equal → 0.25 each, in class order.
    const logits = Float32Array.from([0, Math.log(2), Math.log(3), Math.log(4), 7, 7, 7, 7]);
    const lists = topClassesByIndex(
      {
        logits: { rows: 2, dim: 4, data: logits },
        classNames: ['cat', 'dog', 'owl'], // one short: the 4th class is named by its index
        keptIndices: Int32Array.from([2, 0]),
      },
      3,
    )!;
    assert.equal(lists.length, 3);
    assert.equal(lists[1], undefined, 'sample 1 was not read');
    assert.deepEqual(
      lists[2]!.map((entry) => entry.label),
      ['3', 'owl', 'dog', 'cat'],
    );
    // Float32 logits put p a few 1e-8 either side of these; rounded down, within one unit of the 4th digit.
    lists[2]!.forEach((entry, i) => {
      const p = [0.4, 0.3, 0.2, 0.1][i];
      assert.ok(entry.p <= p + 1e-7 && entry.p > p - 1e-4 - 1e-7, `${entry.p} vs ${p}`);
    });
    assert.deepEqual(lists[0], [
      { label: 'cat', p: 0.25 },
      { label: 'dog', p: 0.25 },
      { label: 'owl', p: 0.25 },
      { label: '3', p: 0.25 },
    ]);
  });

  it('keeps the top 5 of more classes', () => {
    const logits = Float32Array.from({ length: 8 }, (_, c) => c);
    const lists = topClassesByIndex(
      { logits: { rows: 1, dim: 8, data: logits }, keptIndices: Int32Array.from([0]) },
      1,
    )!;
    assert.deepEqual(
      lists[0]!.map((entry) => entry.label),
      ['7', '6', '5', '4', '3'],
    );
    // p7 = 1 / Σ e^(c−7), c = 0..7.
    let total = 0;
    for (let c = 0; c < 8; c++) total += Math.exp(c - 7);
    assert.equal(lists[0]![0].p, roundDown(1 / total, 4));
  });

  it('ranks like a full sort: p descending, ties in class order, NaN last', () => {
    // Rows of 12 classes with repeated logits and a few NaN, against a sort of all classes.
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const rows = 300;
    const C = 12;
    const data = Float32Array.from({ length: rows * C }, () =>
      random() < 0.05 ? NaN : Math.floor(random() * 4),
    );
    const lists = topClassesByIndex(
      { logits: { rows, dim: C, data }, keptIndices: Int32Array.from({ length: rows }, (_, r) => r) },
      rows,
    )!;
    for (let r = 0; r < rows; r++) {
      const logits = Array.from(data.subarray(r * C, (r + 1) * C));
      const anyNaN = logits.some(Number.isNaN);
      const key = (c: number) => (anyNaN ? NaN : logits[c]); // softmax of a row with a NaN is NaN throughout
      const expected = Array.from({ length: C }, (_, c) => c)
        .sort((a, b) => (Number.isNaN(key(b)) ? 0 : Number.isNaN(key(a)) ? 1 : key(b) - key(a)) || a - b)
        .slice(0, 5)
        .map(String);
      assert.deepEqual(
        lists[r]!.map((entry) => entry.label),
        expected,
        `row ${r}: ${logits}`,
      );
    }
  });

  it('gives nothing without a model', () => {
    assert.equal(topClassesByIndex({ keptIndices: Int32Array.from([0, 1]) }, 2), undefined);
  });
});
