/**
 * MMD-critic (Kim, Khanna & Koyejo, "Examples are not enough, learn to
 * criticize!", NeurIPS 2016), as the authors' code (BeenKim/MMD-critic,
 * mmd.py) computes it, with its "local" kernel as an option: k(x, y) = 0
 * between samples of different groups (classes), which makes one greedy pass
 * choose prototypes for every class at once.
 *
 * Prototypes: greedy on J(S) = 2/(n|S|) Σ_{i, j∈S} k(i, j) − 1/|S|² Σ_{i,j∈S} k(i, j),
 * whose argmax over a new j is that of 2 r(j)/n − (2 Σ_{s∈S} k(j, s) + k(j, j)) / (|S| + 1)
 * (r = kernel row sums). Criticisms: greedy on Σ_{c∈C} |w(c)| + log det K_CC with the
 * witness w(x) = r(x)/n − Σ_{p∈P} k(x, p)/|P| (the `logdet` regulariser of the code),
 * the log-det gain of a candidate being log of its residual variance given C,
 * kept by an incremental Cholesky factor instead of the code's matrix inverse.
 *
 * Cost per step: O(n_g·d) kernel values for the new prototype's group (n_g
 * samples), plus O(n) to find the best candidate; O(n_g·(d + |C|)) per criticism.
 * The row sums are the caller's (kernelSums.ts: exact, or random features at scale).
 */
import { createCheckpoint } from '../cooperative';
import { InputError } from '../errors';
import type { ComputeOptions, DenseMatrix } from '../types';
import { rbf } from './kernel';

export interface MmdCriticOptions extends ComputeOptions {
  gamma: number;
  /** Kernel row sums within each row's group (self included). */
  rowSums: Float64Array;
  /** Group of each row; the kernel is 0 across groups. Default: one group. */
  groups?: Int32Array;
}

interface GroupIndex {
  groupOf: Int32Array;
  /** Rows of each group, and each row's position in its group's list. */
  members: Int32Array[];
  position: Int32Array;
}

function indexGroups(n: number, groups: Int32Array | undefined): GroupIndex {
  const codes = groups ?? new Int32Array(n);
  if (codes.length !== n) throw new RangeError(`${codes.length} group codes for ${n} rows`);
  const distinct = [...new Set(codes)].sort((a, b) => a - b);
  const slot = new Map(distinct.map((code, s) => [code, s]));
  const groupOf = Int32Array.from(codes, (code) => slot.get(code)!);
  const lists = distinct.map(() => [] as number[]);
  const position = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    position[i] = lists[groupOf[i]].length;
    lists[groupOf[i]].push(i);
  }
  return { groupOf, members: lists.map((rows) => Int32Array.from(rows)), position };
}

/** Greedy MMD prototypes, best first (every prefix is the greedy answer for its size). */
export async function mmdCriticPrototypes(
  points: DenseMatrix,
  count: number,
  options: MmdCriticOptions,
): Promise<Int32Array> {
  const n = points.rows;
  if (!Number.isInteger(count) || count < 1 || count > n) {
    throw new InputError(
      'count',
      `must be a whole number from 1 to the number of samples (${n}), got ${count}`,
    );
  }
  const { groupOf, members } = indexGroups(n, options.groups);
  const { gamma, rowSums } = options;
  const inSelection = new Float64Array(n); // Σ_{s∈S} k(j, s)
  const chosen = new Uint8Array(n);
  const order = new Int32Array(count);
  const checkpoint = createCheckpoint(options);
  for (let t = 0; t < count; t++) {
    let best = -1;
    let bestValue = -Infinity;
    for (let j = 0; j < n; j++) {
      if (chosen[j]) continue;
      const value = (2 * rowSums[j]) / n - (2 * inSelection[j] + 1) / (t + 1);
      if (value > bestValue) [bestValue, best] = [value, j];
    }
    order[t] = best;
    chosen[best] = 1;
    for (const j of members[groupOf[best]]) inSelection[j] += j === best ? 1 : rbf(points, j, best, gamma);
    if (t % 16 === 15) {
      options.onProgress?.(t + 1, count);
      await checkpoint();
    }
  }
  options.onProgress?.(count, count);
  return order;
}

/** w(x) = r(x)/n − Σ_{p∈P, same group} k(x, p)/|P|: where the data has more mass than the prototypes (> 0) or less. */
export function mmdWitness(
  points: DenseMatrix,
  prototypes: ArrayLike<number>,
  options: MmdCriticOptions,
): Float64Array {
  const n = points.rows;
  const { groupOf, members } = indexGroups(n, options.groups);
  const witness = new Float64Array(n);
  for (let i = 0; i < n; i++) witness[i] = options.rowSums[i] / n;
  for (let t = 0; t < prototypes.length; t++) {
    const p = prototypes[t];
    for (const j of members[groupOf[p]])
      witness[j] -= (j === p ? 1 : rbf(points, j, p, options.gamma)) / prototypes.length;
  }
  return witness;
}

export interface MmdCriticismOptions extends MmdCriticOptions {
  /** `logdet` (default, the authors' experiments): diverse criticisms; `none`: the top |witness|. */
  regularizer?: 'logdet' | 'none';
}

/** Greedy criticisms given the prototypes, most telling first; fewer than `count` when candidates run out. */
export async function mmdCriticCriticisms(
  points: DenseMatrix,
  prototypes: ArrayLike<number>,
  count: number,
  options: MmdCriticismOptions,
): Promise<Int32Array> {
  const n = points.rows;
  const { groupOf, members, position } = indexGroups(n, options.groups);
  const witness = mmdWitness(points, prototypes, options);
  const logdet = (options.regularizer ?? 'logdet') === 'logdet';
  const residual = new Float64Array(n).fill(1); // k(j, j) − k_jC K_CC⁻¹ k_Cj
  const excluded = new Uint8Array(n);
  for (let t = 0; t < prototypes.length; t++) excluded[prototypes[t]] = 1;
  /** Cholesky columns of the chosen criticisms, per group, over that group's rows. */
  const columns: Float64Array[][] = members.map(() => []);
  const chosen: number[] = [];
  const checkpoint = createCheckpoint(options);
  while (chosen.length < count) {
    let best = -1;
    let bestValue = -Infinity;
    for (let j = 0; j < n; j++) {
      if (excluded[j]) continue;
      const value = Math.abs(witness[j]) + (logdet ? Math.log(Math.max(residual[j], 1e-300)) : 0);
      if (value > bestValue) [bestValue, best] = [value, j];
    }
    if (best < 0) break;
    chosen.push(best);
    excluded[best] = 1;
    if (logdet) {
      const g = groupOf[best];
      const rows = members[g];
      const pivot = position[best];
      const previous = columns[g];
      const scale = Math.sqrt(Math.max(residual[best], 1e-300));
      const column = new Float64Array(rows.length);
      for (let local = 0; local < rows.length; local++) {
        const j = rows[local];
        let v = j === best ? 1 : rbf(points, j, best, options.gamma);
        for (const earlier of previous) v -= earlier[local] * earlier[pivot];
        column[local] = v / scale;
        residual[j] -= column[local] * column[local];
      }
      previous.push(column);
    }
    if (chosen.length % 16 === 0) {
      options.onProgress?.(chosen.length, count);
      await checkpoint();
    }
  }
  options.onProgress?.(count, count);
  return Int32Array.from(chosen);
}
