/**
 * A max segment tree over n values: set one value in O(log n), find the
 * largest (lowest position on ties) in O(log n). Greedy selections keep their
 * candidates' current gains here, so that each step costs the updates it
 * makes, not a scan of every candidate.
 */
export class MaxTree {
  private readonly size: number;
  private readonly tree: Float64Array;

  constructor(values: ArrayLike<number>) {
    let size = 1;
    while (size < Math.max(values.length, 1)) size *= 2;
    this.size = size;
    this.tree = new Float64Array(2 * size).fill(-Infinity);
    for (let p = 0; p < values.length; p++) this.tree[size + p] = values[p];
    for (let node = size - 1; node >= 1; node--)
      this.tree[node] = Math.max(this.tree[2 * node], this.tree[2 * node + 1]);
  }

  get(position: number): number {
    return this.tree[this.size + position];
  }

  set(position: number, value: number): void {
    let node = this.size + position;
    this.tree[node] = value;
    for (node >>= 1; node >= 1; node >>= 1) {
      const best = Math.max(this.tree[2 * node], this.tree[2 * node + 1]);
      if (this.tree[node] === best) break;
      this.tree[node] = best;
    }
  }

  /** The largest value (−Infinity when every position is removed). */
  max(): number {
    return this.tree[1];
  }

  /** Position of the largest value, the lowest one on ties; −1 when every value is −Infinity. */
  argmax(): number {
    if (this.tree[1] === -Infinity) return -1;
    let node = 1;
    while (node < this.size) node = this.tree[2 * node] >= this.tree[2 * node + 1] ? 2 * node : 2 * node + 1;
    return node - this.size;
  }
}
