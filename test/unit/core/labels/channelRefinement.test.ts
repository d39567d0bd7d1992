/**
 * The per-class refinement of the noisy channel: its gradient against central
 * finite differences of its own likelihood, the likelihood against the formula
 * written out here, and recovery of per-class exponents and biases planted in
 * labels drawn from the model itself.
 */
import assert from 'node:assert/strict';
import {
  channelLikelihood,
  refinePerClass,
  type ChannelEvidence,
  type ChannelParameters,
} from '../../../../src/core/labels/channelRefinement';
import { seededUniform } from '../../../../src/core/random';

/** Random log-probabilities (n × C, rows normalised) and log-shares. */
function randomEvidence(n: number, C: number, seed: number) {
  const random = seededUniform(seed);
  const logP = new Float64Array(n * C);
  const logQ = new Float64Array(n * C);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let c = 0; c < C; c++) sum += logP[i * C + c] = Math.exp(3 * random());
    for (let c = 0; c < C; c++) logP[i * C + c] = Math.log(logP[i * C + c] / sum);
    for (let c = 0; c < C; c++) logQ[i * C + c] = Math.log(random() + 0.03);
  }
  return { logP, logQ };
}

/** π_i(c) ∝ p^{a_c} e^{β_c} (q + γ)^b, written out with exp/log of the inputs. */
function pooledByHand(
  logP: Float64Array,
  logQ: Float64Array,
  i: number,
  C: number,
  parameters: ChannelParameters,
): number[] {
  const weights = Array.from({ length: C }, (_, c) =>
    Math.exp(
      parameters.classExponents[c] * logP[i * C + c] +
        parameters.classBiases[c] +
        parameters.b * logQ[i * C + c],
    ),
  );
  const total = weights.reduce((s, w) => s + w, 0);
  return weights.map((w) => w / total);
}

describe('core/labels channelRefinement', () => {
  const C = 4;
  const n = 200;
  const { logP, logQ } = randomEvidence(n, C, 3);
  const draw = seededUniform(4);
  const labels = Int32Array.from({ length: n }, () => Math.floor(draw() * C));
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const evidence: ChannelEvidence = { logP, logQ, labels, C, rows };
  const parameters: ChannelParameters = {
    classExponents: Float64Array.of(0.7, 1.2, 0.4, 1),
    classBiases: Float64Array.of(0.3, -0.2, 0, 0.5),
    b: 0.8,
  };
  const e = 0.12;

  it('computes the mean log-likelihood of the channel', () => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const own = pooledByHand(logP, logQ, i, C, parameters)[labels[i]];
      total += Math.log((1 - e) * own + (e * (1 - own)) / (C - 1));
    }
    assert.ok(Math.abs(channelLikelihood(evidence, parameters, e).value - total / n) < 1e-12);
  });

  it('has the gradient of its likelihood (central differences)', () => {
    const { gradient } = channelLikelihood(evidence, parameters, e);
    const flat = Float64Array.of(...parameters.classExponents, ...parameters.classBiases, parameters.b);
    const at = (values: Float64Array) =>
      channelLikelihood(
        evidence,
        { classExponents: values.slice(0, C), classBiases: values.slice(C, 2 * C), b: values[2 * C] },
        e,
      ).value;
    const h = 1e-5;
    for (let t = 0; t < flat.length; t++) {
      const up = flat.slice();
      const down = flat.slice();
      up[t] += h;
      down[t] -= h;
      const numeric = (at(up) - at(down)) / (2 * h);
      assert.ok(Math.abs(gradient[t] - numeric) < 1e-7, `parameter ${t}: ${gradient[t]} vs ${numeric}`);
    }
  });

  it('recovers per-class exponents and biases planted in labels drawn from the channel', async () => {
    const big = 20_000;
    const data = randomEvidence(big, C, 9);
    // Shares that say nothing (b is then irrelevant): the labels carry the planted calibration only.
    data.logQ.fill(Math.log(1 / C));
    const planted: ChannelParameters = {
      classExponents: Float64Array.of(0.5, 1, 2, 1),
      classBiases: Float64Array.of(0, 0.6, 0, -0.6),
      b: 1,
    };
    const random = seededUniform(10);
    const given = new Int32Array(big);
    for (let i = 0; i < big; i++) {
      const pi = pooledByHand(data.logP, data.logQ, i, C, planted);
      let u = random();
      let c = 0;
      while (c < C - 1 && u >= pi[c]) u -= pi[c++];
      if (random() < 0.15) c = (c + 1 + Math.floor(random() * (C - 1))) % C;
      given[i] = c;
    }
    const planted_ = { ...data, labels: given, C, rows: Int32Array.from({ length: big }, (_, i) => i) };
    const start: ChannelParameters = {
      classExponents: new Float64Array(C).fill(1),
      classBiases: new Float64Array(C),
      b: 1,
    };
    const fit = await refinePerClass(planted_, start, 0.15);
    const exponents = Array.from(fit.parameters.classExponents);
    exponents.forEach((a, c) =>
      assert.ok(
        Math.abs(a - planted.classExponents[c]) < 0.1 * planted.classExponents[c],
        `a_${c} = ${a}, planted ${planted.classExponents[c]}`,
      ),
    );
    // Biases are identified up to a common shift.
    const biases = Array.from(fit.parameters.classBiases, (beta) => beta - fit.parameters.classBiases[0]);
    biases.forEach((beta, c) =>
      assert.ok(
        Math.abs(beta - planted.classBiases[c]) < 0.2,
        `β_${c} = ${beta}, planted ${planted.classBiases[c]}`,
      ),
    );
    assert.ok(fit.logLikelihood > channelLikelihood(planted_, start, 0.15).value);
  });

  it('keeps the shared values for a class with too few labels, and never ends below its start', async () => {
    // Class 3 is given to 5 samples only.
    const sparse = Int32Array.from(labels, (c, i) => (c === 3 && i >= 5 ? i % 3 : c));
    const few = { ...evidence, labels: sparse };
    const start: ChannelParameters = {
      classExponents: new Float64Array(C).fill(0.9),
      classBiases: new Float64Array(C),
      b: 0.5,
    };
    const fit = await refinePerClass(few, start, e);
    assert.equal(fit.parameters.classExponents[3], 0.9);
    assert.equal(fit.parameters.classBiases[3], 0);
    assert.ok(fit.logLikelihood >= channelLikelihood(few, start, e).value);
  });
});
