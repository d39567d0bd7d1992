/**
 * The noisy-channel fit against a brute-force search written here from the
 * model's definition (every grid point, ε on a 0.001 grid, the likelihood
 * summed directly), the posterior of one sample by hand, and recovery of a
 * known noise rate from labels drawn from the model itself.
 */
import assert from 'node:assert/strict';
import { fitNoisyChannel } from '../../../../src/core/labels';
import { fitChannelGrid } from '../../../../src/core/labels/noisyChannel';
import { seededUniform } from '../../../../src/core/random';

/** n samples of C classes: class probabilities p, neighbour shares q, and the true class. */
function synthetic(n: number, C: number, seed: number) {
  const random = seededUniform(seed);
  const truth = new Int32Array(n);
  const p = new Float64Array(n * C);
  const q = new Float64Array(n * C);
  for (let i = 0; i < n; i++) {
    truth[i] = Math.floor(random() * C);
    let sum = 0;
    for (let c = 0; c < C; c++) sum += p[i * C + c] = Math.exp((c === truth[i] ? 3 : 0) + 1.5 * random());
    for (let c = 0; c < C; c++) p[i * C + c] /= sum;
    // Neighbour shares: 10 neighbours, each of the true class with probability 0.8.
    for (let s = 0; s < 10; s++) {
      const c = random() < 0.8 ? truth[i] : Math.floor(random() * C);
      q[i * C + c] += 0.1;
    }
  }
  return { truth, p, q };
}

/** π_i(y_i) ∝ p^a (q + g)^b, straight from the definition. */
function pooledOfLabel(
  p: Float64Array,
  q: Float64Array,
  y: Int32Array,
  C: number,
  a: number,
  b: number,
  g: number,
) {
  return Float64Array.from(y, (label, i) => {
    const weights = Array.from(
      { length: C },
      (_, c) => Math.pow(p[i * C + c], a) * Math.pow(q[i * C + c] + g, b),
    );
    return weights[label] / weights.reduce((s, w) => s + w, 0);
  });
}

function logLikelihood(pi: Float64Array, C: number, e: number) {
  let total = 0;
  for (const own of pi) total += Math.log((1 - e) * own + (e * (1 - own)) / (C - 1));
  return total / pi.length;
}

