/**
 * Greedy prototype selection by coverage (facility location) on a sparse
 * similarity graph, optionally contrastive.
 *
 * Every sample i is covered by its most similar prototype of its own class:
 * cover(i) = max_{p ∈ P, class(p) = class(i)} s(i, p), with s(i, i) = 1 and
 * s = 0 between samples that are not graph neighbours. Facility location
 * maximises Σ_i cover(i) (Mirchandani & Francis; greedy is within 1 − 1/e of
 * the best, Nemhauser et al. 1978). The contrastive form also charges each
 * sample's resemblance to prototypes of other classes:
 *   F(P) = Σ_i [ cover(i) − λ · max_{p ∈ P, class(p) ≠ class(i)} s(i, p) ],
 * so prototypes stand for their class and not for their neighbours': the
 * quantity a nearest-prototype classifier lives on. F is no longer submodular,
 * so the greedy keeps exact marginal gains rather than lazy bounds.
 *
 * Gains are kept exactly and updated incrementally: choosing p changes the
 * covers of p's neighbours only, and a cover change at i changes the gains of
 * i's neighbours only, so a step costs O(k²) updates on a kNN graph (plus
 * O(log n) per update in the max trees) and never a pass over all n samples.
 */
import { createCheckpoint } from '../cooperative';
import type { CsrGraph } from '../csr';
import { InputError } from '../errors';
import type { ComputeOptions } from '../types';
import { MaxTree } from './maxTree';

export interface CoverageOptions extends ComputeOptions {
  /** How many prototypes to choose (at most n). */
  count: number;
  /** Class code of each row (≥ 0); without it every row is one class. */
  classes?: Int32Array;
  /** λ ≥ 0: weight of resembling another class's prototype (0 = plain facility location). */
  confusionPenalty?: number;
  /**
   * `by-gain` (default): each step takes the best gain over every class,
   * after a first round that gives each class its best prototype (so the
   * first C entries cover every class). `round-robin`: classes take turns.
   */
  order?: 'by-gain' | 'round-robin';
}

export interface CoverageResult {
  /** Chosen rows, in the order chosen: every prefix is the greedy answer for its size. */
  order: Int32Array;
  /** F(first t+1) − F(first t) for each chosen row. */
  gains: Float64Array;
}

