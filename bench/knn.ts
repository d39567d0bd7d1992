/**
 * kNN for the graph: the exact onnxruntime backend (MatMul + TopK,
 * src/model/ortKnn) against the pure-TypeScript reference (src/core/knn), and
 * usearch's HNSW index (src/model/approximateKnn), whose parameters and the
 * size above which the scan switches to it (EXACT_KNN_MAX_ROWS in
 * src/engine/neighbours.ts) were chosen from these figures.
 *
 *   exact:  seconds of ortKnn (and of the TypeScript reference on a smaller n);
 *   grid:   HNSW build and search time and recall@k against exact, for several
 *           links per node (M), build beams and search beams (ef);
 *   scan:   approximateKnn as a scan runs it (the search beam doubled until the
 *           recall measured on 200 sampled rows reaches 0.95), at several sizes,
 *           with the exact time beside it.
 * Points: iid Gaussian (intrinsic dimension = dim, the worst case for an index),
 * Gaussian classes of low intrinsic dimension (bench/lowRankClasses.ts, like a
 * network's embeddings), and the fixture model's embeddings of the 60,000
 * Fashion-MNIST training images (Debian's dataset-fashion-mnist).
 *
 * Wall times depend on what else the machine runs; CPU seconds (all threads) much less so.
 *
 *   npx tsx bench/knn.ts [--part exact,grid,scan,fmnist] [--points gaussian,classes] [--n 100000] [--dim 128] [--k 20]
 *                        [--reference-n 10000] [--sizes 50000,100000,200000] [--exact-max 200000]
 *                        [--connectivity 16,32] [--expansion-add 128] [--expansion-search 64,128,256,512,1024]
 *                        [--queries 5000]
 *                        [--fmnist PATH | --fmnist none]
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { exactKnn, neighbourRecall } from '../src/core/knn';
import type { DenseMatrix, KnnResult, KnnSearch } from '../src/core/types';
import { openDataset } from '../src/data';
import { silentContext } from '../src/engine/context';
import { computeRepresentation } from '../src/engine/representation';
import { ortKnn } from '../src/model';
import { approximateKnn, DEFAULT_HNSW } from '../src/model/approximateKnn';
import { sampleRows } from '../src/core/random';
import { DEFAULT_CLASSES, gaussianPoints, lowRankClasses } from './lowRankClasses';

const { values } = parseArgs({
  options: {
    part: { type: 'string', default: 'exact,grid,scan,fmnist' },
    // Which points the grid and scan parts use (the scan part's Gaussian points have --dim dimensions).
    points: { type: 'string', default: 'gaussian,classes' },
    n: { type: 'string', default: '100000' },
    dim: { type: 'string', default: '128' },
    k: { type: 'string', default: '20' },
    'reference-n': { type: 'string', default: '10000' },
    sizes: { type: 'string', default: '50000,100000,200000' },
    // Exact search is O(N²): above this many points the scan part times the index alone.
    'exact-max': { type: 'string', default: '200000' },
    connectivity: { type: 'string', default: '16,32' },
    'expansion-add': { type: 'string', default: '128' },
    'expansion-search': { type: 'string', default: '64,128,256,512,1024' },
    // The grid searches this many seeded rows (recall over them) instead of every row: wide beams cost minutes per pass.
    queries: { type: 'string' },
    fmnist: { type: 'string', default: '/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz' },
  },
});
const k = Number(values.k);
const parts = new Set(values.part!.split(','));
const list = (text: string) => text.split(',').map(Number);

const seconds = (started: number) => (performance.now() - started) / 1000;
/** CPU seconds of every thread of this process: what a step costs whatever else the machine runs. */
const cpuSeconds = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};
const line = (name: string, points: DenseMatrix, text: string) =>
  console.log(`${name.padEnd(34)} n=${points.rows} dim=${points.dim} k=${k}: ${text}`);
const allRows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

async function timeExact(name: string, search: KnnSearch, points: DenseMatrix): Promise<KnnResult> {
  const started = performance.now();
  const startedCpu = cpuSeconds();
  const result = await search(points, k);
  const took = seconds(started);
  const cpu = cpuSeconds() - startedCpu;
  line(
    name,
    points,
    `${took.toFixed(1)} s wall (${cpu.toFixed(1)} CPU s), ${(points.rows / took).toFixed(0)} queries/s`,
  );
  return result;
}

