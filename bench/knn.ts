/**
 * Exact kNN throughput: the onnxruntime backend (MatMul + TopK, src/model/ortKnn)
 * against the pure-TypeScript reference (src/core/knn), on Gaussian points.
 * The reference is timed on a smaller n (it is O(n²) in JS) and reported in the
 * same unit, queries per second at that n.
 *
 *   npx tsx bench/knn.ts [--n 100000] [--dim 128] [--k 20] [--reference-n 10000]
 */
import { parseArgs } from 'node:util';
import { exactKnn } from '../src/core/knn';
import type { DenseMatrix, KnnSearch } from '../src/core/types';
import { ortKnn } from '../src/model';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '128' },
    k: { type: 'string', default: '20' },
    'reference-n': { type: 'string', default: '10000' },
  },
});

function gaussian(rows: number, dim: number): DenseMatrix {
  let seed = 12345;
  const uniform = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed + 0.5) / 4294967296;
  };
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return { rows, dim, data };
}

async function time(name: string, search: KnnSearch, points: DenseMatrix, k: number): Promise<void> {
  const started = performance.now();
  await search(points, k);
  const seconds = (performance.now() - started) / 1000;
  const rate = points.rows / seconds;
  console.log(`${name.padEnd(22)} n=${points.rows} dim=${points.dim} k=${k}: ${seconds.toFixed(1)} s, ${rate.toFixed(0)} queries/s`);
}

async function main(): Promise<void> {
  const dim = Number(values.dim);
  const k = Number(values.k);
  const small = gaussian(Number(values['reference-n']), dim);
  await time('onnxruntime MatMul+TopK', ortKnn, small, k);
  await time('TypeScript reference', exactKnn, small, k);
  await time('onnxruntime MatMul+TopK', ortKnn, gaussian(Number(values.n), dim), k);
}

void main();
