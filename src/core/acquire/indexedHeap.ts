/**
 * Binary max-heap over the nodes 0..n−1 with a key per node that can go up or
 * down (an indexed priority queue): larger key first, then smaller node. For
 * greedy orders whose gains are not monotone, so a stale key is no bound.
 */
export class IndexedMaxHeap {
  private readonly keys: Float64Array;
  private readonly heap: Int32Array;
  /** position[node] in `heap`, −1 when the node is not in it. */
  private readonly position: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.heap = new Int32Array(capacity);
    this.position = new Int32Array(capacity).fill(-1);
  }

  has(node: number): boolean {
    return this.position[node] >= 0;
  }

  key(node: number): number {
    return this.keys[node];
  }

  /** The node with the largest key (smallest node among ties); −1 when empty. */
  top(): number {
    return this.size > 0 ? this.heap[0] : -1;
  }

  /** Inserts `node`, or moves it to its new key. */
  set(node: number, key: number): void {
    if (Number.isNaN(key)) throw new RangeError(`key of node ${node} is NaN`);
    const at = this.position[node];
    this.keys[node] = key;
    if (at < 0) {
      this.heap[this.size] = node;
      this.position[node] = this.size++;
      this.up(this.size - 1);
    } else {
      this.up(at);
      this.down(this.position[node]);
    }
  }

  remove(node: number): void {
    const at = this.position[node];
    if (at < 0) return;
    const last = this.heap[--this.size];
    this.position[node] = -1;
    if (last === node) return;
    this.heap[at] = last;
    this.position[last] = at;
    this.up(at);
    this.down(this.position[last]);
  }

  private before(a: number, b: number): boolean {
    return this.keys[a] > this.keys[b] || (this.keys[a] === this.keys[b] && a < b);
  }

  private up(at: number): void {
    const node = this.heap[at];
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.before(node, this.heap[parent])) break;
      this.place(this.heap[parent], at);
      at = parent;
    }
    this.place(node, at);
  }

  private down(at: number): void {
    const node = this.heap[at];
    for (;;) {
      const left = 2 * at + 1;
      if (left >= this.size) break;
      const right = left + 1;
      const child = right < this.size && this.before(this.heap[right], this.heap[left]) ? right : left;
      if (!this.before(this.heap[child], node)) break;
      this.place(this.heap[child], at);
      at = child;
    }
    this.place(node, at);
  }

  private place(node: number, at: number): void {
    this.heap[at] = node;
    this.position[node] = at;
  }
}
