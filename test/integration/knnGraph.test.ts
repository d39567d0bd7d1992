/**
 * `margin scan --knn-graph` and `--knn` through the built CLI: the graph file
 * reaches the engine (the scores are SciPy's on that graph), and a bad graph
 * is one stderr line on the flag, naming the file and the problem, exit 2.
 * Every task whose graph is on the data's own points ranks on the given
 * graph: boundary (margin), acquire, prototypes (contrastive).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DenseMatrix, KnnSearch } from '../../src/core/types';
import { npyNumbers, readNpy } from '../../src/data/npy';
import { silentContext } from '../../src/engine/context';
import { computeRepresentation } from '../../src/engine/representation';
import { openRole, resolveParams } from '../../src/engine/scan';
import { acquireTask } from '../../src/engine/tasks/acquire';
import { prototypesTask } from '../../src/engine/tasks/prototypes';
import type { ResolvedScanParams, TaskDataset, TaskDefinition } from '../../src/engine/tasks/types';
import type { ScanParams, ScanResult } from '../../src/protocol/engine';
import { npyBytes } from '../unit/data/helpers';
import { fixtures, freshDir, repoRoot, runCli } from './helpers';

const FEATURES = join(fixtures, 'fmnist', 'npy', 'features.npy');
const KNN = join(fixtures, 'knn');
const scan = (args: string[], cwd = freshDir()) =>
  runCli(['scan', '--data', FEATURES, '--k', '10', '--scorer', 'margin', '--quiet', ...args], cwd);
const lastLine = (text: string) => text.trimEnd().split('\n').pop()!;

describe('margin scan --knn-graph', function () {
  this.timeout(120_000);

  it('ranks on the graph in the file', async () => {
    const dir = freshDir();
    const run = scan(['--knn-graph', join(KNN, 'pixels-edges.npy'), '--out', 'r.json'], dir);
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    const expected = npyNumbers(await readNpy(join(KNN, 'margin-pixels-graph.npy')));
    for (const sample of result.samples) {
      assert.ok(Math.abs(sample.score - expected[sample.index]) < 1e-9, `sample ${sample.index}`);
    }
    assert.equal(result.params.knnGraph, join(KNN, 'pixels-edges.npy'));
  });

  it('names the flag, the file and the problem for a bad graph', () => {
    const dir = freshDir();
    const negative = join(dir, 'negative.npy');
    writeFileSync(negative, npyBytes('<i4', [2, 2], new Uint8Array(Int32Array.from([0, 1, 1, -1]).buffer)));
    let run = scan(['--knn-graph', negative], dir);
    assert.equal(run.status, 2);
    assert.equal(
      lastLine(run.stderr),
      `margin: --knn-graph: ${negative}: edge 1 ends at the negative index -1: indices are sample positions 0..199 (FAISS marks a missing neighbour with −1)`,
    );

    const small = join(dir, 'three');
    mkdirSync(small);
    writeFileSync(
      join(small, 'indptr.npy'),
      npyBytes('<i4', [4], new Uint8Array(Int32Array.from([0, 1, 2, 3]).buffer)),
    );
    writeFileSync(
      join(small, 'indices.npy'),
      npyBytes('<i4', [3], new Uint8Array(Int32Array.from([1, 2, 0]).buffer)),
    );
    run = scan(['--knn-graph', small], dir);
    assert.equal(run.status, 2);
    assert.match(
      lastLine(run.stderr),
      /^margin: --knn-graph: .*three: describes a graph on 3 samples, but .*features\.npy has 200/,
    );

    run = scan(['--knn-graph', join(dir, 'missing.npz')], dir);
    assert.equal(run.status, 2);
    assert.equal(lastLine(run.stderr), `margin: --knn-graph: ${join(dir, 'missing.npz')}: does not exist`);
  });

  it('checks --knn', () => {
    const run = scan(['--knn', 'fast']);
    assert.equal(run.status, 2);
    assert.equal(lastLine(run.stderr), 'margin: --knn: must be one of auto, exact, approximate, got "fast"');
  });
});

const IMAGES = join(fixtures, 'fmnist', 'npy', 'images.npy');
const MODEL = join(fixtures, 'fmnist', 'model.onnx');
/** scikit-learn's 10 nearest neighbours of the 200 samples by raw pixels: not a graph a scan builds itself. */
const PIXEL_GRAPH = join(KNN, 'pixels-edges.npy');
const NOT_USED = /was not used/;