export async function greedyCoverage(graph: CsrGraph, options: CoverageOptions): Promise<CoverageResult> {
  const { n, indptr, indices, weights } = graph;
  const count = options.count;
  if (!Number.isInteger(count) || count < 1 || count > n) {
    throw new InputError(
      'count',
      `must be a whole number from 1 to the number of samples (${n}), got ${count}`,
    );
  }
  const lambda = options.confusionPenalty ?? 0;
  if (!(lambda >= 0 && Number.isFinite(lambda)))
    throw new InputError('confusionPenalty', `must be ≥ 0, got ${lambda}`);
  const classes = options.classes ?? new Int32Array(n);
  if (classes.length !== n) throw new RangeError(`${classes.length} class codes for ${n} rows`);

  // One max tree per class, over that class's rows, so both orders find their argmax in O(log n).
  const classList = [...new Set(classes)].sort((a, b) => a - b);
  const slot = new Map(classList.map((code, s) => [code, s]));
  const classSlot = Int32Array.from(classes, (code) => slot.get(code)!);
  const members = classList.map(() => [] as number[]);
  const position = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    position[i] = members[classSlot[i]].length;
    members[classSlot[i]].push(i);
  }

  const gain = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let sum = 1; // j covers itself
    for (let e = indptr[j]; e < indptr[j + 1]; e++) {
      sum += classSlot[indices[e]] === classSlot[j] ? weights[e] : -lambda * weights[e];
    }
    gain[j] = sum;
  }
  const trees = members.map((rows) => new MaxTree(rows.map((row) => gain[row])));
  const chosen = new Uint8Array(n);
  const setGain = (j: number, value: number) => {
    gain[j] = value;
    if (!chosen[j]) trees[classSlot[j]].set(position[j], value);
  };

  const cover = new Float64Array(n);
  const confusion = new Float64Array(n);
  /** Row i's own-class cover rises from `before` to cover[i]: same-class candidates near i gain less. */
  const ownCoverRose = (i: number, before: number) => {
    const after = cover[i];
    setGain(i, gain[i] + Math.max(0, 1 - after) - Math.max(0, 1 - before));
    for (let e = indptr[i]; e < indptr[i + 1]; e++) {
      const j = indices[e];
      if (classSlot[j] !== classSlot[i]) continue;
      const s = weights[e];
      const change = Math.max(0, s - after) - Math.max(0, s - before);
      if (change !== 0) setGain(j, gain[j] + change);
    }
  };
  /** Row i's resemblance to other classes' prototypes rises: other-class candidates near i are charged less. */
  const confusionRose = (i: number, before: number) => {
    const after = confusion[i];
    for (let e = indptr[i]; e < indptr[i + 1]; e++) {
      const j = indices[e];
      if (classSlot[j] === classSlot[i]) continue;
      const s = weights[e];
      const change = -lambda * (Math.max(0, s - after) - Math.max(0, s - before));
      if (change !== 0) setGain(j, gain[j] + change);
    }
  };

  const order = new Int32Array(count);
  const gains = new Float64Array(count);
  const roundRobin = options.order === 'round-robin';
  const checkpoint = createCheckpoint(options);
  let turn = 0;
  for (let t = 0; t < count; t++) {
    let best = -1;
    if (roundRobin || t < classList.length) {
      // The next class (cyclically) that still has a candidate.
      for (let tries = 0; tries < classList.length && best < 0; tries++) {
        const s = turn++ % classList.length;
        const p = trees[s].argmax();
        if (p >= 0) best = members[s][p];
      }
    } else {
      let bestValue = -Infinity;
      trees.forEach((tree, s) => {
        const p = tree.argmax();
        if (p >= 0 && (tree.max() > bestValue || (tree.max() === bestValue && members[s][p] < best))) {
          bestValue = tree.max();
          best = members[s][p];
        }
      });
    }
    order[t] = best;
    gains[t] = gain[best];
    chosen[best] = 1;
    trees[classSlot[best]].set(position[best], -Infinity);

    const before = cover[best];
    if (before < 1) {
      cover[best] = 1;
      ownCoverRose(best, before);
    }
    for (let e = indptr[best]; e < indptr[best + 1]; e++) {
      const i = indices[e];
      const s = weights[e];
      if (classSlot[i] === classSlot[best]) {
        if (s > cover[i]) {
          const old = cover[i];
          cover[i] = s;
          ownCoverRose(i, old);
        }
      } else if (lambda > 0 && s > confusion[i]) {
        const old = confusion[i];
        confusion[i] = s;
        confusionRose(i, old);
      }
    }
    if (t % 64 === 63) {
      options.onProgress?.(t + 1, count);
      await checkpoint();
    }
  }
  options.onProgress?.(count, count);
  return { order, gains };
}

/**
 * F(P) for a set of rows, straight from its definition (O(|P|·n) with the
 * sparse similarities): the value the greedy's gains add up to.
 */
export function coverageObjective(
  graph: CsrGraph,
  chosen: ArrayLike<number>,
  classes?: Int32Array,
  confusionPenalty = 0,
): number {
  const { n, indptr, indices, weights } = graph;
  const classOf = classes ?? new Int32Array(n);
  const cover = new Float64Array(n);
  const confusion = new Float64Array(n);
  for (let t = 0; t < chosen.length; t++) {
    const p = chosen[t];
    cover[p] = 1;
    for (let e = indptr[p]; e < indptr[p + 1]; e++) {
      const i = indices[e];
      if (classOf[i] === classOf[p]) cover[i] = Math.max(cover[i], weights[e]);
      else confusion[i] = Math.max(confusion[i], weights[e]);
    }
  }
  let total = 0;
  for (let i = 0; i < n; i++) total += cover[i] - confusionPenalty * confusion[i];
  return total;
}
