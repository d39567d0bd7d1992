import assert from 'node:assert/strict';
import {
  degreeOrder,
  knnDensity,
  orderByScore,
  randomOrder,
  uncertaintyDensityOrder,
} from '../../../../src/core/acquire/baselines';
import { diverseOrder } from '../../../../src/core/acquire/diverseOrder';
import { twoTriangles } from './graphs';

const oneLabelled = Int32Array.from([0, -1, -1, -1, -1, -1, -1]);

describe('core/acquire baselines', () => {
  it('random: a permutation of the unlabelled nodes, the same for a seed, another for another seed', () => {
    const a = randomOrder(oneLabelled, 1);
    assert.deepEqual([...a.order].sort(), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(Array.from(randomOrder(oneLabelled, 1).order), Array.from(a.order));
    const orders = new Set(
      Array.from({ length: 20 }, (_, seed) => Array.from(randomOrder(oneLabelled, seed).order).join()),
    );
    assert.ok(orders.size > 15, `20 seeds gave only ${orders.size} different orders`);
  });

  it('random: every unlabelled node is first about equally often over many seeds', () => {
    const firsts = new Array<number>(7).fill(0);
    for (let seed = 0; seed < 6000; seed++) firsts[randomOrder(oneLabelled, seed).order[0]]++;
    assert.equal(firsts[0], 0);
    // 1000 expected for each of nodes 1..6; a binomial sd is ~29.
    for (let node = 1; node < 7; node++)
      assert.ok(Math.abs(firsts[node] - 1000) < 150, `node ${node}: ${firsts[node]}`);
  });

  it('degree: by hand, ties to the smaller index', () => {
    // Degrees [2, 2, 3, 2, 2, 3, 0]; node 0 labelled.
    const result = degreeOrder(twoTriangles(), oneLabelled);
    assert.deepEqual(Array.from(result.order), [2, 5, 1, 3, 4, 6]);
    assert.deepEqual(Array.from(result.value), [3, 3, 2, 2, 2, 0]);
  });

  it('orderByScore: highest first, ties to the smaller index, NaN last, labelled left out', () => {
    const result = orderByScore([5, 1, NaN, 3, 3, 0, 2], oneLabelled);
    assert.deepEqual(Array.from(result.order), [3, 4, 6, 1, 5, 2]);
  });

  it('knnDensity: exp(−mean kNN distance / overall mean), 1 everywhere when every distance is 0', () => {
    const density = knnDensity({
      n: 3,
      k: 2,
      indices: Int32Array.from([1, 2, 0, 2, 0, 1]),
      distances: Float32Array.from([1, 1, 2, 2, 3, 3]),
    });
    assert.deepEqual(Array.from(density), [Math.exp(-0.5), Math.exp(-1), Math.exp(-1.5)]);
    const duplicates = knnDensity({
      n: 2,
      k: 1,
      indices: Int32Array.from([1, 0]),
      distances: new Float32Array(2),
    });
    assert.deepEqual(Array.from(duplicates), [1, 1]);
  });

  it('uncertainty × density: the diverse order of the product', () => {
    const entropy = Float64Array.from([0.1, 0.6, 0.2, 0.5, 0.4, 0.3, 0.7]);
    const density = Float64Array.from([1, 0.5, 1, 0.9, 1, 0.2, 0.1]);
    const product = entropy.map((h, i) => h * density[i]);
    assert.deepEqual(
      Array.from(uncertaintyDensityOrder(twoTriangles(), entropy, density, oneLabelled).order),
      Array.from(diverseOrder(twoTriangles(), product, oneLabelled).order),
    );
  });
});