describe('core/labels fitNoisyChannel', () => {
  const C = 4;
  const n = 300;
  const { truth, p, q } = synthetic(n, C, 7);
  const random = seededUniform(8);
  const labels = Int32Array.from(truth, (c) =>
    random() < 0.15 ? (c + 1 + Math.floor(random() * (C - 1))) % C : c,
  );

  it('finds the maximum-likelihood grid point and noise rate (brute force)', async () => {
    const everyRow = Int32Array.from({ length: n }, (_, i) => i);
    const logP = p.map((value) => Math.log(value));
    const grid = await fitChannelGrid(q, labels, C, everyRow, logP);
    let best = { ll: -Infinity, a: 0, b: 0, g: 0, e: 0 };
    for (const g of [0.01, 0.03, 0.1])
      for (const a of [0.5, 1])
        for (const b of [0, 0.5, 1, 2]) {
          const pi = pooledOfLabel(p, q, labels, C, a, b, g);
          for (let e = 0; e <= 0.5; e += 0.001) {
            const ll = logLikelihood(pi, C, e);
            if (ll > best.ll) best = { ll, a, b, g, e };
          }
        }
    assert.equal(grid.a, best.a);
    assert.equal(grid.b, best.b);
    assert.equal(grid.gamma, best.g);
    assert.ok(Math.abs(grid.noiseRate - best.e) <= 0.001, `${grid.noiseRate} vs ${best.e}`);
    const direct = logLikelihood(pooledOfLabel(p, q, labels, C, best.a, best.b, best.g), C, grid.noiseRate);
    assert.ok(Math.abs(grid.logLikelihood - direct) < 1e-12);
    assert.ok(grid.logLikelihood >= best.ll - 1e-12, 'the exact ε is at least as likely as the grid');

    // The whole fit starts there and only climbs (per-class refinement, then ε again).
    const result = await fitNoisyChannel(q, labels, C, p);
    assert.equal(result.fit.a, best.a);
    assert.equal(result.fit.gamma, best.g);
    assert.ok(result.fit.logLikelihood >= best.ll - 1e-12, `${result.fit.logLikelihood} < ${best.ll}`);
  });

  it('scores each sample by its posterior probability of a flip (by hand for one sample)', async () => {
    const result = await fitNoisyChannel(q, labels, C, p);
    const { classExponents, classBiases, b, gamma, noiseRate: e } = result.fit;
    const i = 5;
    const weights = Array.from(
      { length: C },
      (_, c) =>
        Math.pow(p[i * C + c], classExponents[c]) *
        Math.exp(classBiases[c]) *
        Math.pow(q[i * C + c] + gamma, b),
    );
    const total = weights.reduce((s, w) => s + w, 0);
    const pi = weights.map((w) => w / total);
    const flip = (e * (1 - pi[labels[i]])) / (C - 1);
    const expected = flip / ((1 - e) * pi[labels[i]] + flip);
    assert.ok(Math.abs(result.flipProbability[i] - expected) < 1e-12);
    pi.forEach((value, c) => assert.ok(Math.abs(result.pooled[i * C + c] - value) < 1e-12));
    const sum = result.flipProbability.reduce((s, v) => s + v, 0);
    assert.ok(Math.abs(result.expectedIssues - sum) < 1e-9);
  });

  it('recovers the noise rate and the number of flips of labels drawn from the model', async () => {
    // True classes drawn from π = p itself (a = 1, b = 0 is the truth), then 20% flipped uniformly.
    const big = 4000;
    const data = synthetic(big, C, 11);
    const draw = seededUniform(12);
    let flips = 0;
    const given = new Int32Array(big);
    for (let i = 0; i < big; i++) {
      let u = draw();
      let c = 0;
      while (c < C - 1 && u >= data.p[i * C + c]) u -= data.p[i * C + c++];
      if (draw() < 0.2) {
        c = (c + 1 + Math.floor(draw() * (C - 1))) % C;
        flips++;
      }
      given[i] = c;
    }
    const result = await fitNoisyChannel(new Float64Array(big * C).fill(1 / C), given, C, data.p);
    assert.equal(result.fit.a, 1);
    // (b is not identifiable here: uniform shares scale every class alike.)
    assert.ok(Math.abs(result.fit.noiseRate - 0.2) < 0.03, `ε = ${result.fit.noiseRate}`);
    assert.ok(Math.abs(result.expectedIssues - flips) / flips < 0.1, `${result.expectedIssues} vs ${flips}`);
  });

  it('still ranks by 1 − π(given) when the fit finds no noise at all', async () => {
    // Labels that are the arg-max of confident probabilities: nothing calls for a noisy channel.
    const m = 300;
    const data = synthetic(m, C, 21);
    const given = Int32Array.from({ length: m }, (_, i) => {
      let best = 0;
      for (let c = 1; c < C; c++) if (data.p[i * C + c] > data.p[i * C + best]) best = c;
      return best;
    });
    const result = await fitNoisyChannel(data.q, given, C, data.p);
    assert.equal(result.fit.noiseRate, 0);
    assert.ok(result.expectedIssues < 1e-6);
    const doubt = Array.from(given, (y, i) => 1 - result.pooled[i * C + y]);
    const byScore = Array.from({ length: m }, (_, i) => i).sort(
      (x, y) => result.flipProbability[y] - result.flipProbability[x] || x - y,
    );
    const byDoubt = Array.from({ length: m }, (_, i) => i).sort((x, y) => doubt[y] - doubt[x] || x - y);
    assert.ok(result.flipProbability.every((v) => v > 0));
    assert.deepEqual(byScore.slice(0, 20), byDoubt.slice(0, 20));
  });

  it('works from the neighbour shares alone, and says nothing can be wrong with one class', async () => {
    const alone = await fitNoisyChannel(q, labels, C);
    assert.equal(alone.fit.a, 0);
    assert.ok(alone.fit.b > 0);
    const one = await fitNoisyChannel(new Float64Array(3).fill(1), new Int32Array(3), 1);
    assert.deepEqual(Array.from(one.flipProbability), [0, 0, 0]);
    assert.equal(one.expectedIssues, 0);
  });
});
