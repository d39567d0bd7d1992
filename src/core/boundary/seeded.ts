/** Seeded randomness for the boundary task (which reference rows fit the combination, and the folds). */

/** mulberry32: uniform numbers in [0, 1), the same sequence for the same seed. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The values 0..n−1 in a seeded random order (Fisher–Yates). */
export function shuffledRange(n: number, random: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** `count` distinct values of 0..n−1 chosen at random, in ascending order (all of them when count ≥ n). */
export function sampleRows(n: number, count: number, seed: number): Int32Array {
  if (count >= n) return Int32Array.from({ length: n }, (_, i) => i);
  return shuffledRange(n, seededUniform(seed)).slice(0, count).sort();
}
