/**
 * kNN for the graph: the exact onnxruntime backend (MatMul + TopK,
 * src/model/ortKnn) against the pure-TypeScript reference (src/core/knn) and
 * against usearch's approximate HNSW index (build + search, recall@k measured
 * against the exact neighbours). Two kinds of points:
 *   - Gaussian points (n × dim), the worst case for an approximate index;
 *   - real ones: the fixture model's penultimate embeddings of the 60,000
 *     Fashion-MNIST training images (Debian's dataset-fashion-mnist), what a scan builds its graph on.
 * The TypeScript reference is O(n²) in JS and is timed on a smaller n.
 *
 *   npx tsx bench/knn.ts [--n 100000] [--dim 128] [--k 20] [--reference-n 10000]
 *                        [--fmnist PATH | --fmnist none]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { exactKnn } from '../src/core/knn';
import type { DenseMatrix, KnnResult, KnnSearch } from '../src/core/types';
import { openDataset } from '../src/data';
import { silentContext } from '../src/engine/context';
import { computeRepresentation } from '../src/engine/representation';
import { ortKnn } from '../src/model';

const { values } = parseArgs({
  options: {
    n: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '128' },
    k: { type: 'string', default: '20' },
    'reference-n': { type: 'string', default: '10000' },
    fmnist: { type: 'string', default: '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz' },
  },
});
const k = Number(values.k);

function gaussian(rows: number, dim: number): DenseMatrix {
  let seed = 12345;
  const uniform = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed + 0.5) / 4294967296;
  };
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++)
    data[i] = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  return { rows, dim, data };
}

async function fashionMnistEmbeddings(path: string): Promise<DenseMatrix> {
  const dataset = await openDataset(path);
  const model = join(resolve(__dirname, '..'), 'test/fixtures/fmnist/model.onnx');
  const representation = await computeRepresentation(
    dataset,
    { task: 'labels', datasets: [{ role: 'data', path }], model, k, noCache: true },
    silentContext,
    undefined,
  );
  return representation.points;
}

const seconds = (started: number) => (performance.now() - started) / 1000;
const line = (name: string, points: DenseMatrix, text: string) =>
  console.log(`${name.padEnd(26)} n=${points.rows} dim=${points.dim} k=${k}: ${text}`);

async function timeExact(name: string, search: KnnSearch, points: DenseMatrix): Promise<KnnResult> {
  const started = performance.now();
  const result = await search(points, k);
  const took = seconds(started);
  line(name, points, `${took.toFixed(1)} s, ${(points.rows / took).toFixed(0)} queries/s`);
  return result;
}

/**
 * usearch HNSW with its defaults plus a wider search beam, all cores.
 * Recall@k: the share of the exact k neighbours (self excluded) that the index returns.
 */
function timeHnsw(points: DenseMatrix, exact: KnnResult): void {
  const { rows, dim, data } = points;
  const started = performance.now();
  const index = new Index({
    dimensions: dim,
    metric: MetricKind.L2sq,
    quantization: ScalarKind.F32,
    connectivity: 16,
    expansion_add: 128,
    expansion_search: 64,
    multi: false,
  });
  const keys = new BigUint64Array(rows);
  for (let i = 0; i < rows; i++) keys[i] = BigInt(i);
  index.add(keys, data, 0);
  const build = seconds(started);
  const searchStarted = performance.now();
  const found = index.search(data, k + 1, 0);
  const search = seconds(searchStarted);

  let hits = 0;
  for (let row = 0; row < rows; row++) {
    const truth = new Set(exact.indices.subarray(row * k, (row + 1) * k));
    let taken = 0;
    for (let j = 0; j <= k && taken < k; j++) {
      const key = Number(found.keys[row * (k + 1) + j]);
      if (key === row) continue;
      taken++;
      if (truth.has(key)) hits++;
    }
  }
  line(
    'usearch HNSW (M=16, ef=64)',
    points,
    `build ${build.toFixed(1)} s + search ${search.toFixed(1)} s, recall@${k} ${(hits / (rows * k)).toFixed(3)}`,
  );
}

async function main(): Promise<void> {
  const dim = Number(values.dim);
  const small = gaussian(Number(values['reference-n']), dim);
  await timeExact('onnxruntime MatMul+TopK', ortKnn, small);
  await timeExact('TypeScript reference', exactKnn, small);

  const large = gaussian(Number(values.n), dim);
  timeHnsw(large, await timeExact('onnxruntime MatMul+TopK', ortKnn, large));

  if (values.fmnist === 'none') return;
  if (!existsSync(values.fmnist!)) {
    console.log(
      `(no ${values.fmnist}: apt-get install -y dataset-fashion-mnist for the real-embedding figures)`,
    );
    return;
  }
  const embeddings = await fashionMnistEmbeddings(values.fmnist!);
  console.log('Fashion-MNIST train, fixture model embeddings:');
  timeHnsw(embeddings, await timeExact('onnxruntime MatMul+TopK', ortKnn, embeddings));
}

void main();
