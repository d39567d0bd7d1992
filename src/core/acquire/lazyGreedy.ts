import { createCheckpoint } from '../cooperative';
import type { ComputeOptions } from '../types';

/** An order of the unlabelled nodes, best first, and the scorer's value for each at the moment it was placed. */
export interface AcquisitionOrder {
  order: Int32Array;
  /** `value[p]` belongs to node `order[p]`. */
  value: Float64Array;
}

/**
 * Greedy maximisation of a monotone submodular set function, with Minoux's lazy
 * evaluation: a node's gain can only shrink as others are picked, so a stale
 * gain is an upper bound, and a node whose refreshed gain still tops the heap
 * is the true greedy pick. Picks every candidate (the whole ranking); ties go
 * to the smaller node index, so the order is deterministic.
 *
 * `gain(j)` must be non-increasing over the picks for the result to equal the
 * plain greedy's; `pick(j)` updates the state `gain` reads.
 */
export async function lazyGreedy(
  candidates: Int32Array,
  gain: (node: number) => number,
  pick: (node: number) => void,
  options?: ComputeOptions,
): Promise<AcquisitionOrder> {
  const heap = new MaxHeap(candidates.length);
  for (const node of candidates) heap.push(gain(node), node);
  const order = new Int32Array(candidates.length);
  const value = new Float64Array(candidates.length);
  const checkpoint = createCheckpoint(options);
  let placed = 0;
  while (heap.size > 0) {
    const node = heap.topNode();
    heap.pop();
    const fresh = gain(node);
    if (heap.size > 0 && heap.beats(heap.topKey(), heap.topNode(), fresh, node)) {
      heap.push(fresh, node);
      continue;
    }
    pick(node);
    order[placed] = node;
    value[placed++] = fresh;
    if (placed % 256 === 0) {
      options?.onProgress?.(placed, candidates.length);
      await checkpoint();
    }
  }
  options?.onProgress?.(placed, candidates.length);
  return { order, value };
}

/** Binary max-heap of (key, node) in typed arrays: larger key first, then smaller node. */
class MaxHeap {
  private readonly keys: Float64Array;
  private readonly nodes: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.nodes = new Int32Array(capacity);
  }

  /** Whether (keyA, nodeA) comes before (keyB, nodeB). */
  beats(keyA: number, nodeA: number, keyB: number, nodeB: number): boolean {
    return keyA > keyB || (keyA === keyB && nodeA < nodeB);
  }

  topKey(): number {
    return this.keys[0];
  }

  topNode(): number {
    return this.nodes[0];
  }

  push(key: number, node: number): void {
    let at = this.size++;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.beats(key, node, this.keys[parent], this.nodes[parent])) break;
      this.keys[at] = this.keys[parent];
      this.nodes[at] = this.nodes[parent];
      at = parent;
    }
    this.keys[at] = key;
    this.nodes[at] = node;
  }

  pop(): void {
    const last = --this.size;
    if (last === 0) return;
    const key = this.keys[last];
    const node = this.nodes[last];
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= last) break;
      const right = left + 1;
      const child =
        right < last && this.beats(this.keys[right], this.nodes[right], this.keys[left], this.nodes[left])
          ? right
          : left;
      if (!this.beats(this.keys[child], this.nodes[child], key, node)) break;
      this.keys[at] = this.keys[child];
      this.nodes[at] = this.nodes[child];
      at = child;
    }
    this.keys[at] = key;
    this.nodes[at] = node;
  }
}
