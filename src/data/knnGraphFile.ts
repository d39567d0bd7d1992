/**
 * A kNN graph built elsewhere (FAISS, Spark, scikit-learn), read from disk so
 * that a scan can use it instead of searching neighbours itself. Forms:
 *
 * - CSR: a folder holding `indptr.npy` and `indices.npy` (and optionally
 *   `distances.npy` or `data.npy`), or an .npz with the same arrays, which is
 *   what `scipy.sparse.save_npz` writes for a CSR matrix (a COO one is read
 *   as an edge list). Row i's neighbours are indices[indptr[i] .. indptr[i+1]).
 * - Dense lists: `indices` as an N × k array (FAISS's `I`, with its `D` as
 *   `distances`), in a folder or an .npz.
 * - Edge list: one .npy of E × 2 (source, neighbour) or E × 3 (source,
 *   neighbour, distance) rows.
 *
 * Rows are the data's samples in dataset order. Distances are optional and
 * only their order is used (smaller = nearer; squared or cosine distances
 * work alike): the scan keeps the k nearest listed neighbours of each sample
 * and measures their Euclidean distances itself.
 */
import { stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { InputError } from '../core/errors';
import type { DenseMatrix, KnnResult } from '../core/types';
import { describeFsError } from './files';
import { npyNumbers, npyToStrings, readNpy, type NpyArray } from './npy';
import { readNpz } from './npz';

export interface NeighbourLists {
  /** The file (or folder) read, for messages. */
  file: string;
  /** Samples the graph is on. */
  n: number;
  /** `n + 1` offsets into `indices`. */
  indptr: Float64Array;
  indices: Int32Array;
  /** Same length as `indices`; smaller = nearer. */
  distances?: Float64Array;
}

/** Reads and checks a graph file for a dataset of `samples` samples (`dataName` names it in messages). */
export async function readKnnGraph(path: string, samples: number, dataName: string): Promise<NeighbourLists> {
  const info = await stat(path).catch((error: unknown) => {
    throw new InputError(path, describeFsError(error));
  });
  if (info.isDirectory()) return fromArrays(path, await folderArrays(path), samples, dataName);
  const extension = extname(path).toLowerCase();
  if (extension === '.npz') return fromArrays(path, await readNpz(path), samples, dataName);
  if (extension === '.npy') return fromEdgeList(path, await readNpy(path), samples, dataName);
  throw new InputError(
    path,
    'is not a graph file: give an edge list .npy (E × 2 or E × 3), a CSR .npz (scipy.sparse.save_npz), ' +
      'or a folder holding indptr.npy and indices.npy',
  );
}

async function folderArrays(folder: string): Promise<Map<string, NpyArray>> {
  const arrays = new Map<string, NpyArray>();
  for (const name of ['indptr', 'indices', 'distances', 'data']) {
    const file = join(folder, `${name}.npy`);
    const exists = await stat(file).then(
      () => true,
      () => false,
    );
    if (exists) arrays.set(name, await readNpy(file));
  }
  return arrays;
}

function fromArrays(
  file: string,
  arrays: Map<string, NpyArray>,
  samples: number,
  dataName: string,
): NeighbourLists {
  const format = arrays.get('format');
  const formatName = format ? npyToStrings(format)[0] : undefined;
  if (formatName === 'coo' && arrays.has('row') && arrays.has('col')) {
    const row = integers(`${file}:row`, arrays.get('row')!);
    const col = integers(`${file}:col`, arrays.get('col')!);
    return edgesToLists(file, row, col, optionalNumbers(file, arrays, ['data']), samples, dataName);
  }
  if (formatName !== undefined && formatName !== 'csr') {
    throw new InputError(
      file,
      `holds a sparse matrix in ${formatName.toUpperCase()} form; save it as CSR: scipy.sparse.save_npz(path, graph.tocsr())`,
    );
  }
  const indicesArray = arrays.get('indices');
  if (!indicesArray) {
    throw new InputError(
      file,
      `has no indices array (it holds: ${[...arrays.keys()].join(', ') || 'nothing'})`,
    );
  }
  const distances = optionalNumbers(file, arrays, ['distances', 'data']);
  if (!arrays.has('indptr')) {
    // Dense lists: N × k, as FAISS's search returns them.
    if (indicesArray.shape.length !== 2) {
      throw new InputError(
        file,
        `has indices of shape (${indicesArray.shape.join(', ')}) and no indptr: expected N × k lists`,
      );
    }
    const [rows, k] = indicesArray.shape;
    const indptr = Float64Array.from({ length: rows + 1 }, (_, i) => i * k);
    return checkedLists(
      file,
      indptr,
      integers(`${file}:indices`, indicesArray),
      distances,
      samples,
      dataName,
    );
  }
  const indptr = npyNumbers(arrays.get('indptr')!);
  const shape = arrays.get('shape');
  if (shape) {
    const [rows, columns] = npyNumbers(shape);
    if (rows !== indptr.length - 1 || columns !== rows) {
      throw new InputError(
        file,
        `holds a ${rows} × ${columns} matrix with ${indptr.length} row offsets; a kNN graph is N × N`,
      );
    }
  }
  return checkedLists(file, indptr, integers(`${file}:indices`, indicesArray), distances, samples, dataName);
}

function fromEdgeList(file: string, array: NpyArray, samples: number, dataName: string): NeighbourLists {
  const [edges, width] = array.shape;
  if (array.shape.length !== 2 || (width !== 2 && width !== 3)) {
    throw new InputError(
      file,
      `holds an array of shape (${array.shape.join(', ')}); an edge list is E × 2 (source, neighbour) or E × 3 (source, neighbour, distance)`,
    );
  }
  if (array.dtype.kind !== 'number')
    throw new InputError(file, `holds ${array.dtype.descr} values, not numbers`);
  const values = npyNumbers(array);
  const column = (c: number) => Float64Array.from({ length: edges }, (_, e) => values[e * width + c]);
  const source = integers(file, column(0), 'sources');
  const target = integers(file, column(1), 'neighbours');
  return edgesToLists(file, source, target, width === 3 ? column(2) : undefined, samples, dataName);
}

/** Edges bucketed by source, in file order within each source (a counting sort). */
function edgesToLists(
  file: string,
  source: Int32Array,
  target: Int32Array,
  distances: Float64Array | undefined,
  samples: number,
  dataName: string,
): NeighbourLists {
  const edges = source.length;
  for (let e = 0; e < edges; e++) {
    checkIndex(file, source[e], samples, dataName, `edge ${e} starts at`);
    checkIndex(file, target[e], samples, dataName, `edge ${e} ends at`);
  }
  const indptr = new Float64Array(samples + 1);
  for (let e = 0; e < edges; e++) indptr[source[e] + 1]++;
  for (let i = 0; i < samples; i++) indptr[i + 1] += indptr[i];
  const fill = indptr.slice(0, samples);
  const indices = new Int32Array(edges);
  const sorted = distances ? new Float64Array(edges) : undefined;
  for (let e = 0; e < edges; e++) {
    const at = fill[source[e]]++;
    indices[at] = target[e];
    if (sorted) sorted[at] = distances![e];
  }
  return checkedLists(file, indptr, indices, sorted, samples, dataName);
}

function checkedLists(
  file: string,
  indptr: Float64Array,
  indices: Int32Array,
  distances: Float64Array | undefined,
  samples: number,
  dataName: string,
): NeighbourLists {
  const n = indptr.length - 1;
  if (n !== samples) {
    throw new InputError(
      file,
      `describes a graph on ${n} samples, but ${dataName} has ${samples}: the rows must be its samples, in order`,
    );
  }
  if (indptr[0] !== 0 || indptr[n] !== indices.length) {
    throw new InputError(
      file,
      `has row offsets (indptr) from ${indptr[0]} to ${indptr[n]} for ${indices.length} neighbours: they must run from 0 to ${indices.length}`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (!(indptr[i + 1] >= indptr[i]))
      throw new InputError(file, `has row offsets (indptr) that decrease at row ${i}`);
    for (let e = indptr[i]; e < indptr[i + 1]; e++)
      checkIndex(file, indices[e], samples, dataName, `row ${i} lists`);
  }
  if (distances) {
    if (distances.length !== indices.length) {
      throw new InputError(file, `has ${distances.length} distances for ${indices.length} neighbours`);
    }
    const bad = distances.findIndex((value) => !Number.isFinite(value));
    if (bad >= 0) throw new InputError(file, `has a non-finite distance (${distances[bad]}) at entry ${bad}`);
  }
  return { file, n, indptr, indices, distances };
}

function checkIndex(file: string, index: number, samples: number, dataName: string, where: string): void {
  if (index < 0) {
    throw new InputError(
      file,
      `${where} the negative index ${index}: indices are sample positions 0..${samples - 1} (FAISS marks a missing neighbour with −1)`,
    );
  }
  if (index >= samples) {
    throw new InputError(
      file,
      `${where} index ${index}, outside 0..${samples - 1} (${dataName} has ${samples} samples)`,
    );
  }
}

/** Whole numbers as Int32Array; a fractional or huge value is an error naming the array. */
function integers(file: string, values: NpyArray | Float64Array, what = 'indices'): Int32Array {
  const numbers = values instanceof Float64Array ? values : numbersOf(file, values);
  const out = new Int32Array(numbers.length);
  for (let i = 0; i < numbers.length; i++) {
    const value = numbers[i];
    if (!Number.isInteger(value))
      throw new InputError(file, `has ${what} that are not whole numbers (entry ${i} is ${value})`);
    // Clamped so that range checks report the value rather than a wrapped one.
    out[i] = Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, value));
  }
  return out;
}

