/**
 * What the review UI reads from a scan (issue 11): each sample's manifest line
 * and kNN neighbours, the dataset's manifest, label column and root, and the
 * 2-D map. On a table written here (CRLF, blank lines, a quoted cell spanning
 * lines; features drawn at random, so no two distances tie) every expectation
 * is computed here: lines counted while writing, neighbours by brute force
 * over the features, the map by an independent PCA. Then the same through the
 * cache (a second scan is served from it, fields included) and the CLI (JSON
 * carries the fields; the CSV keeps its columns).
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { seededUniform } from '../../src/core/random';
import type { DenseMatrix } from '../../src/core/types';
import { openDataset } from '../../src/data/open';
import { silentContext } from '../../src/engine/context';
import { computeRepresentation } from '../../src/engine/representation';
import { runScan, summary } from '../../src/engine/scan';
import type { ScanParams, ScanResult } from '../../src/protocol/engine';
import { pcaProjection, referenceAxes } from '../support/pcaReference';
import { fixtures, freshDir, runCli } from './helpers';

const ROWS = 90;
const DIM = 4;
const FMNIST = join(fixtures, 'fmnist');

/** The table: features, label, a note column (some notes span two lines), and the line each row starts on. */
function writeTable(file: string): { features: DenseMatrix; labels: string[]; lines: number[] } {
  const random = seededUniform(42);
  const data = new Float32Array(ROWS * DIM);
  const labels: string[] = [];
  const lines: number[] = [];
  let text = 'f0,f1,f2,f3,label,note\r\n\r\n';
  let line = 3;
  for (let row = 0; row < ROWS; row++) {
    const label = ['cat', 'dog', 'owl'][row % 3];
    // Classes apart, so the label-noise fit has something to fit; one in nine labels swapped.
    const centre = row % 3;
    const cells: string[] = [];
    for (let c = 0; c < DIM; c++) {
      const value = Math.fround(centre * (c === centre ? 3 : 0) + random() * 2);
      data[row * DIM + c] = value;
      cells.push(String(value));
    }
    const given = row % 9 === 4 ? ['dog', 'owl', 'cat'][row % 3] : label;
    labels.push(given);
    const note = row % 5 === 2 ? `"note ${row}\r\nsecond line"` : `note ${row}`;
    lines.push(line);
    text += `${cells.join(',')},${given},${note}\r\n`;
    line += row % 5 === 2 ? 2 : 1;
    if (row % 8 === 7) {
      text += '\r\n';
      line++;
    }
  }
  writeFileSync(file, text);
  return { features: { rows: ROWS, dim: DIM, data }, labels, lines };
}

/** Each row's rows sorted by Euclidean distance (float64 over the float32 values), self left out. */
function bruteForceOrder(points: DenseMatrix): number[][] {
  const { rows, dim, data } = points;
  return Array.from({ length: rows }, (_, i) => {
    const distance = (j: number) => {
      let sum = 0;
      for (let c = 0; c < dim; c++) sum += (data[i * dim + c] - data[j * dim + c]) ** 2;
      return sum;
    };
    return Array.from({ length: rows }, (_, j) => j)
      .filter((j) => j !== i)
      .sort((a, b) => distance(a) - distance(b) || a - b);
  });
}

function assertNeighbours(result: ScanResult, order: number[][], listed: number, what: string): void {
  assert.ok(result.samples.length > 0);
  for (const sample of result.samples) {
    assert.deepEqual(
      sample.neighbours,
      order[sample.index].slice(0, listed),
      `${what}: sample ${sample.index}`,
    );
  }
}