/** Every sample's listed neighbours, in the file's order, from an E × 2 edge list. */
async function readEdgeLists(file: string, samples = 200): Promise<number[][]> {
  const edges = npyNumbers(await readNpy(file));
  const lists: number[][] = Array.from({ length: samples }, () => []);
  for (let e = 0; e < edges.length; e += 2) lists[edges[e]].push(edges[e + 1]);
  return lists;
}

function writeEdgeList(dir: string, lists: number[][]): string {
  const edges = Int32Array.from(
    lists.flatMap((neighbours, sample) => neighbours.flatMap((n) => [sample, n])),
  );
  const file = join(dir, 'graph.npy');
  writeFileSync(file, npyBytes('<i4', [edges.length / 2, 2], new Uint8Array(edges.buffer)));
  return file;
}

/** A sample's first k listed neighbours (itself and repeats left out), as a graph without distances gives them. */
function firstListed(lists: number[][], sample: number, k: number): number[] {
  return [...new Set(lists[sample].filter((n) => n !== sample))].slice(0, k);
}

/**
 * What --knn-graph amounts to, written out here: of each sample's listed
 * neighbours, the k nearest by Euclidean distance on the representation's
 * points (ties by position). It serves those points only.
 */
function searchOfGraph(lists: number[][], own: DenseMatrix): KnnSearch {
  return async (points, k) => {
    assert.equal(points, own, "the task asks for the graph of the data's own points");
    const { rows, dim, data } = points;
    const distance2 = (a: number, b: number) => {
      let sum = 0;
      for (let c = 0; c < dim; c++) sum += (data[a * dim + c] - data[b * dim + c]) ** 2;
      return sum;
    };
    const indices = new Int32Array(rows * k);
    const distances = new Float32Array(rows * k);
    for (let row = 0; row < rows; row++) {
      const nearest = [...new Set(lists[row].filter((n) => n !== row))]
        .map((n) => ({ n, d2: distance2(row, n) }))
        .sort((a, b) => a.d2 - b.d2 || a.n - b.n)
        .slice(0, k);
      assert.equal(nearest.length, k, `sample ${row} lists fewer than ${k} neighbours`);
      nearest.forEach(({ n, d2 }, j) => {
        indices[row * k + j] = n;
        distances[row * k + j] = Math.sqrt(d2);
      });
    }
    return { n: rows, k, indices, distances };
  };
}

/** The data as a scan prepares it, in process (every sample readable, so rows are samples). */
async function prepared(
  scan: ScanParams,
  task: TaskDefinition,
): Promise<{ params: ResolvedScanParams; data: TaskDataset }> {
  const params = resolveParams(scan, task, repoRoot);
  const { dataset } = await openRole(params.datasets[0], task.datasets.data.labels !== 'required');
  const representation = await computeRepresentation(dataset, params, silentContext, undefined);
  assert.deepEqual(
    Array.from(representation.keptIndices),
    Array.from({ length: 200 }, (_, i) => i),
  );
  return { params, data: { role: 'data', dataset, representation } };
}

function scanResult(args: string[]): ScanResult {
  const dir = freshDir();
  const run = runCli(['scan', ...args, '--quiet', '--out', 'r.json'], dir);
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as ScanResult;
}