/** One HNSW build per (M, build beam), searched with every ef; recall@k over all rows (or --queries sampled rows). */
function hnswGrid(points: DenseMatrix, exact: KnnResult): void {
  const { rows, dim, data } = points;
  const queries = values.queries ? sampleRows(rows, Number(values.queries), 4242) : allRows(rows);
  const queryData = new Float32Array(queries.length * dim);
  queries.forEach((row, q) => queryData.set(data.subarray(row * dim, (row + 1) * dim), q * dim));
  // neighbourRecall reads the exact lists of the queried rows, in query order.
  const exactOfQueries: KnnResult = {
    n: queries.length,
    k,
    indices: new Int32Array(queries.length * k),
    distances: new Float32Array(queries.length * k),
  };
  queries.forEach((row, q) =>
    exactOfQueries.indices.set(exact.indices.subarray(row * k, (row + 1) * k), q * k),
  );
  const keys = new BigUint64Array(rows);
  for (let i = 0; i < rows; i++) keys[i] = BigInt(i);
  for (const connectivity of list(values.connectivity!)) {
    for (const expansionAdd of list(values['expansion-add']!)) {
      const started = performance.now();
      const startedCpu = cpuSeconds();
      const index = new Index({
        dimensions: dim,
        metric: MetricKind.L2sq,
        quantization: ScalarKind.F32,
        connectivity,
        expansion_add: expansionAdd,
        expansion_search: 16,
        multi: false,
      });
      index.add(keys, data, 0);
      const build = seconds(started);
      const buildCpu = cpuSeconds() - startedCpu;
      for (const ef of list(values['expansion-search']!)) {
        const searchStarted = performance.now();
        const searchStartedCpu = cpuSeconds();
        const wanted = Math.max(ef, k + 1);
        const found = index.search(queryData, wanted, 0).keys;
        const search = seconds(searchStarted);
        const searchCpu = cpuSeconds() - searchStartedCpu;
        const approximate = { n: rows, k, indices: new Int32Array(rows * k), distances: new Float32Array(0) };
        queries.forEach((row, q) => {
          let taken = 0;
          for (let j = 0; j <= k && taken < k; j++) {
            const key = Number(found[q * wanted + j]);
            if (key !== row) approximate.indices[row * k + taken++] = key;
          }
        });
        const recall = neighbourRecall(approximate, exactOfQueries, queries);
        line(
          `HNSW M=${connectivity} efAdd=${expansionAdd} ef=${ef}`,
          points,
          `build ${build.toFixed(1)} s + search ${search.toFixed(1)} s wall ` +
            `(${buildCpu.toFixed(1)} + ${searchCpu.toFixed(1)} CPU s), recall@${k} ${recall.toFixed(3)}` +
            (queries.length < rows ? ` over ${queries.length} sampled rows` : ''),
        );
      }
    }
  }
}

/** approximateKnn as the scan runs it; its sampled recall beside the recall over every row. */
async function scanLike(name: string, points: DenseMatrix, exact: KnnResult | undefined): Promise<void> {
  const started = performance.now();
  const startedCpu = cpuSeconds();
  const result = await approximateKnn(points, k);
  const took = seconds(started);
  const cpu = cpuSeconds() - startedCpu;
  const { build, recallCheck, search } = result.seconds;
  const full = exact
    ? `, recall over all rows ${neighbourRecall(result, exact, allRows(points.rows)).toFixed(3)}`
    : '';
  line(
    name,
    points,
    `${took.toFixed(1)} s wall, ${cpu.toFixed(1)} CPU s (build ${build.toFixed(1)}, recall check ${recallCheck.toFixed(1)}, ` +
      `search ${search.toFixed(1)})${result.exactInstead ? `, searched exactly (${result.exactInstead})` : ''}, ` +
      `ef ${result.expansionSearch}, sampled recall@${k} ${result.recall.toFixed(3)}${full}`,
  );
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

async function main(): Promise<void> {
  const dim = Number(values.dim);
  console.log(
    `defaults: HNSW M=${DEFAULT_HNSW.connectivity} efAdd=${DEFAULT_HNSW.expansionAdd} ef=${DEFAULT_HNSW.expansionSearch}`,
  );
  if (parts.has('exact')) {
    const small = gaussianPoints(Number(values['reference-n']), dim, 12345);
    await timeExact('onnxruntime MatMul+TopK', ortKnn, small);
    await timeExact('TypeScript reference', exactKnn, small);
  }
  if (parts.has('grid')) {
    const kinds = new Set(values.points!.split(','));
    if (kinds.has('gaussian')) {
      const large = gaussianPoints(Number(values.n), dim, 12345);
      console.log('iid Gaussian points:');
      hnswGrid(large, await timeExact('onnxruntime MatMul+TopK', ortKnn, large));
    }
    if (kinds.has('classes')) {
      const classes = lowRankClasses({ ...DEFAULT_CLASSES, rows: Number(values.n) }).points;
      console.log('Gaussian classes of low intrinsic dimension:');
      hnswGrid(classes, await timeExact('onnxruntime MatMul+TopK', ortKnn, classes));
    }
  }
  if (parts.has('scan')) {
    for (const kind of values.points!.split(',')) {
      const gaussian = kind === 'gaussian';
      console.log(
        `as a scan runs it, ${gaussian ? 'iid Gaussian points' : 'Gaussian classes of low intrinsic dimension'}:`,
      );
      for (const rows of list(values.sizes!)) {
        const points = gaussian
          ? gaussianPoints(rows, dim, 12345)
          : lowRankClasses({ ...DEFAULT_CLASSES, rows }).points;
        const exact =
          rows <= Number(values['exact-max'])
            ? await timeExact('onnxruntime MatMul+TopK', ortKnn, points)
            : undefined;
        await scanLike('approximateKnn (HNSW, checked)', points, exact);
      }
    }
  }
  if (!parts.has('fmnist') || values.fmnist === 'none') return;
  if (!existsSync(values.fmnist!)) {
    console.log(
      `(no ${values.fmnist}: apt-get install -y dataset-fashion-mnist for the real-embedding figures)`,
    );
    return;
  }
  const embeddings = await fashionMnistEmbeddings(values.fmnist!);
  console.log('Fashion-MNIST train, fixture model embeddings:');
  const exact = await timeExact('onnxruntime MatMul+TopK', ortKnn, embeddings);
  await scanLike('approximateKnn (HNSW, checked)', embeddings, exact);
}

void main();
