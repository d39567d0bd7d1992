import assert from 'node:assert/strict';
import { CancelledError, InputError } from '../../../src/core/errors';
import { gramReference, pca } from '../../../src/core/pca';
import type { DenseMatrix, GramProduct } from '../../../src/core/types';
import { seededNormal } from '../../../src/core/random';

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: got ${actual}, expected ${expected}`);
}

/** Correlated Gaussian data: z · M + offset, z standard normal (rows × dim). */
function correlatedData(rows: number, dim: number, seed: number): DenseMatrix {
  const normal = seededNormal(seed);
  const mixing = Array.from({ length: dim * dim }, () => normal());
  const data = new Float32Array(rows * dim);
  for (let r = 0; r < rows; r++) {
    const z = Array.from({ length: dim }, () => normal());
    for (let c = 0; c < dim; c++) {
      let v = 10 + c;
      for (let t = 0; t < dim; t++) v += z[t] * mixing[t * dim + c] * (t + 1) * 0.5;
      data[r * dim + c] = v;
    }
  }
  return { rows, dim, data };
}

/** Covariance with denominator n − 1 by the textbook double sum, in float64. */
function naiveCovariance({ rows, dim, data }: DenseMatrix): { mean: number[]; cov: number[][] } {
  const mean = Array.from({ length: dim }, (_, c) => {
    let s = 0;
    for (let r = 0; r < rows; r++) s += data[r * dim + c];
    return s / rows;
  });
  const cov = Array.from({ length: dim }, (_, a) =>
    Array.from({ length: dim }, (_, b) => {
      let s = 0;
      for (let r = 0; r < rows; r++) s += (data[r * dim + a] - mean[a]) * (data[r * dim + b] - mean[b]);
      return s / (rows - 1);
    }),
  );
  return { mean, cov };
}

describe('core/pca gramReference', () => {
  for (const [rows, dim] of [
    [300, 7],
    [129, 9],
    [5, 4],
  ]) {
    it(`equals the naive XᵀX (rows=${rows}, dim=${dim})`, async () => {
      const x = correlatedData(rows, dim, rows + dim);
      const gram = await gramReference(x);
      for (let a = 0; a < dim; a++) {
        for (let b = 0; b < dim; b++) {
          let s = 0;
          for (let r = 0; r < rows; r++) s += x.data[r * dim + a] * x.data[r * dim + b];
          close(gram[a * dim + b], s, 1e-12 * Math.abs(s) + 1e-9, `G[${a}][${b}]`);
        }
      }
    });
  }
});

describe('core/pca', () => {
  it('recovers the axes and variances of an ellipse', async () => {
    // N = 36 points p_t = c + a cos θ_t u + b sin θ_t v, θ_t = 2πt/N, with
    // c = (5, −2), a = 3, b = 1, u = (cos 30°, sin 30°) = (√3/2, 1/2), v = (−1/2, √3/2).
    // For N ≥ 3 equally spaced angles Σ cos θ_t = Σ sin θ_t = 0, Σ cos² = Σ sin² = N/2,
    // Σ cos·sin = 0. So the mean is c and
    //   C = [a² (N/2) u uᵀ + b² (N/2) v vᵀ] / (N − 1),
    // eigenvalues a² N / (2(N − 1)) = 9 · 36 / 70 and b² N / (2(N − 1)) = 36 / 70,
    // eigenvectors u and v; both already have their largest entry (√3/2) positive.
    // The projection of p_t is (a cos θ_t, b sin θ_t).
    const N = 36;
    const u = [Math.sqrt(3) / 2, 0.5];
    const v = [-0.5, Math.sqrt(3) / 2];
    const data = new Float32Array(N * 2);
    for (let t = 0; t < N; t++) {
      const theta = (2 * Math.PI * t) / N;
      for (let c = 0; c < 2; c++) {
        data[t * 2 + c] = [5, -2][c] + 3 * Math.cos(theta) * u[c] + Math.sin(theta) * v[c];
      }
    }
    const result = await pca({ rows: N, dim: 2, data }, 2);
    close(result.mean[0], 5, 1e-6, 'mean x');
    close(result.mean[1], -2, 1e-6, 'mean y');
    close(result.explainedVariance[0], (9 * 36) / 70, 1e-5, 'λ1');
    close(result.explainedVariance[1], 36 / 70, 1e-5, 'λ2');
    close(result.components[0], u[0], 1e-6, 'u x');
    close(result.components[1], u[1], 1e-6, 'u y');
    close(result.components[2], v[0], 1e-6, 'v x');
    close(result.components[3], v[1], 1e-6, 'v y');
    assert.equal(result.projected.rows, N);
    assert.equal(result.projected.dim, 2);
    for (let t = 0; t < N; t++) {
      const theta = (2 * Math.PI * t) / N;
      close(result.projected.data[t * 2], 3 * Math.cos(theta), 1e-5, `row ${t} pc1`);
      close(result.projected.data[t * 2 + 1], Math.sin(theta), 1e-5, `row ${t} pc2`);
    }
  });

  it('finds the direction of points on a line and clamps components to min(rows, dim)', async () => {
    // p_s = (1, 2, 3) + s · w with w = (2, 1, 2)/3 (unit length), s = −2..2.
    // Mean (1, 2, 3); variance along w = Σ s² / (n − 1) = (4 + 1 + 0 + 1 + 4) / 4 = 2.5; 0 across.
    const w = [2 / 3, 1 / 3, 2 / 3];
    const steps = [-2, -1, 0, 1, 2];
    const data = new Float32Array(steps.length * 3);
    steps.forEach((s, r) => [1, 2, 3].forEach((c0, c) => (data[r * 3 + c] = c0 + s * w[c])));
    const result = await pca({ rows: 5, dim: 3, data }, 5);
    assert.equal(result.explainedVariance.length, 3, '5 components requested, 3 dimensions');
    assert.equal(result.projected.dim, 3);
    close(result.explainedVariance[0], 2.5, 1e-6, 'λ1');
    close(result.explainedVariance[1], 0, 1e-6, 'λ2');
    close(result.explainedVariance[2], 0, 1e-6, 'λ3');
    w.forEach((wc, c) => close(result.components[c], wc, 1e-6, `w[${c}]`));
    steps.forEach((s, r) => close(result.projected.data[r * 3], s, 1e-6, `projection of row ${r}`));
    // With two samples at most 2 components exist.
    const two = await pca({ rows: 2, dim: 3, data: data.slice(0, 6) }, 3);
    assert.equal(two.explainedVariance.length, 2);
  });

  it('satisfies C v = λ v, orthonormality, and var(projection) = λ on correlated data', async () => {
    const rows = 300;
    const dim = 7;
    const x = correlatedData(rows, dim, 99);
    const result = await pca(x, dim);
    const { mean, cov } = naiveCovariance(x);
    // The Gram product receives the centred data rounded to float32 (the GramProduct
    // contract), so C is known to about 1e-7 relative: tolerances below are 1e-6.
    const lambdaMax = result.explainedVariance[0];
    let trace = 0;
    for (let c = 0; c < dim; c++) {
      trace += cov[c][c];
      close(result.mean[c], mean[c], 1e-9 * Math.abs(mean[c]), `mean[${c}]`);
    }
    let totalVariance = 0;
    for (let p = 0; p < dim; p++) {
      const axis = Array.from(result.components.subarray(p * dim, (p + 1) * dim));
      const lambda = result.explainedVariance[p];
      totalVariance += lambda;
      if (p > 0) assert.ok(lambda <= result.explainedVariance[p - 1], 'descending variances');
      // Eigen-equation against the independently computed covariance.
      for (let a = 0; a < dim; a++) {
        const cv = cov[a].reduce((s, cab, b) => s + cab * axis[b], 0);
        close(cv, lambda * axis[a], 1e-6 * lambdaMax, `(C v${p})[${a}]`);
      }
      // Sign rule: the largest-magnitude entry is positive.
      const largest = axis.reduce((best, value) => (Math.abs(value) > Math.abs(best) ? value : best), 0);
      assert.ok(largest > 0, `component ${p} sign`);
      // Orthonormal rows.
      for (let q = 0; q <= p; q++) {
        let dot = 0;
        for (let c = 0; c < dim; c++) dot += axis[c] * result.components[q * dim + c];
        close(dot, p === q ? 1 : 0, 1e-10, `v${p}·v${q}`);
      }
      // The projection is (x − mean) · v, and its variance (n − 1) is λ; columns uncorrelated.
      let sum = 0;
      for (let r = 0; r < rows; r++) {
        let expected = 0;
        for (let c = 0; c < dim; c++) expected += (x.data[r * dim + c] - mean[c]) * axis[c];
        const got = result.projected.data[r * dim + p];
        close(got, expected, 1e-5 * (1 + Math.abs(expected)), `projected[${r}][${p}]`);
        sum += got;
      }
      close(sum / rows, 0, 1e-5, `mean of projection ${p}`);
      for (let q = 0; q <= p; q++) {
        let s = 0;
        for (let r = 0; r < rows; r++)
          s += result.projected.data[r * dim + p] * result.projected.data[r * dim + q];
        close(s / (rows - 1), p === q ? lambda : 0, 1e-5 * lambdaMax, `cov(projection ${p}, ${q})`);
      }
    }
    close(totalVariance, trace, 1e-6 * trace, 'Σλ = trace C');
  });

  it('stays accurate when the data sit far from the origin', async () => {
    // Values 1000 + small spread: centring in float32 would cost ~1e-4 absolute per
    // entry (float32 spacing at 1000 is 6e-5), a relative error of ~1% of the spread.
    const normal = seededNormal(11);
    const rows = 200;
    const data = new Float32Array(rows * 2);
    for (let t = 0; t < data.length; t++) data[t] = 1000 + 0.01 * normal();
    const x = { rows, dim: 2, data };
    const { cov } = naiveCovariance(x);
    const result = await pca(x, 2);
    const trace = cov[0][0] + cov[1][1];
    close(result.explainedVariance[0] + result.explainedVariance[1], trace, 1e-6 * trace, 'Σλ = trace C');
  });

  it('uses the given Gram product and reports progress to rows / rows', async () => {
    const x = correlatedData(500, 5, 5);
    let calls = 0;
    const spy: GramProduct = async (centred, options) => {
      calls++;
      return gramReference(centred, options);
    };
    const progress: number[] = [];
    const withSpy = await pca(x, 2, { gram: spy, onProgress: (done, total) => progress.push(done / total) });
    const plain = await pca(x, 2);
    assert.equal(calls, 1);
    assert.deepEqual(Array.from(withSpy.explainedVariance), Array.from(plain.explainedVariance));
    assert.deepEqual(Array.from(withSpy.projected.data), Array.from(plain.projected.data));
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i] >= progress[i - 1], 'monotone progress');
    assert.equal(progress[progress.length - 1], 1);
  });

  it('rejects bad input with an InputError and stops when cancelled', async () => {
    const x = correlatedData(10, 3, 1);
    await assert.rejects(pca(x, 0), (e: unknown) => e instanceof InputError && e.file === 'components');
    await assert.rejects(pca(x, 1.5), InputError);
    await assert.rejects(pca({ rows: 1, dim: 3, data: new Float32Array(3) }, 1), InputError);
    const bad = correlatedData(10, 3, 1);
    bad.data[4] = Infinity;
    await assert.rejects(pca(bad, 1), (e: unknown) => e instanceof InputError && /row 1/.test(e.problem));
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(pca(x, 2, { signal: controller.signal }), CancelledError);
  });
});