/** The fixture's labels with every tenth kept, −1 (unlabelled) elsewhere, as a .npy in `dir`. */
async function partlyLabelled(dir: string): Promise<string> {
  const labels = npyNumbers(await readNpy(join(fixtures, 'fmnist', 'npy', 'labels.npy')));
  const kept = Int32Array.from(labels, (label, i) => (i % 10 === 0 ? label : -1));
  const file = join(dir, 'labels.npy');
  writeFileSync(file, npyBytes('<i4', [kept.length], new Uint8Array(kept.buffer)));
  return file;
}

const byIndex = (result: ScanResult) => [...result.samples].sort((a, b) => a.index - b.index);

/** MARGIN on a graph, densely: union-symmetrised binary W, f = share of neighbours of another class, |f − D^-½WD^-½ f| / max. */
function marginOnGraph(neighbours: number[][], classes: unknown[]): number[] {
  const n = neighbours.length;
  const w = Array.from({ length: n }, () => new Float64Array(n));
  neighbours.forEach((list, i) => list.forEach((j) => (w[i][j] = w[j][i] = 1)));
  const degree = w.map((row) => row.reduce((a, b) => a + b, 0));
  const f = w.map(
    (row, i) => row.reduce((sum, wij, j) => sum + wij * (classes[j] !== classes[i] ? 1 : 0), 0) / degree[i],
  );
  const high = f.map((fi, i) =>
    Math.abs(fi - w[i].reduce((sum, wij, j) => sum + (wij * f[j]) / Math.sqrt(degree[i] * degree[j]), 0)),
  );
  const max = Math.max(...high);
  return high.map((h) => h / max);
}

