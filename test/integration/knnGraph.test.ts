/**
 * `margin scan --knn-graph` and `--knn` through the built CLI: the graph file
 * reaches the engine (the scores are SciPy's on that graph), and a bad graph
 * is one stderr line on the flag, naming the file and the problem, exit 2.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { npyNumbers, readNpy } from '../../src/data/npy';
import { npyBytes } from '../unit/data/helpers';
import { fixtures, freshDir, runCli } from './helpers';

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