function optionalNumbers(
  file: string,
  arrays: Map<string, NpyArray>,
  names: string[],
): Float64Array | undefined {
  const name = names.find((candidate) => arrays.has(candidate));
  return name ? numbersOf(`${file}:${name}`, arrays.get(name)!) : undefined;
}

function numbersOf(file: string, array: NpyArray): Float64Array {
  if (array.dtype.kind !== 'number')
    throw new InputError(file, `holds ${array.dtype.descr} values, not numbers`);
  return npyNumbers(array);
}

/**
 * The k nearest listed neighbours of every row of `points` (row r is sample
 * keptIndices[r]), with Euclidean distances measured on the points, ordered
 * by (distance, index) as every kNN backend orders them. Self loops,
 * repeated neighbours and samples that were not read are left out; the
 * listed distances (or, without them, the file's order) decide which k are
 * kept when a row lists more.
 */
export function neighboursForRows(
  lists: NeighbourLists,
  points: DenseMatrix,
  keptIndices: Int32Array,
  k: number,
): KnnResult {
  const { rows, dim, data } = points;
  const rowOf = new Int32Array(lists.n).fill(-1);
  keptIndices.forEach((sample, row) => (rowOf[sample] = row));
  const indices = new Int32Array(rows * k);
  const distances = new Float32Array(rows * k);
  const seen = new Set<number>();
  for (let row = 0; row < rows; row++) {
    const sample = keptIndices[row];
    const start = lists.indptr[sample];
    const end = lists.indptr[sample + 1];
    const order = Array.from({ length: end - start }, (_, t) => start + t);
    if (lists.distances) order.sort((a, b) => lists.distances![a] - lists.distances![b] || a - b);
    seen.clear();
    const chosen: { index: number; d2: number }[] = [];
    for (const entry of order) {
      const neighbour = rowOf[lists.indices[entry]];
      if (neighbour < 0 || neighbour === row || seen.has(neighbour)) continue;
      seen.add(neighbour);
      let d2 = 0;
      for (let c = 0; c < dim; c++) d2 += (data[row * dim + c] - data[neighbour * dim + c]) ** 2;
      chosen.push({ index: neighbour, d2 });
      if (chosen.length === k) break;
    }
    if (chosen.length < k) {
      throw new InputError(
        lists.file,
        `lists ${chosen.length} usable neighbours for sample ${sample} (itself, repeats and unreadable samples left out), fewer than k = ${k}: ` +
          'lower k, or give a graph with more neighbours per sample',
      );
    }
    chosen.sort((a, b) => a.d2 - b.d2 || a.index - b.index);
    chosen.forEach(({ index, d2 }, j) => {
      indices[row * k + j] = index;
      distances[row * k + j] = Math.sqrt(d2);
    });
  }
  return { n: rows, k, indices, distances };
}