describe('margin scan --knn-graph in every task that builds a graph on the data', function () {
  this.timeout(300_000);

  it("boundary (margin): the MARGIN of the model's predictions on the given graph, computed here", async () => {
    const args = [
      '--task',
      'boundary',
      '--data',
      IMAGES,
      '--model',
      MODEL,
      '--scorer',
      'margin',
      '--k',
      '10',
    ];
    const given = scanResult([...args, '--knn-graph', PIXEL_GRAPH]);
    assert.ok(!given.notices!.some((notice) => NOT_USED.test(notice)), given.notices!.join('\n'));
    const lists = await readEdgeLists(PIXEL_GRAPH);
    const samples = byIndex(given);
    const expected = marginOnGraph(
      lists.map((_, sample) => firstListed(lists, sample, 10)),
      samples.map((sample) => sample.predicted),
    );
    samples.forEach((sample) =>
      assert.ok(Math.abs(sample.score - expected[sample.index]) < 1e-9, `sample ${sample.index}`),
    );
    // Not what the scan's own graph (the model's embeddings) gives.
    const own = byIndex(scanResult(args));
    assert.ok(own.some((sample, i) => Math.abs(sample.score - samples[i].score) > 1e-3));
  });

  it('acquire: spreads and covers on the given graph, as the task does with that graph searched here', async () => {
    const dir = freshDir();
    const labelsFile = await partlyLabelled(dir);
    // Sample i's neighbours: i + 7, i + 14, …, i + 140 (mod 200), 20 = 5k of k = 4: unrelated to the images.
    const lists = Array.from({ length: 200 }, (_, i) =>
      Array.from({ length: 20 }, (_, s) => (i + 7 * (s + 1)) % 200),
    );
    const graphFile = writeEdgeList(dir, lists);
    const args = [
      '--task',
      'acquire',
      '--data',
      IMAGES,
      '--labels',
      labelsFile,
      '--model',
      MODEL,
      '--k',
      '4',
    ];
    const given = scanResult([...args, '--knn-graph', graphFile]);
    assert.ok(!given.notices!.some((notice) => NOT_USED.test(notice)), given.notices!.join('\n'));

    const { params, data } = await prepared(
      { task: 'acquire', datasets: [{ role: 'data', path: IMAGES, labels: labelsFile }], model: MODEL, k: 4 },
      acquireTask,
    );
    const search = searchOfGraph(lists, data.representation.points);
    const expected = await acquireTask.run({ params, data, neighbours: search }, silentContext);
    const columns = (sample: Record<string, unknown>) =>
      [sample.index, sample.score, sample.batch, sample.suggested, sample.confidence, sample.value].map(
        (value) => (value === undefined ? null : value),
      );
    assert.deepEqual(given.samples.map(columns), expected.samples.map(columns));
    // The spreading graph: the union of each sample's 4 nearest listed neighbours, counted here.
    const knn = await search(data.representation.points, 4);
    const edges = new Set<string>();
    knn.indices.forEach((j, e) => {
      const i = Math.floor(e / 4);
      edges.add(i < j ? `${i}-${j}` : `${j}-${i}`);
    });
    assert.equal(given.metrics!.edges, edges.size);

    const own = scanResult(args);
    assert.notDeepEqual(
      own.samples.map((sample) => sample.index),
      given.samples.map((sample) => sample.index),
    );
    assert.notEqual(own.metrics!.edges, edges.size);
  });

  it('acquire: a given graph with fewer neighbours than the 5k it reads is refused, saying where 5k comes from', async () => {
    const dir = freshDir();
    const labelsFile = await partlyLabelled(dir);
    // The pixel graph lists 10 neighbours; acquire at k = 4 reads 20.
    const args = ['--task', 'acquire', '--data', FEATURES, '--labels', labelsFile, '--k', '4'];
    const run = runCli(['scan', ...args, '--knn-graph', PIXEL_GRAPH], dir);
    assert.equal(run.status, 2, run.stderr);
    assert.match(
      lastLine(run.stderr),
      /^margin: --knn-graph: .*pixels-edges\.npy: lists 10 usable neighbours for sample 0 .*fewer than k = 20: lower k, or give a graph with more neighbours per sample \(the acquire task asks for 20 neighbours of each sample at k = 4: its coverage graph reaches 5 × k\)$/,
    );
  });

  it("prototypes: contrastive covers on the given graph (one graph over every class: the data's own points); per class it is not used, and says so", async () => {
    const args = ['--task', 'prototypes', '--data', FEATURES, '--k', '2'];
    // k = 2: the similarity graph reads 5k = 10 neighbours, as many as the pixel graph lists.
    const given = scanResult([...args, '--scorer', 'contrastive', '--knn-graph', PIXEL_GRAPH]);
    assert.ok(!given.notices!.some((notice) => NOT_USED.test(notice)), given.notices!.join('\n'));
    const { params, data } = await prepared(
      { task: 'prototypes', datasets: [{ role: 'data', path: FEATURES }], scorer: 'contrastive', k: 2 },
      prototypesTask,
    );
    const lists = await readEdgeLists(PIXEL_GRAPH);
    const expected = await prototypesTask.run(
      { params, data, neighbours: searchOfGraph(lists, data.representation.points) },
      silentContext,
    );
    assert.deepEqual(given.prototypes, expected.prototypes);
    assert.deepEqual(given.criticisms, expected.criticisms);
    const expectedScore = new Map(expected.samples.map((sample) => [sample.index, sample.score]));
    for (const sample of given.samples) assert.equal(sample.score, expectedScore.get(sample.index));

    const own = scanResult([...args, '--scorer', 'contrastive']);
    assert.notDeepEqual(own.prototypes, given.prototypes);

    // The margin scorer's graphs are per class: copies of some rows, which the graph of all samples cannot serve.
    const perClass = scanResult([...args, '--scorer', 'margin', '--knn-graph', PIXEL_GRAPH]);
    assert.ok(
      perClass.notices!.includes(
        `the graph in ${PIXEL_GRAPH} was not used: the prototypes task did not ask for a graph on the data's own samples`,
      ),
      perClass.notices!.join('\n'),
    );
  });
});