describe('review fields of a scan: line, neighbours, manifest, map', function () {
  this.timeout(600_000);
  const dir = freshDir();
  const table = join(dir, 'animals.csv');
  const written = writeTable(table);
  const order = bruteForceOrder(written.features);
  const params = (task: string, extra: Partial<ScanParams> = {}): ScanParams => ({
    task,
    datasets: [{ role: 'data', path: table }],
    standardize: false,
    noCache: true,
    ...extra,
  });

  it('labels: every sample has its row line, its 5 nearest neighbours (k 5), and the dataset its manifest', async () => {
    const result = await runScan(params('labels', { k: 5 }), silentContext, dir);
    assert.equal(result.samples.length, ROWS);
    for (const sample of result.samples) assert.equal(sample.line, written.lines[sample.index]);
    // By hand: header on line 1, a blank line, row 0 on 3; row 2's note spans lines 5–6, so row 3 starts on 7.
    assert.deepEqual(written.lines.slice(0, 4), [3, 4, 5, 7]);
    assertNeighbours(result, order, 5, 'labels');
    assert.deepEqual(result.dataset, {
      kind: 'tabular',
      source: table,
      count: ROWS,
      labelNames: result.dataset.labelNames,
      manifest: table,
      labelColumn: 'label',
      root: dir,
    });
  });

  it('labels: the map is the features on their first two principal components (signs aside)', async () => {
    const result = await runScan(params('labels', { k: 5 }), silentContext, dir);
    const map = result.map!;
    assert.equal(map.method, 'pca');
    const { mean, axes } = referenceAxes(written.features);
    for (const [coordinates, axis] of [
      [map.x, axes[0]],
      [map.y, axes[1]],
    ] as const) {
      assert.equal(coordinates.length, ROWS);
      const expected = Array.from({ length: ROWS }, (_, row) =>
        pcaProjection(written.features, row, mean, axis),
      );
      const sign = Math.sign(coordinates[0] * expected[0]);
      expected.forEach((value, row) =>
        assert.ok(
          Math.abs(coordinates[row] - sign * value) < 1e-3,
          `row ${row}: ${coordinates[row]} vs ${sign * value}`,
        ),
      );
    }
  });

  it('acquire and prototypes list the nearest neighbours of the graph they built (at most 10)', async () => {
    // acquire ranks unlabelled samples: three in four lose their label (a labels CSV with empty cells).
    const labels = join(dir, 'few-labels.csv');
    writeFileSync(
      labels,
      ['label', ...written.labels.map((label, row) => (row % 4 ? '' : label))].join('\n') + '\n',
    );
    const acquire = params('acquire', { k: 3, datasets: [{ role: 'data', path: table, labels }] });
    // It searches 5k = 15 neighbours per sample: the first 10 are listed.
    assertNeighbours(await runScan(acquire, silentContext, dir), order, 10, 'acquire');
    assertNeighbours(
      await runScan(params('prototypes', { k: 4 }), silentContext, dir),
      order,
      10,
      'prototypes',
    );
  });

  it('boundary (margin scorer) lists neighbours in the model embeddings of a manifest, and the manifest lines', async () => {
    const manifest = join(FMNIST, 'manifest.csv');
    const model = join(FMNIST, 'model.onnx');
    const scanParams: ScanParams = {
      task: 'boundary',
      scorer: 'margin',
      k: 7,
      model,
      datasets: [{ role: 'data', path: manifest }],
      noCache: true,
    };
    const result = await runScan(scanParams, silentContext, dir);
    const dataset = await openDataset(manifest);
    const representation = await computeRepresentation(dataset, scanParams, silentContext, undefined);
    assert.equal(representation.points.rows, 100);
    assertNeighbours(result, bruteForceOrder(representation.points), 7, 'boundary');
    // The fixture manifest has a header and no blank lines or quoting: sample i is on line i + 2.
    const fileLines = readFileSync(manifest, 'utf8').split('\n');
    for (const sample of result.samples) {
      assert.equal(sample.line, sample.index + 2);
      assert.ok(fileLines[sample.line! - 1].startsWith(`${sample.id},`));
    }
    assert.equal(result.dataset.manifest, manifest);
    assert.equal(result.dataset.labelColumn, 'label');
    assert.equal(result.dataset.root, FMNIST);
    assert.equal(result.map!.x.length, 100);
  });

  it('an image folder summarises with its root and no manifest; an array file with neither', async () => {
    const folder = await openDataset(join(FMNIST, 'noisy'));
    assert.deepEqual(summary(folder, []), {
      kind: 'image-folder',
      source: join(FMNIST, 'noisy'),
      count: folder.samples.length,
      labelNames: [],
      root: join(FMNIST, 'noisy'),
    });
    const npy = await openDataset(join(FMNIST, 'npy', 'images.npy'));
    const npySummary = summary(npy, []);
    assert.equal(npySummary.root, undefined);
    assert.equal(npySummary.manifest, undefined);
    assert.ok(npy.samples.every((sample) => sample.line === undefined));
  });

  it('the cache serves the fields with the result', async () => {
    const cacheRoot = freshDir();
    const cached = { ...params('labels', { k: 5 }), noCache: false, cacheRoot };
    const first = await runScan(cached, silentContext, dir);
    assert.equal(first.cached.result, false);
    const second = await runScan(cached, silentContext, dir);
    assert.equal(second.cached.result, true);
    assert.deepEqual(second.samples, first.samples);
    assert.deepEqual(second.map, first.map);
    assert.deepEqual(second.dataset, first.dataset);
    assertNeighbours(second, order, 5, 'cached');
  });

  it('margin scan --out r.json --out r.csv: the JSON carries the fields, the CSV keeps its columns', () => {
    const cwd = freshDir();
    const run = runCli(
      [
        'scan',
        '--task',
        'labels',
        '--data',
        table,
        '--k',
        '5',
        '--no-standardize',
        '--no-cache',
        '--quiet',
        '--out',
        'r.json',
        '--out',
        'r.csv',
      ],
      cwd,
    );
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(readFileSync(join(cwd, 'r.json'), 'utf8')) as ScanResult;
    for (const sample of result.samples) assert.equal(sample.line, written.lines[sample.index]);
    assertNeighbours(result, order, 5, 'CLI JSON');
    assert.equal(result.map!.x.length, ROWS);
    assert.equal(result.dataset.root, dirname(table));
    const header = readFileSync(join(cwd, 'r.csv'), 'utf8').split('\n')[0];
    assert.equal(
      header,
      ['rank', 'index', 'id', 'path', ...result.columns.map((column) => column.key), 'score'].join(','),
    );
  });
});
